"""Turns `mal tokenize` output (TSV id, document, label) into the id rows `mal vocab` would write: tokens ranked
by count (ties by first occurrence), [PAD] = 0, [UNK] = 1, the rest from 2. Used only to make benchmark input
while the vocab stage is built elsewhere; the ids' values don't change pad's work, only their digit counts.
Usage: pad_ids.py < tokens.tsv > ids.tsv"""
import sys
from collections import Counter

rows = sys.stdin.read().split("\n")
if rows and rows[-1] == "":
    rows.pop()
header, body = rows[0], [r.split("\t") for r in rows[1:]]
column = header.split("\t").index("document")
counts = Counter()
for r in body:
    counts.update(r[column].split())
ranked = sorted(counts, key=lambda t: -counts[t])  # Python's sort is stable: ties keep first occurrence
ids = {t: i + 2 for i, t in enumerate(ranked)}
out = [header]
for r in body:
    r[column] = " ".join(str(ids[t]) for t in r[column].split())
    out.append("\t".join(r))
sys.stdout.write("\n".join(out) + "\n")
