"""Checks that the readers docs/formats/stream.md names read Mal's rows as it says (see stream.sh)."""
import csv
import subprocess
import sys

import pandas as pd

mal, work = sys.argv[1], sys.argv[2]


def run(command):
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, cwd=work)


sample = __import__("os").path.abspath("Corpora/sample-ko.tsv")
run(f"'{mal}' tokenize '{sample}' | '{mal}' vocab --save v.txt | '{mal}' pad --maxlen 12 > marked.tsv")
run(f"'{mal}' tokenize '{sample}' | '{mal}' vocab --load v.txt | '{mal}' pad --maxlen 12 --plain > plain.tsv")
checks = 0

plain = pd.read_csv(f"{work}/plain.tsv", sep="\t")
marked = pd.read_csv(f"{work}/marked.tsv", sep="\t", skiprows=1)
assert list(plain.columns) == ["id", "document", "label"], plain.columns
assert plain.shape == (240, 3) and plain.equals(marked), (plain.shape, marked.shape)
checks += 1

# Without skiprows pandas takes the #mal line for the header: one column named after it, the first columns as an
# index, and the first use of a real column name fails.
unskipped = pd.read_csv(f"{work}/marked.tsv", sep="\t")
assert unskipped.shape == (241, 1) and unskipped.columns[0].startswith("#mal {"), unskipped.shape
try:
    unskipped["document"]
    raise AssertionError("df['document'] worked on a frame read without skiprows")
except KeyError:
    print("pandas without skiprows: one column named '#mal {...}'; df['document'] raises KeyError")
checks += 1

with open(f"{work}/marked.tsv", newline="", encoding="utf-8") as f:
    if not f.readline().startswith("#mal "):
        f.seek(0)
    rows = list(csv.DictReader(f, delimiter="\t"))
assert rows == plain.astype(str).to_dict("records"), rows[0]
checks += 1

cut = subprocess.run(["cut", "-s", "-f2", f"{work}/marked.tsv"], capture_output=True, text=True, check=True).stdout
assert cut.split("\n")[0] == "document" and len(cut.split("\n")) == 242, cut[:80]
checks += 1

print(f"{checks} passed, 0 failed")
