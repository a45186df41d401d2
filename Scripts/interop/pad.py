"""Checks mal pad and mal encode against the real Python tools: numpy.load opens every .npy Mal writes (dtype,
shape, C order, values), keras.utils.pad_sequences and to_categorical give the same arrays, tf_keras's
Tokenizer.sequences_to_matrix the same bags of words, and word2vec files written here in word2vec.c's layout give
the vectors numpy reads from them. Run through Scripts/interop.sh pad. Usage: pad.py MAL WORKDIR"""
import itertools, os, random, subprocess, sys

sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np

mal, work = sys.argv[1], sys.argv[2]
checks = 0
failures = []


def check(name, ok):
    global checks
    checks += 1
    if not ok:
        failures.append(name)
        print(f"FAIL {name}", file=sys.stderr)


def run(args, text):
    result = subprocess.run([mal, *args], input=text.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise SystemExit(f"mal {' '.join(args)} failed: {result.stderr.decode()}")
    return result.stdout.decode()


try:
    from keras.utils import pad_sequences, to_categorical
    reference = "keras " + __import__("keras").__version__
except ImportError:  # numpy-only stand-ins with Keras's documented semantics
    reference = "numpy stand-ins (keras not installed)"

    def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0):
        maxlen = maxlen if maxlen is not None else max((len(s) for s in seqs), default=0)
        x = np.full((len(seqs), maxlen), value, dtype=np.int32)
        for i, s in enumerate(seqs):
            s = (s[-maxlen:] if truncating == "pre" else s[:maxlen]) if maxlen else []
            if len(s):
                if padding == "pre":
                    x[i, maxlen - len(s):] = s
                else:
                    x[i, :len(s)] = s
        return x

    def to_categorical(y, num_classes):
        y = np.asarray(y)
        return np.eye(num_classes)[y]

rng = random.Random(7)
rows = [[rng.randrange(1, 5000) for _ in range(rng.choice([0, 1, 3, 7, 12, 30]))] for _ in range(300)]
labels = [rng.randrange(3) for _ in rows]
ids_text = "".join(" ".join(map(str, r)) + "\n" for r in rows)
tsv = "id\tdocument\tlabel\n" + "".join(f"{k}\t{' '.join(map(str, r))}\t{y}\n" for k, (r, y) in enumerate(zip(rows, labels)))

# 1. pad: every combination, text output against pad_sequences.
for padding, truncating, maxlen, value in itertools.product(["pre", "post"], ["pre", "post"], [None, 1, 5, 40], [0, -1]):
    args = ["pad", "--padding", padding, "--truncating", truncating, "--value", str(value)]
    if maxlen:
        args += ["--maxlen", str(maxlen)]
    expected = pad_sequences(rows, maxlen=maxlen, padding=padding, truncating=truncating, value=value)
    got = np.array([[int(t) for t in line.split()] for line in run(args, ids_text).splitlines()], dtype=np.int32)
    check(f"pad text {args}", got.shape == expected.shape and (got == expected).all())

# 2. pad --npy / --labels-npy: numpy.load, dtype, shape, C order, values.
x_path, y_path = os.path.join(work, "x.npy"), os.path.join(work, "y.npy")
for maxlen in (None, 10):
    args = ["pad", "--npy", x_path, "--labels-npy", y_path] + (["--maxlen", str(maxlen)] if maxlen else [])
    run(args, tsv)
    x, y = np.load(x_path), np.load(y_path)
    expected = pad_sequences(rows, maxlen=maxlen)
    check(f"pad --npy maxlen={maxlen} dtype/shape/order", x.dtype == np.int32 and x.shape == expected.shape and x.flags["C_CONTIGUOUS"])
    check(f"pad --npy maxlen={maxlen} values", (x == expected).all())
    check(f"pad --labels-npy maxlen={maxlen}", y.dtype == np.int32 and y.shape == (len(rows),) and (y == np.array(labels)).all())
run(["pad", "--maxlen", "10", "--npy", x_path, "--labels-npy", y_path, "--labels-dtype", "float32"], tsv)
y = np.load(y_path)
check("pad --labels-dtype float32", y.dtype == np.float32 and (y == np.array(labels, dtype=np.float32)).all())

# 3. encode --one-hot --npy (3-D) and --labels one-hot, against to_categorical.
padded = pad_sequences(rows, maxlen=6, padding="post")
padded_text = "".join(" ".join(map(str, r)) + "\n" for r in padded.tolist())
small = np.minimum(padded, 9)  # depth 10 keeps the 3-D array small
small_text = "".join(" ".join(map(str, r)) + "\n" for r in small.tolist())
run(["encode", "--one-hot", "--depth", "10", "--npy", x_path], small_text)
x = np.load(x_path)
expected = to_categorical(small, num_classes=10)
check("encode --one-hot --npy", x.dtype == np.float32 and x.shape == (len(rows), 6, 10) and (x == expected).all())
dense = run(["encode", "--one-hot", "--depth", "10", "--dense"], small_text)
got = np.array([[float(t) for t in line.split()] for line in dense.splitlines()]).reshape(len(rows), 6, 10)
check("encode --one-hot --dense text", (got == expected).all())
sparse = run(["encode", "--one-hot", "--depth", "10"], small_text)
flat = np.zeros((len(rows), 60))
for i, line in enumerate(sparse.splitlines()):
    flat[i, [int(t) for t in line.split()]] = 1
