"""Markdown table of one experiment's results (examples/lib.sh writes them as JSON lines).

    python3 examples/table.py examples/out/sarcasm.results.jsonl
    python3 examples/table.py --brief examples/out/*.results.jsonl    # one short table of all

With several seeds per model, accuracy is the mean with the range in brackets, times and samples/s
are means, and the seed count is shown. CPU s: user + system CPU time, all threads (Mal: the whole
mal train process; Keras: model.fit only).
"""
import json
import sys

brief = sys.argv[1] == "--brief"
runs, uptimes = {}, []
for path in sys.argv[2:] if brief else sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
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


if brief:
    print("| experiment | test accuracy Mal / Keras | Δ points | samples/s Mal / Keras | speed × | CPU-time ratio |")
    print("|---|---|---:|---|---:|---:|")
    for label, tools in runs.items():
        if "mal" not in tools or "keras" not in tools:
            continue
        m, k = tools["mal"], tools["keras"]
        ratio = "–"
        if all("cpu_seconds" in r for r in m + k):
            ratio = f"{mean(k, 'cpu_seconds') / mean(m, 'cpu_seconds'):.2f}"
        print(f"| {label} | {mean(m, 'accuracy'):.4f} / {mean(k, 'accuracy'):.4f} "
              f"| {100 * (mean(m, 'accuracy') - mean(k, 'accuracy')):+.1f} "
              f"| {mean(m, 'samples_per_second'):,.0f} / {mean(k, 'samples_per_second'):,.0f} "
              f"| {mean(m, 'samples_per_second') / mean(k, 'samples_per_second'):.2f} | {ratio} |")
    sys.exit(0)

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
