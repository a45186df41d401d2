"""Checks mal train's model files against real Keras: for each of a set of small models trained with the mal CLI,
Python's safetensors opens the file, the architecture in its `mal.model` metadata is rebuilt as a Keras 3
Sequential, Mal's weights are assigned to it by their Keras paths, and Keras's predictions on the same padded rows
must equal `mal predict`'s (≤ 1e-5), and `mal summary`'s parameter counts (per layer, total, trainable,
non-trainable) Keras's.
Also checks that safetensors.numpy.save_file writes the same file as Mal (but for the order of the metadata keys)
and that Mal predicts the same from Python's file, and that broken files make `mal predict` exit 65 with a one-line message.
Run through Scripts/interop.sh model. Usage: model.py MAL WORKDIR CORPORA

Keras 3 (the one tensorflow-cpu ships; 3.15.1 made the fixtures) is the reference: Mal's weight names are Keras 3's
variable paths (`sequential/bidirectional/forward_lstm/lstm_cell/kernel`). tf_keras 2.x names them differently
(`lstm/lstm_cell/kernel:0`, no model prefix), so it is not used here.

`mal predict` prints probabilities with 6 decimals and, for more than two classes, only the predicted class's one,
so Keras's float32 probability is compared with Mal's rounded one: |Δ| ≤ 1e-5 leaves Mal's unrounded value within
1.05e-5 of Keras's. The label must agree too, except where Keras's own decision is within 1e-5 of a tie. To see
the differences below the rounding, each model is also checked through a "logit probe": a copy of its file, written
by Python, whose head is linear and scaled by 2^20 (exact in float32), so that the 6 decimals `mal predict` prints
hold Mal's float32 logit (the largest one for a softmax head) in full; its |Δ| to Keras's must also be ≤ 1e-5."""
import json, os, re, subprocess, sys

sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

mal, work, corpora = sys.argv[1], sys.argv[2], sys.argv[3]
TOLERANCE = 1e-5
DATA_ERROR = 65  # EX_DATAERR
failures = []


def fail(name, why):
    failures.append(name)
    print(f"FAIL  {name}  {why}")


def data_lines(text):
    """The lines of Mal's output without its #mal provenance line (docs/formats/stream.md)."""
    lines = text.splitlines()
    return lines[1:] if lines and lines[0].startswith("#mal ") else lines


