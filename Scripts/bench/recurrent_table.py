"""Turns the JSON lines of Scripts/bench/recurrent.sh (Scripts/bench.sh recurrent) into a Markdown table.

For each (architecture, threads, tool) it reports the median over rounds of each round's
median samples/s with the range over rounds, the ratio of medians to Keras, GFLOP/s at the
median and the largest peak RSS.
"""
import json
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(__file__))
from summary import record as summary_record

rows = defaultdict(list)
gemm = {}  # (shape, threads) -> GFLOP/s
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    record = json.loads(line)
    if "gemm" in record:
        gemm[(record["gemm"], record["threads"])] = record["gflops"]
        continue
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
            if tool == "mal" and keras:
                peak = gemm.get(("square 1024", threads))
                rss = max(r["peak_rss_mb"] for r in records), max(r["peak_rss_mb"] for r in keras)
                for phase, key in (("training", "train"), ("inference", "predict")):
                    # (Predicting from token ids looks the input projection up instead of computing it, so a
                    # predict GFLOP/s figure overstates the work: only training's is set beside sgemm's peak.)
                    note = ""
                    if key == "train":
                        note = f"{med(records, key + '_gflops'):.1f} GFLOP/s"
                        if peak:
                            note += f", {100 * med(records, key + '_gflops') / peak:.0f} % of sgemm's {peak:.0f} at 1024³"
                    summary_record("recurrent", f"{names[arch]} {phase}, {threads} thread(s)", "MalRecurrent",
                                   med(records, key + "_samples_per_s"), "Keras 3 / TF",
                                   med(keras, key + "_samples_per_s"), "samples/s", target_ratio=3,
                                   mal_rss_mib=rss[0], reference_rss_mib=rss[1], note=note)
if gemm:
    print()
    print("sgemm GFLOP/s at the layers' shapes (OpenBLAS, as Mal links it):")
    for (shape, threads), gflops in sorted(gemm.items(), key=lambda item: (item[0][1], item[0][0])):
        print(f"- {shape}, {threads} thread(s): {gflops}")
