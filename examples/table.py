"""Markdown table of one experiment's results (examples/lib.sh writes them as JSON lines).

    python3 examples/table.py examples/out/sarcasm.results.jsonl

With several seeds per model, accuracy is the mean with the range in brackets, times and samples/s
are means, and the seed count is shown. CPU s: user + system CPU time, all threads (Mal: the whole
mal train process; Keras: model.fit only).
"""
import json
import sys

runs, uptimes = {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if "uptime_start" in r or "uptime_end" in r:
        uptimes.append(r.get("uptime_start") or r.get("uptime_end"))
        continue
    runs.setdefault(r["label"], {}).setdefault(r["tool"], []).append(r)


def mean(rs, key):
    return sum(r[key] for r in rs) / len(rs)


def accuracy(rs):
    text = f"{mean(rs, 'accuracy'):.4f}"
    if len(rs) > 1:
        text += f" ({min(r['accuracy'] for r in rs):.3f}–{max(r['accuracy'] for r in rs):.3f})"
    return text


def both(tools, fmt):
    return " / ".join(fmt(tools[t]) if t in tools else "–" for t in ("mal", "keras"))


def cpu(rs):
    values = [r["cpu_seconds"] for r in rs if "cpu_seconds" in r]
    return f"{sum(values) / len(values):.1f}" if values else "–"


print("| experiment | seeds | params Mal / Keras | test accuracy Mal / Keras | Δ points | train s Mal / Keras | samples/s Mal / Keras | speed × | CPU s Mal / Keras |")
print("|---|---:|---|---|---:|---|---|---:|---|")
for label, tools in runs.items():
    delta = speed = "–"
    if "mal" in tools and "keras" in tools:
        delta = f"{100 * (mean(tools['mal'], 'accuracy') - mean(tools['keras'], 'accuracy')):+.1f}"
        speed = f"{mean(tools['mal'], 'samples_per_second') / mean(tools['keras'], 'samples_per_second'):.2f}"
    seeds = max(len(rs) for rs in tools.values())
    params = both(tools, lambda rs: f"{rs[0]['params']:,}")
    seconds = both(tools, lambda rs: f"{mean(rs, 'train_seconds'):.1f}")
    rate = both(tools, lambda rs: f"{mean(rs, 'samples_per_second'):,.0f}")
    print(f"| {label} | {seeds} | {params} | {both(tools, accuracy)} | {delta} | {seconds} | {rate} | {speed} | {both(tools, cpu)} |")
print()
print("load (uptime): " + "  →  ".join(uptimes))