check("encode --one-hot sparse text", (flat.reshape(len(rows), 6, 10) == expected).all())
run(["encode", "--labels", "one-hot", "--one-hot", "--depth", "10", "--npy", x_path, "--labels-npy", y_path],
    "ids\tlabel\n" + "".join(f"{' '.join(map(str, r))}\t{k}\n" for r, k in zip(small.tolist(), labels)))
y = np.load(y_path)
check("encode --labels one-hot --labels-npy", y.dtype == np.float32 and (y == to_categorical(labels, num_classes=3)).all())

# 4. encode --bag against tf_keras Tokenizer.sequences_to_matrix, fitted on the same id rows.
try:
    from tf_keras.preprocessing.text import Tokenizer
except ImportError:
    Tokenizer = None
if Tokenizer is None:
    print("note: tf_keras not installed; --bag not checked against Tokenizer.sequences_to_matrix", file=sys.stderr)
else:
    width = 5000
    train, held = rows[:200], rows[200:]
    tokenizer = Tokenizer(num_words=width)
    tokenizer.fit_on_sequences(train)
    train_path = os.path.join(work, "train.txt")
    with open(train_path, "w") as f:
        f.write("".join(" ".join(map(str, r)) + "\n" for r in train))
    held_text = "".join(" ".join(map(str, r)) + "\n" for r in held)
    for mode in ["binary", "count", "freq", "tfidf"]:
        expected = tokenizer.sequences_to_matrix(held, mode=mode)
        args = ["encode", "--bag", mode, "--depth", str(width), "--npy", x_path, "--dtype", "float64"]
        if mode == "tfidf":
            args += ["--idf-from", train_path]
        run(args, held_text)
        x = np.load(x_path)
        check(f"encode --bag {mode} --npy", x.dtype == np.float64 and x.shape == expected.shape and np.allclose(x, expected, rtol=1e-12, atol=0))
        text = run(args[:5] + (["--idf-from", train_path] if mode == "tfidf" else []), held_text)
        got = np.zeros_like(expected)
        for i, line in enumerate(text.splitlines()):
            for pair in line.split():
                j, v = pair.split(":")
                got[i, int(j)] = float(v)
        check(f"encode --bag {mode} sparse text", np.allclose(got, expected, rtol=1e-12, atol=0))

# 5. encode --embedding: .vec and .bin files written here (word2vec.c's layout), looked up by vocabulary.
vocab = ["[PAD]", "[UNK]"] + [f"w{k}" for k in range(50)]
vectors = np.random.default_rng(3).standard_normal((40, 8)).astype(np.float32)
words = [f"w{k}" for k in range(40)] + []
with open(os.path.join(work, "v.vec"), "w") as f:
    f.write(f"{len(words)} 8\n")
    for w, v in zip(words, vectors):
        f.write(w + " " + " ".join(repr(float(t)) for t in v) + " \n")
with open(os.path.join(work, "v.bin"), "wb") as f:
    f.write(f"{len(words)} 8\n".encode())
    for w, v in zip(words, vectors):
        f.write(w.encode() + b" " + v.astype("<f4").tobytes() + b"\n")
with open(os.path.join(work, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab) + "\n")
ids = np.random.default_rng(4).integers(0, len(vocab), size=(20, 5))
ids_rows = "".join(" ".join(map(str, r)) + "\n" for r in ids.tolist())
table = np.zeros((len(vocab), 8), dtype=np.float32)
table[2:42] = vectors
for name in ["v.vec", "v.bin"]:
    for missing in ["zero", "mean"]:
        result = subprocess.run([mal, "encode", "--embedding", os.path.join(work, name), "--vocab", os.path.join(work, "vocab.txt"),
                                 "--missing", missing, "--npy", x_path], input=ids_rows.encode(), stderr=subprocess.PIPE, check=True)
        expected_table = table.copy()
        if missing == "mean":
            expected_table[1] = vectors.astype(np.float64).mean(axis=0).astype(np.float32)
            expected_table[42:] = expected_table[1]
        x = np.load(x_path)
        check(f"encode --embedding {name} --missing {missing}", x.dtype == np.float32 and x.shape == (20, 5, 8) and np.allclose(x, expected_table[ids], rtol=1e-6, atol=1e-7))
        check(f"coverage report {name}", result.stderr.decode().startswith("coverage: 40 of 51 vocabulary entries have a vector (78.4%)"))

print(f"{checks - len(failures)} passed, {len(failures)} failed  (reference: {reference}, numpy {np.__version__})")
sys.exit(1 if failures else 0)
