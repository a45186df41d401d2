"""Markdown table of one experiment's results (examples/lib.sh writes them as JSON lines).

    python3 examples/table.py examples/out/sarcasm.results.jsonl
"""
import json
import sys

runs, uptimes = {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if "uptime_start" in r or "uptime_end" in r:
        uptimes.append(r.get("uptime_start") or r.get("uptime_end"))
        continue
    runs.setdefault(r["label"], {})[r["tool"]] = r


def both(label, key, fmt):
    pair = runs[label]
    return " / ".join(fmt(pair[t][key]) if t in pair else "–" for t in ("mal", "keras"))


print("| experiment | params Mal / Keras | test accuracy Mal / Keras | Δ points | train s Mal / Keras | samples/s Mal / Keras | speed × |")
print("|---|---|---|---:|---|---|---:|")
for label, pair in runs.items():
    delta = speed = "–"
    if "mal" in pair and "keras" in pair:
        delta = f"{100 * (pair['mal']['accuracy'] - pair['keras']['accuracy']):+.1f}"
        speed = f"{pair['mal']['samples_per_second'] / pair['keras']['samples_per_second']:.2f}"
    print(f"| {label} | {both(label, 'params', lambda v: f'{v:,}')} | {both(label, 'accuracy', lambda v: f'{v:.4f}')} "
          f"| {delta} | {both(label, 'train_seconds', lambda v: f'{v:.1f}')} "
          f"| {both(label, 'samples_per_second', lambda v: f'{v:,.0f}')} | {speed} |")
print()
print("load: " + "  →  ".join(uptimes))
