"""Times `mal pad --maxlen 40` beside Python reading the same id rows and calling keras.utils.pad_sequences, text in →
text out and text in → .npy, in the same run. Run through Scripts/bench-pad.sh (it builds Mal, makes the venv and
the id file). Usage: pad.py MAL IDS.tsv"""
import os, statistics, subprocess, sys, time

mal, path = sys.argv[1], sys.argv[2]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
MAXLEN = 40
work = os.path.dirname(os.path.abspath(path))

PYTHON_PAD = r'''
import sys, time
t0 = time.perf_counter()
import numpy as np
from keras.utils import pad_sequences
t1 = time.perf_counter()
path, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, encoding="utf-8") as f:
    header = f.readline().rstrip("\n").split("\t")
    column = header.index("document")
    rows = [line.rstrip("\n").split("\t") for line in f]
sequences = [[int(t) for t in r[column].split()] for r in rows]
x = pad_sequences(sequences, maxlen=%d)  # defaults: int32, padding and truncating "pre", value 0
if mode == "text":
    with open(out, "w", encoding="utf-8") as f:
        f.write("\t".join(header) + "\n")
        for r, padded in zip(rows, x):
            r[column] = " ".join(map(str, padded.tolist()))
            f.write("\t".join(r) + "\n")
else:
    np.save(out, x)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
''' % MAXLEN


def median(fn, runs):
    fn()  # warm-up: page cache, Python's .pyc files
    values = [fn() for _ in range(runs)]
    return statistics.median(v[0] for v in values), (statistics.median(v[1] for v in values) if values[0][1] is not None else None)


def timed(command):
    t = time.perf_counter()
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE)
    return time.perf_counter() - t, result.stdout


def mal_text():
    out = os.path.join(work, "mal.tsv")
    return timed([mal, "pad", "--maxlen", str(MAXLEN), path, "-o", out])[0], None


def mal_npy():
    return timed([mal, "pad", "--maxlen", str(MAXLEN), path, "--npy", os.path.join(work, "mal.npy"),
                  "--labels-npy", os.path.join(work, "mal-labels.npy")])[0], None


def python(mode):
    out = os.path.join(work, "keras.tsv" if mode == "text" else "keras.npy")
    seconds, stdout = timed([sys.executable, "-c", PYTHON_PAD, path, mode, out])
    _, work_seconds = map(float, stdout.split())
    return seconds, work_seconds


def peak_rss_mib(copies):
    """Peak RSS of mal pad --maxlen 40 reading `copies` copies of the rows from a pipe."""
    body = os.path.join(work, "body.tsv")
    with open(path, "rb") as f, open(body, "wb") as out:
        f.readline()
        out.write(f.read())
    cat = subprocess.Popen(["cat"] + [body] * copies, stdout=subprocess.PIPE)
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", mal, "pad", "--maxlen", str(MAXLEN), "--no-header", "--column", "2"],
                             stdin=cat.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cat.stdout.close()
    _, err = child.communicate()
    return int(err.decode().strip().splitlines()[-1]) / 1024


mb = os.path.getsize(path) / 1e6
rows = sum(1 for _ in open(path, "rb")) - 1
print(f"{rows:,} NSMC rows of ids ({mb:.1f} MB, TSV id/document/label), --maxlen {MAXLEN}; median of {RUNS} runs "
      f"after a warm-up; one process each; MB = 10^6 bytes of input\n")
print("| path | tool | seconds end to end | MB/s | Mal's speed-up | seconds without Python start-up and imports |")
print("|---|---|---:|---:|---:|---:|")
for mode, mal_fn in (("text → text", mal_text), ("text → .npy", mal_npy)):
    mal_seconds, _ = median(mal_fn, RUNS)
    py_seconds, py_work = median(lambda: python("text" if mode == "text → text" else "npy"), max(3, RUNS // 2))
    print(f"| {mode} | `mal pad --maxlen {MAXLEN}`{' --npy' if 'npy' in mode else ''} | {mal_seconds:.3f} | {mb / mal_seconds:.0f} | | |")
    print(f"| {mode} | Python + keras.utils.pad_sequences | {py_seconds:.3f} | {mb / py_seconds:.1f} | "
          f"{py_seconds / mal_seconds:.1f}× ({py_work / mal_seconds:.1f}× without start-up) | {py_work:.3f} |")
    sys.stdout.flush()

# Same values both ways: Mal's text and .npy against Keras's.
import numpy as np
a, b = np.load(os.path.join(work, "mal.npy")), np.load(os.path.join(work, "keras.npy"))
assert a.dtype == b.dtype == np.int32 and a.shape == b.shape and (a == b).all(), "mal.npy differs from Keras"
with open(os.path.join(work, "mal.tsv"), "rb") as f1, open(os.path.join(work, "keras.tsv"), "rb") as f2:
    assert f1.read() == f2.read(), "mal pad's text differs from Keras's rows"
print(f"\nChecked: mal.npy == Keras's array ({a.shape}, int32) and mal pad's text == Keras's rows, byte for byte.")
print("Peak RSS of `mal pad --maxlen 40` reading from a pipe (memory must not grow with input size):")
for copies in (1, 4):
    print(f"- {copies} × {mb * copies:.0f} MB: {peak_rss_mib(copies):.1f} MiB")
