"""The Keras side of the seed experiments in examples/*.sh.

Reads the same padded-id TSV files that `mal train` and `mal evaluate` read (written once by Mal's
pipeline, `mal tokenize | mal vocab | mal pad`), builds the same architecture from the same options as
`mal train` (the scripts pass one option list to both tools), trains it with Keras 3 on TensorFlow,
evaluates it on the test file and prints one JSON object on standard output:

    {"tool": "keras", "params": ..., "accuracy": ..., "train_seconds": ..., "samples_per_second": ...,
     "epoch_seconds": [...], "rows": ..., "test_rows": ...}

    keras_train.py TRAIN.tsv --test TEST.tsv [mal train's model options]

Options not listed in --help are errors, so a Mal option this file does not know is noticed. Labels are
mapped to classes as `mal train` does: numeric labels in numeric order, others in UTF-8 byte order; two
classes give Dense(1, sigmoid) with binary cross-entropy, more give Dense(classes, softmax) with sparse
categorical cross-entropy.
"""
import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
p.add_argument("train")
p.add_argument("--test", required=True)
p.add_argument("--column")
p.add_argument("--label-column")
p.add_argument("--arch", default="bilstm", choices=["simplernn", "lstm", "gru", "bilstm", "bigru", "bisimplernn"])
p.add_argument("--units", type=int, default=64)
p.add_argument("--layers", type=int, default=1)
p.add_argument("--embedding-dim", type=int, default=128)
p.add_argument("--vocab-size", type=int)
p.add_argument("--mask-zero", action="store_true")
p.add_argument("--one-hot", action="store_true", help="ids as one-hot vectors of depth --vocab-size, no Embedding")
p.add_argument("--scalar-input", action="store_true", help="ids as a (maxlen, 1) float sequence, no Embedding")
p.add_argument("--dense", type=int, action="append", default=[])
p.add_argument("--dropout", type=float, default=0.0)
p.add_argument("--recurrent-dropout", type=float, default=0.0)
p.add_argument("--merge", default="concat", choices=["concat", "sum", "ave", "mul"])
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--optimizer", default="adam", choices=["adam", "sgd", "rmsprop"])
p.add_argument("--lr", type=float)
p.add_argument("--clipnorm", type=float)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threads", type=int, help="TensorFlow intra- and inter-op threads (default: TensorFlow's, every core)")
args = p.parse_args()

import numpy as np  # noqa: E402

LABEL_NAMES = ["label", "labels", "class", "category", "sentiment", "target", "topic", "y", "is_sarcastic"]


def read_rows(path):
    """(ids [rows, maxlen] int32, labels [rows] str) from a padded TSV file with a header."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[0].startswith("#mal "):  # Mal's provenance line (docs/formats/stream.md), then the header
            header = f.readline().rstrip("\n").split("\t")
        if args.label_column:
            label = header.index(args.label_column) if args.label_column in header else int(args.label_column) - 1
        else:
            label = next(i for i, name in enumerate(header) if name.lower() in LABEL_NAMES)
        if args.column:
            column = header.index(args.column) if args.column in header else int(args.column) - 1
        elif "document" in header or "text" in header:
            column = header.index("document") if "document" in header else header.index("text")
        else:
            column = max(i for i, name in enumerate(header) if i != label and name.lower() != "id")
        ids, labels = [], []
        for line in f:
            fields = line.rstrip("\n").split("\t")
            ids.append(fields[column].split())
            labels.append(fields[label])
    return np.array(ids, dtype=np.int32), labels


x_train, train_labels = read_rows(args.train)
x_test, test_labels = read_rows(args.test)
distinct = set(train_labels)
if all(s.lstrip("-").isdigit() for s in distinct):
    classes = sorted(distinct, key=int)
else:
    classes = sorted(distinct, key=lambda s: s.encode("utf-8"))
index = {c: i for i, c in enumerate(classes)}
unknown = set(test_labels) - set(index)
if unknown:
    sys.exit(f"keras_train.py: test labels not in the training labels: {sorted(unknown)[:5]}")
y_train = np.array([index[s] for s in train_labels], dtype=np.int32)
y_test = np.array([index[s] for s in test_labels], dtype=np.int32)
maxlen = x_train.shape[1]
vocab_size = args.vocab_size or int(max(x_train.max(), x_test.max())) + 1

import tensorflow as tf  # noqa: E402

if args.threads:
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
import keras  # noqa: E402
from keras import layers  # noqa: E402

keras.utils.set_random_seed(args.seed)


class OneHot(layers.Layer):
    """ids [batch, time] -> one-hot [batch, time, depth]; no weights (Mal's --one-hot)."""

    def __init__(self, depth, **kwargs):
        super().__init__(**kwargs)
        self.depth = depth

    def call(self, x):
        return keras.ops.one_hot(keras.ops.cast(x, "int32"), self.depth)

    def compute_output_shape(self, shape):
        return (*shape, self.depth)


def recurrent(return_sequences):
    kind = {"simplernn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}[args.arch.removeprefix("bi")]
    cell = kind(args.units, return_sequences=return_sequences, dropout=args.dropout,
                recurrent_dropout=args.recurrent_dropout)
    return layers.Bidirectional(cell, merge_mode=args.merge) if args.arch.startswith("bi") else cell


if args.scalar_input:
    stack = [keras.Input(shape=(maxlen, 1))]
    x_train = x_train.astype(np.float32)[..., None]
    x_test = x_test.astype(np.float32)[..., None]
elif args.one_hot:
    stack = [keras.Input(shape=(maxlen,), dtype="int32"), OneHot(vocab_size)]
else:
    stack = [keras.Input(shape=(maxlen,), dtype="int32"),
             layers.Embedding(vocab_size, args.embedding_dim, mask_zero=args.mask_zero)]
stack += [recurrent(i < args.layers - 1) for i in range(args.layers)]
stack += [layers.Dense(n, activation="relu") for n in args.dense]
binary = len(classes) == 2
stack.append(layers.Dense(1, activation="sigmoid") if binary else layers.Dense(len(classes), activation="softmax"))
model = keras.Sequential(stack)

rate = args.lr if args.lr is not None else (0.01 if args.optimizer == "sgd" else 0.001)
extra = {"clipnorm": args.clipnorm} if args.clipnorm else {}
optimizer = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD, "rmsprop": keras.optimizers.RMSprop}[args.optimizer](
    learning_rate=rate, **extra)
model.compile(optimizer=optimizer, loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
              metrics=["accuracy"])
if binary:
    y_train = y_train.astype(np.float32)[:, None]
    y_test = y_test.astype(np.float32)[:, None]


class EpochLog(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start
        epoch_seconds.append(seconds)
        print(f"keras epoch {epoch + 1}/{args.epochs}  loss {logs['loss']:.4f}  accuracy {logs['accuracy']:.4f}  "
              f"{seconds:.1f} s  {len(x_train) / seconds:,.0f} samples/s", file=sys.stderr, flush=True)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


epoch_seconds = []
cpu_start = cpu_seconds()
start = time.perf_counter()
model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, shuffle=True, verbose=0,
          callbacks=[EpochLog()])
train_seconds = time.perf_counter() - start
train_cpu_seconds = cpu_seconds() - cpu_start
loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
print(json.dumps({
    "tool": "keras", "keras": keras.__version__, "tensorflow": tf.__version__,
    "params": int(model.count_params()),
    "per_layer": [[layer.name, int(layer.count_params())] for layer in model.layers],
    "accuracy": float(accuracy), "test_loss": float(loss),
    "train_seconds": train_seconds, "epoch_seconds": epoch_seconds, "cpu_seconds": train_cpu_seconds,
    "samples_per_second": len(x_train) * args.epochs / train_seconds,
    "rows": len(x_train), "test_rows": len(x_test), "maxlen": maxlen, "classes": len(classes),
}))
