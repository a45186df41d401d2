"""Keras/TensorFlow side of Scripts/bench/recurrent.sh (Scripts/bench.sh recurrent).

Times train steps and inference on Embedding(vocab, embed) -> [Bidirectional](LSTM|GRU|SimpleRNN)(units)
-> Dense(1, sigmoid), Adam, binary cross-entropy, on random ids, with TensorFlow limited to
--threads intra- and inter-op threads. Prints one JSON object per architecture, with the same
keys as MalRecurrentBench.
"""
import argparse
import json
import os
import resource
import sys
import time

# This folder holds tokenize.py (another benchmark), which would shadow the standard library's tokenize module
# (numpy and TensorFlow import it).
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

parser = argparse.ArgumentParser()
parser.add_argument("--arch", default="bilstm")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--steps", type=int, default=40)
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--maxlen", type=int, default=40)
parser.add_argument("--vocab", type=int, default=20000)
parser.add_argument("--embed", type=int, default=128)
parser.add_argument("--units", type=int, default=64)
args = parser.parse_args()

import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(args.threads)
import keras  # noqa: E402

layers = keras.layers
rng = np.random.default_rng(99)
batches = 8
x = rng.integers(1, args.vocab, size=(batches, args.batch, args.maxlen), dtype=np.int32)
y = rng.integers(0, 2, size=(batches, args.batch, 1)).astype(np.float32)


def recurrent(arch):
    if arch == "bilstm":
        return layers.Bidirectional(layers.LSTM(args.units))
    if arch == "lstm":
        return layers.LSTM(args.units)
    if arch == "gru":
        return layers.GRU(args.units)
    if arch == "simplernn":
        return layers.SimpleRNN(args.units)
    raise SystemExit(f"unknown architecture {arch}")


def forward_flops(arch):
    gates = 4 if arch.endswith("lstm") else 3 if arch == "gru" else 1
    directions = 2 if arch.startswith("bi") else 1
    return directions * args.maxlen * 2 * gates * args.units * (args.embed + args.units)


for arch in args.arch.split(","):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input(shape=(args.maxlen,), dtype="int32"),
        layers.Embedding(args.vocab, args.embed),
        recurrent(arch),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy")
    losses = [float(model.train_on_batch(x[i % batches], y[i % batches])) for i in range(3)]
    train_rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for i in range(args.steps):
            loss = model.train_on_batch(x[i % batches], y[i % batches])
        losses.append(float(loss))
        train_rates.append(args.steps * args.batch / (time.perf_counter() - start))
    for i in range(3):
        model.predict_on_batch(x[i])
    predict_rates = []
    checksum = 0.0
    for _ in range(args.runs):
        start = time.perf_counter()
        for i in range(args.steps * 2):
            checksum += float(model.predict_on_batch(x[i % batches])[0, 0])
        predict_rates.append(args.steps * 2 * args.batch / (time.perf_counter() - start))
    assert np.isfinite(checksum) and all(np.isfinite(losses))
    train = sorted(train_rates)[len(train_rates) // 2]
    predict = sorted(predict_rates)[len(predict_rates) // 2]
    flops = forward_flops(arch)
    print(json.dumps({
        "tool": "keras", "arch": arch, "threads": args.threads, "batch": args.batch, "maxlen": args.maxlen,
        "train_samples_per_s": round(train, 1), "predict_samples_per_s": round(predict, 1),
        "train_gflops": round(train * 3 * flops / 1e9, 2), "predict_gflops": round(predict * flops / 1e9, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "params": model.count_params(), "first_loss": losses[0], "last_loss": losses[-1],
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
    }, sort_keys=True), flush=True)