def run(args, stdin=None):
    """mal ARGS' standard output, without its #mal line."""
    result = subprocess.run([mal, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise SystemExit(f"mal {' '.join(args)} failed ({result.returncode}): {result.stderr.decode()}")
    return "".join(line + "\n" for line in data_lines(result.stdout.decode()))


def pipeline(source, rows, stages, path):
    """head -n rows+1 source | mal stage | mal stage … > path"""
    with open(source, "rb") as f:
        text = b"".join(line for _, line in zip(range(rows + 1), f))
    for stage in stages:
        result = subprocess.run([mal, *stage], input=text, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise SystemExit(f"mal {' '.join(stage)} failed: {result.stderr.decode()}")
        text = result.stdout
    with open(path, "wb") as f:
        f.write(text)
    return path


# ---- data: the project's sample ids (pre-padded with zeros), NSMC reviews post-padded, Reuters topics -------------
sample = "Corpora/sample-ko-ids.tsv"
nsmc = pipeline(os.path.join(corpora, "nsmc/ratings_train.txt"), 400,
                [["tokenize"], ["vocab", "--save", os.path.join(work, "nsmc-vocab.txt"), "--max-size", "3000"],
                 ["pad", "--maxlen", "20", "--padding", "post"]], os.path.join(work, "nsmc.tsv"))
reuters = pipeline(os.path.join(corpora, "reuters/train.tsv"), 500,
                   [["tokenize", "--lower"], ["vocab", "--save", os.path.join(work, "reuters-vocab.txt"), "--max-size", "3000"],
                    ["pad", "--maxlen", "40"]], os.path.join(work, "reuters.tsv"))

nsmc_vectors = os.path.join(work, "nsmc.vec")  # word2vec vectors of the same reviews, for --embedding --freeze
tokens = pipeline(os.path.join(corpora, "nsmc/ratings_train.txt"), 400, [["tokenize"]], os.path.join(work, "nsmc-tokens.tsv"))
run(["word2vec", "train", "-o", nsmc_vectors, "--dim", "16", "--min-count", "1", "--column", "document", tokens])


def with_extra_rows(path, maxlen):
    """The rows of `path` plus rows made for masking: all padding, and zeros between real ids."""
    lines = data_lines(open(path, encoding="utf-8").read())
    label = lines[1].split("\t")[-1]
    extra = [[0] * maxlen, [0] * (maxlen - 1) + [5], [5] + [0] * (maxlen - 1), [3, 0, 4, 0, 0, 7] + [0] * (maxlen - 6),
             [0, 0, 2, 0, 9] + [3] * (maxlen - 5)]
    out = os.path.join(work, "extra-" + os.path.basename(path))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        for k, ids in enumerate(extra):
            f.write(f"x{k}\t{' '.join(map(str, ids))}\t{label}\n")
    return out


# name, training rows, predicted rows, mal train options. Small and fast: 16 units, 2 epochs at lr 0.01, so that
# the weights move well away from their initial values and the probabilities spread out. A case's own options come
# after the common ones and override them.
common = ["--units", "16", "--embedding-dim", "16", "--epochs", "2", "--lr", "0.01", "--batch-size", "32", "--seed", "7"]
cases = [
    ("simplernn", sample, sample, ["--arch", "simplernn"]),
    ("lstm", sample, sample, ["--arch", "lstm"]),
    ("gru", sample, sample, ["--arch", "gru"]),
    ("bisimplernn-concat", sample, sample, ["--arch", "bisimplernn"]),
    ("bilstm-concat", sample, sample, ["--arch", "bilstm"]),
    ("bigru-concat", sample, sample, ["--arch", "bigru"]),
    ("bilstm-sum", sample, sample, ["--arch", "bilstm", "--merge", "sum"]),
    ("bilstm-ave", sample, sample, ["--arch", "bilstm", "--merge", "ave"]),
    ("bilstm-mul", sample, sample, ["--arch", "bilstm", "--merge", "mul"]),
    ("bigru-sum", nsmc, nsmc, ["--arch", "bigru", "--merge", "sum"]),
    ("bisimplernn-mul", nsmc, nsmc, ["--arch", "bisimplernn", "--merge", "mul"]),
    ("lstm-2layers", sample, sample, ["--arch", "lstm", "--layers", "2"]),
    ("bigru-2layers-ave", nsmc, nsmc, ["--arch", "bigru", "--layers", "2", "--merge", "ave"]),
    ("gru-dense24", sample, sample, ["--arch", "gru", "--dense", "24"]),
    ("bilstm-dense24-dense8", nsmc, nsmc, ["--arch", "bilstm", "--dense", "24", "--dense", "8"]),
    ("lstm-mask-pre", sample, with_extra_rows(sample, 12), ["--arch", "lstm", "--mask-zero"]),
    ("gru-mask-post", nsmc, with_extra_rows(nsmc, 20), ["--arch", "gru", "--mask-zero"]),
    ("simplernn-mask-post", nsmc, with_extra_rows(nsmc, 20), ["--arch", "simplernn", "--mask-zero"]),
    ("bilstm-mask-post", nsmc, with_extra_rows(nsmc, 20), ["--arch", "bilstm", "--mask-zero"]),
    ("bigru-2layers-mask-mul", sample, with_extra_rows(sample, 12), ["--arch", "bigru", "--layers", "2", "--mask-zero", "--merge", "mul", "--epochs", "8", "--lr", "0.02"]),
    ("lstm-reuters", reuters, reuters, ["--arch", "lstm"]),
    ("bigru-reuters-mask-dense", reuters, reuters, ["--arch", "bigru", "--mask-zero", "--dense", "24"]),
    ("lstm-dropout", sample, sample, ["--arch", "lstm", "--dropout", "0.3", "--recurrent-dropout", "0.2"]),
    ("bigru-dropout-mask", nsmc, nsmc, ["--arch", "bigru", "--dropout", "0.25", "--recurrent-dropout", "0.25", "--mask-zero"]),
    ("bilstm-frozen-word2vec", nsmc, nsmc, ["--arch", "bilstm", "--embedding", nsmc_vectors, "--vocab",
                                            os.path.join(work, "nsmc-vocab.txt"), "--freeze"]),
    ("lstm-sgd-threads1", sample, sample, ["--arch", "lstm", "--optimizer", "sgd", "--lr", "0.5", "--threads", "1"]),
]

import keras  # noqa: E402  (after the environment above; imports TensorFlow)
import tensorflow  # noqa: E402

tensorflow.get_logger().setLevel("ERROR")  # no tf.function retracing warnings: every model here is new

LAYERS = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}


def keras_layer(c):
    """The Keras layer for one of Mal's LayerConfiguration dictionaries; unknown classes or fields fail loudly.
    `trainable` (Keras's get_config key) is optional: absent means trainable."""
    c = dict(c)
    cls, name = c.pop("className"), c.pop("name")
    trainable = c.pop("trainable", True)
    layer = make_keras_layer(cls, name, c)
    layer.trainable = trainable
    return layer


def make_keras_layer(cls, name, c):
    def take(*keys):
        return {k: c.pop(k) for k in keys if k in c}

    def done():
        c.pop("bpttSteps", None)  # truncated backpropagation: training only, no Keras counterpart
        if c:
            raise ValueError(f"{cls} {name}: fields this check does not map to Keras: {sorted(c)}")

    if cls == "Embedding":
        a = take("inputDimension", "outputDimension", "maskZero")
        done()
        return keras.layers.Embedding(a["inputDimension"], a["outputDimension"], mask_zero=a.get("maskZero", False), name=name)
    if cls in LAYERS:
        a = take("units", "activation", "useBias", "returnSequences", "returnState", "goBackwards", "stateful",
                 "dropout", "recurrentDropout", "unitForgetBias", "resetAfter")
        done()
        if a.get("returnState") or a.get("stateful"):
            raise ValueError(f"{cls} {name}: returnState/stateful have no place in this Sequential check")
        kw = dict(units=a["units"], use_bias=a.get("useBias", True), return_sequences=a.get("returnSequences", False),
                  go_backwards=a.get("goBackwards", False), dropout=a.get("dropout", 0.0),
                  recurrent_dropout=a.get("recurrentDropout", 0.0), name=name)
        if cls == "SimpleRNN":
            kw["activation"] = a.get("activation", "tanh")
        if cls == "LSTM":
            kw["unit_forget_bias"] = a.get("unitForgetBias", True)
        if cls == "GRU":
            kw["reset_after"] = a.get("resetAfter", True)
        return LAYERS[cls](**kw)
    if cls == "Bidirectional":
        a = take("layer", "mergeMode")
        done()
        mode = a.get("mergeMode", "concat")
        return keras.layers.Bidirectional(keras_layer(a["layer"][0]), merge_mode=None if mode == "none" else mode, name=name)
    if cls == "Dense":
        a = take("units", "activation", "useBias")
        done()
        return keras.layers.Dense(a["units"], activation=a.get("activation", "linear"), use_bias=a.get("useBias", True), name=name)
    if cls == "Dropout":
        a = take("rate")
        done()
        return keras.layers.Dropout(a["rate"], name=name)
    if cls in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        done()
        return getattr(keras.layers, cls)(name=name)
    raise ValueError(f"unknown layer class {cls}")


def keras_model(path):
    """Mal's model file as a Keras model with Mal's weights, plus the file's metadata."""
    with safe_open(path, framework="np") as f:
        metadata = f.metadata()
    tensors = load_file(path)
    config = json.loads(metadata["mal.model"])
    maxlen = int(metadata["mal.maxlen"])
    if list(config["input"]) != ["tokens"]:
        raise ValueError(f"input {config['input']}: only token ids are checked")
    model = keras.Sequential([keras.Input(shape=(maxlen,), dtype="int32")] + [keras_layer(c) for c in config["layers"]],
                             name=config["name"])
    if json.loads(metadata.get("mal.training", "{}")).get("frozen_embedding"):
        model.layers[0].trainable = False  # trained with --freeze: Keras's model has Embedding(trainable=False)
    paths = [v.path for v in model.weights]
    if sorted(paths) != sorted(tensors):
        raise ValueError(f"weight names differ: Keras {sorted(set(paths) - set(tensors))}, Mal {sorted(set(tensors) - set(paths))}")
    for v in model.weights:
        if tuple(v.shape) != tensors[v.path].shape:
            raise ValueError(f"{v.path}: Keras shape {tuple(v.shape)}, Mal {tensors[v.path].shape}")
        v.assign(tensors[v.path])
    return model, metadata, tensors


PROBE_SCALE = 2.0 ** 20


def logit_probe(path):
    """A copy of the model file whose head is linear and scaled by 2^20 (exact in float32), so that `mal predict`'s
    6 decimals carry Mal's float32 logits in full: the file is written by Python's safetensors."""
    with safe_open(path, framework="np") as f:
        metadata = f.metadata()
    tensors = load_file(path)
    config = json.loads(metadata["mal.model"])
    head = config["layers"][-1]
    if head["className"] != "Dense":
        raise ValueError(f"the last layer is {head['className']}, not Dense")
    head["activation"] = "linear"
    for weight in ("kernel", "bias"):
        key = f"{config['name']}/{head['name']}/{weight}"
        if key in tensors:
            tensors[key] = tensors[key] * np.float32(PROBE_SCALE)
    probe = path.replace(".safetensors", "-logits.safetensors")
    save_file(tensors, probe, metadata={**metadata, "mal.model": json.dumps(config)})
    return probe


def read_rows(path):
    lines = data_lines(open(path, encoding="utf-8").read())
    header = lines[0].split("\t")
    column = next(i for i, h in enumerate(header) if h in ("document", "text"))
    return np.array([[int(t) for t in line.split("\t")[column].split()] for line in lines[1:]], dtype=np.int32)


def summary_counts(text):
    """Per-layer counts and the total, trainable and non-trainable counts from mal summary."""
    layers = {m.group(1): int(m.group(2).replace(",", ""))
              for m in re.finditer(r"│ (\S+) \(\w+\)\s+│[^│]*│\s+([\d,]+) │", text)}
    totals = tuple(int(re.search(rf"{kind} params: ([\d,]+)", text).group(1).replace(",", ""))
                   for kind in ("Total", "Trainable", "Non-trainable"))
    return layers, totals


def keras_counts(model):
    count = lambda weights: sum(int(np.prod(w.shape)) for w in weights)
    return {layer.name: layer.count_params() for layer in model.layers}, \
        (model.count_params(), count(model.trainable_weights), count(model.non_trainable_weights))


width = max(len(c[0]) for c in cases)
worst = worst_logit = 0.0
for name, train_rows, predict_rows, options in cases:
    path = os.path.join(work, name + ".safetensors")
    run(["train", "-o", path, *common, *options, train_rows])
    try:
        model, metadata, _ = keras_model(path)
    except ValueError as error:
        fail(name, str(error))
        continue
    labels = json.loads(metadata["mal.labels"])
    x = read_rows(predict_rows)
    expected = model.predict(x, batch_size=256, verbose=0).astype(np.float64)
    got = [line.split("\t")[-2:] for line in run(["predict", "--ids", path, predict_rows]).splitlines()[1:]]
    probability = np.array([float(p) for p, _ in got])
    predicted = [label for _, label in got]
    if expected.shape[1] == 1:  # sigmoid: probability of the second label
        keras_p = expected[:, 0]
        keras_label = [labels[int(p >= 0.5)] for p in keras_p]
        near_tie = np.abs(keras_p - 0.5) < TOLERANCE
    else:  # softmax: probability of the predicted class
        keras_p = expected.max(axis=1)
        keras_label = [labels[k] for k in expected.argmax(axis=1)]
        top2 = np.sort(expected, axis=1)[:, -2:]
        near_tie = top2[:, 1] - top2[:, 0] < TOLERANCE
    delta = float(np.abs(probability - keras_p).max())
    worst = max(worst, delta)
    # The logits in full precision, through the probe file (the largest logit for a softmax head).
    probe = logit_probe(path)
    keras_logits = keras_model(probe)[0].predict(x, batch_size=256, verbose=0).astype(np.float64).max(axis=1) / PROBE_SCALE
    mal_logits = np.array([float(line.split("\t")[-2]) for line in run(["predict", "--ids", probe, predict_rows]).splitlines()[1:]]) / PROBE_SCALE
    logit_delta = float(np.abs(mal_logits - keras_logits).max())
    worst_logit = max(worst_logit, logit_delta)
    wrong_labels = [i for i, (a, b) in enumerate(zip(predicted, keras_label)) if a != b and not near_tie[i]]
    layers, totals = summary_counts(run(["summary", path]))
    keras_layers, keras_totals = keras_counts(model)
    total = totals[0]
    spread = f"p {probability.min():.3f}–{probability.max():.3f}"
    line = (f"{name:<{width}}  {len(x):>3} rows  {spread}  max|Δ| {delta:.1e}  logits max|Δ| {logit_delta:.1e}"
            f"  params {total} = {model.count_params()}")
    if keras_totals[2]:
        line += f", non-trainable {totals[2]} = {keras_totals[2]}"
    if len(got) != len(x):
        fail(name, f"mal predict wrote {len(got)} rows for {len(x)}")
    elif delta > TOLERANCE:
        i = int(np.abs(probability - keras_p).argmax())
        fail(name, f"max|Δ| {delta:.2e} > {TOLERANCE} (row {i + 1}: mal {probability[i]:.6f}, keras {keras_p[i]:.8f})")
    elif logit_delta > TOLERANCE:
        i = int(np.abs(mal_logits - keras_logits).argmax())
        fail(name, f"logits max|Δ| {logit_delta:.2e} > {TOLERANCE} (row {i + 1}: mal {mal_logits[i]:.9f}, keras {keras_logits[i]:.9f})")
    elif wrong_labels:
        fail(name, f"labels differ on {len(wrong_labels)} rows, first row {wrong_labels[0] + 1}")
    elif totals != keras_totals or layers != keras_layers:
        fail(name, f"parameters (total, trainable, non-trainable): mal {totals} {layers}, keras {keras_totals} {keras_layers}")
    else:
        print(f"ok  {line}")

# ---- controls: the comparison sees a wrong weight layout ------------------------------------------------------------
# Mal's predictions against a Keras model given a plausible misreading of the same file: the LSTM kernel's gate
# blocks i and f swapped, the GRU bias's input and recurrent rows swapped. Each must fail the comparison clearly.
def swapped_lstm_gates(v, units):
    w = v.numpy().copy()
    w[:, :units], w[:, units:2 * units] = w[:, units:2 * units].copy(), w[:, :units].copy()
    return w


controls = [("lstm", "sequential/lstm/lstm_cell/kernel", lambda v: swapped_lstm_gates(v, 16)),
            ("gru", "sequential/gru/gru_cell/bias", lambda v: v.numpy()[::-1].copy())]
for name, weight, misread in controls:
    path = os.path.join(work, name + ".safetensors")
    model = keras_model(path)[0]
    variable = next(v for v in model.weights if v.path == weight)
    variable.assign(misread(variable))
    expected = model.predict(read_rows(sample), batch_size=256, verbose=0)[:, 0]
    got = np.array([float(line.split("\t")[-2]) for line in run(["predict", "--ids", path, sample]).splitlines()[1:]])
    delta = float(np.abs(got - expected).max())
    if delta > 100 * TOLERANCE:
        print(f"ok  {'control':<{width}}  {weight} misread: max|Δ| {delta:.1e}, caught")
    else:
        fail(f"control {weight}", f"a misread weight changed the predictions by {delta:.1e} only")

# ---- Python writes the same file, and Mal reads Python's file ------------------------------------------------------
# safetensors 0.8.0 keeps __metadata__ in a Rust HashMap, so its key order changes from process to process (Mal sorts
# them): the headers are compared as JSON, with the tensors' entries in the same order, and the data byte for byte.
def parts(data):
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    return n, header, [k for k in header if k != "__metadata__"], data[8 + n:]


source = os.path.join(work, "bilstm-mask-post.safetensors")
with safe_open(source, framework="np") as f:
    metadata = f.metadata()
python_file = os.path.join(work, "python-written.safetensors")
save_file(load_file(source), python_file, metadata=metadata)
ours, theirs = parts(open(source, "rb").read()), parts(open(python_file, "rb").read())
same_file = ours == theirs
same_output = run(["predict", source, nsmc]) == run(["predict", python_file, nsmc])
if same_file and same_output:
    print(f"ok  {'python save_file':<{width}}  same header length, header JSON, tensor order and data bytes as mal's "
          f"file; mal predict reads it and prints the same")
else:
    fail("python save_file", f"same file {same_file}, same predictions {same_output}")

# ---- broken files: exit 65 and one clear line, never a crash --------------------------------------------------------
good = open(source, "rb").read()
header_length = int.from_bytes(good[:8], "little")
weights_only = os.path.join(work, "weights-only.safetensors")
save_file(load_file(source), weights_only)  # valid safetensors, no mal.model
broken = {
    "empty file": b"",
    "first 4 bytes": good[:4],
    "first 100 bytes": good[:100],
    "header only": good[:8 + header_length],
    "last byte missing": good[:-1],
    "header length > file": (len(good) + 1).to_bytes(8, "little") + good[8:],
    "header length 2^63": (1 << 63).to_bytes(8, "little") + good[8:],
    "header not JSON": good[:8] + b"[" + good[9:],
    "no mal.model": open(weights_only, "rb").read(),
}
for what, data in broken.items():
    path = os.path.join(work, "broken.safetensors")
    with open(path, "wb") as f:
        f.write(data)
    result = subprocess.run([mal, "predict", path, nsmc], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    message = result.stderr.decode().strip()
    clear = (len(message.splitlines()) == 1 and message.startswith(f"{path}: error: ")
             and not re.search(r"fatal|crash|stack|backtrace", message, re.I))
    if result.returncode == DATA_ERROR and clear and not result.stdout:
        print(f"ok  {'broken file':<{width}}  {what}: exit 65  {message[len(path) + 2:]}")
    else:
        fail(f"broken file, {what}", f"exit {result.returncode}, stdout {len(result.stdout)} bytes, stderr {message!r}")

print(f"{len(cases)} models: largest |Δ| {worst:.1e} in probabilities (6 decimals), {worst_logit:.1e} in logits; "
      f"{len(failures)} failed  "
      f"(keras {keras.__version__}, tensorflow {__import__('tensorflow').__version__}, numpy {np.__version__}, "
      f"safetensors {__import__('safetensors').__version__})")
sys.exit(1 if failures else 0)
