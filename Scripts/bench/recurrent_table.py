"""Turns the JSON lines of Scripts/bench/recurrent.sh (Scripts/bench.sh recurrent) into a Markdown table.

For each (architecture, threads, tool) it reports the median over rounds of each round's
median samples/s with the range over rounds, the ratio of medians to Keras, GFLOP/s at the
median and the largest peak RSS.
"""
import json
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    record = json.loads(line)
    rows[(record["arch"], record["threads"], record["tool"])].append(record)


def med(records, key):
    return statistics.median(r[key] for r in records)


print("| model | threads | tool | train samples/s (range) | × Keras | predict samples/s (range) | × Keras "
      "| train GFLOP/s | predict GFLOP/s | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
names = {"bilstm": "BiLSTM(64)", "lstm": "LSTM(64)", "gru": "GRU(64)", "simplernn": "SimpleRNN(64)"}
order = ["bilstm", "lstm", "gru", "simplernn"]
tools = ["keras", "mal", "mal-skylakex"]
for arch in sorted({k[0] for k in rows}, key=order.index):
    for threads in sorted({k[1] for k in rows if k[0] == arch}):
        keras = rows.get((arch, threads, "keras"))
        for tool in tools:
            records = rows.get((arch, threads, tool))
            if not records:
                continue
            train, predict = med(records, "train_samples_per_s"), med(records, "predict_samples_per_s")
            if keras:
                train_ratio = f"{train / med(keras, 'train_samples_per_s'):.2f}"
                predict_ratio = f"{predict / med(keras, 'predict_samples_per_s'):.2f}"
            else:
                train_ratio = predict_ratio = "–"
            label = {"keras": "Keras 3 / TF", "mal": "Mal", "mal-skylakex": "Mal, OPENBLAS_CORETYPE=SKYLAKEX"}[tool]
            def spread(key):
                values = [r[key] for r in records]
                return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"
            print(f"| {names[arch]} | {threads} | {label} | {spread('train_samples_per_s')} | {train_ratio} "
                  f"| {spread('predict_samples_per_s')} "
                  f"| {predict_ratio} | {med(records, 'train_gflops'):.1f} | {med(records, 'predict_gflops'):.1f} "
                  f"| {max(r['peak_rss_mb'] for r in records):.0f} |")
