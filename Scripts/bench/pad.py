"""Times `mal pad --maxlen 40` beside Python reading the same id rows and calling keras.utils.pad_sequences, text in →
text out and text in → .npy, in the same run. Run through Scripts/bench.sh pad (it builds Mal, makes the venv and
the id file). Usage: pad.py MAL IDS.tsv"""
import os, resource, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from summary import record

# This folder holds tokenize.py (another benchmark), which would shadow the standard library's tokenize module.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

mal, path = sys.argv[1], sys.argv[2]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
MAXLEN = 40
work = os.path.dirname(os.path.abspath(path))

PYTHON_PAD = r'''
import sys, time
t0 = time.perf_counter()
import numpy as np
from keras.utils import pad_sequences
t1 = time.perf_counter()
path, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, encoding="utf-8") as f:
    header = f.readline().rstrip("\n").split("\t")
    column = header.index("document")
    rows = [line.rstrip("\n").split("\t") for line in f]
sequences = [[int(t) for t in r[column].split()] for r in rows]
x = pad_sequences(sequences, maxlen=%d)  # defaults: int32, padding and truncating "pre", value 0
if mode == "text":
    with open(out, "w", encoding="utf-8") as f:
        f.write("\t".join(header) + "\n")
        for r, padded in zip(rows, x):
            r[column] = " ".join(map(str, padded.tolist()))
            f.write("\t".join(r) + "\n")
else:
    np.save(out, x)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
''' % MAXLEN


def median(fn, runs):
    """Median wall-clock seconds, CPU seconds (user + system) and, for Python, seconds spent after imports."""
    fn()  # warm-up: page cache, Python's .pyc files
    values = [fn() for _ in range(runs)]
    pick = lambda k: statistics.median(v[k] for v in values) if values[0][k] is not None else None
    return pick(0), pick(1), pick(2)


def timed(command, outputs):
    # Outputs are removed first: renaming a finished file over an existing one makes ext4 flush it
    # (auto_da_alloc), a cost of replacing files, not of padding.
    for path in outputs:
        if os.path.exists(path):
            os.remove(path)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def mal_text():
    out = os.path.join(work, "mal.tsv")
    wall, cpu, _ = timed([mal, "pad", "--maxlen", str(MAXLEN), path, "-o", out], [out])
    return wall, cpu, None


def mal_npy():
    x, y = os.path.join(work, "mal.npy"), os.path.join(work, "mal-labels.npy")
    wall, cpu, _ = timed([mal, "pad", "--maxlen", str(MAXLEN), path, "--npy", x, "--labels-npy", y], [x, y])
    return wall, cpu, None


def python(mode):
    out = os.path.join(work, "keras.tsv" if mode == "text" else "keras.npy")
    wall, cpu, stdout = timed([sys.executable, "-c", PYTHON_PAD, path, mode, out], [out])
    _, work_seconds = map(float, stdout.split())
    return wall, cpu, work_seconds


def peak_rss_mib(copies):
    """Peak RSS of mal pad --maxlen 40 reading `copies` copies of the rows from a pipe."""
    body = os.path.join(work, "body.tsv")
    with open(path, "rb") as f, open(body, "wb") as out:
        f.readline()
        out.write(f.read())
    cat = subprocess.Popen(["cat"] + [body] * copies, stdout=subprocess.PIPE)
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", mal, "pad", "--maxlen", str(MAXLEN), "--no-header", "--column", "2"],
                             stdin=cat.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cat.stdout.close()
    _, err = child.communicate()
    return int(err.decode().strip().splitlines()[-1]) / 1024


mb = os.path.getsize(path) / 1e6
rows = sum(1 for _ in open(path, "rb")) - 1
print(f"{rows:,} NSMC rows of ids ({mb:.1f} MB, TSV id/document/label), --maxlen {MAXLEN}; median of {RUNS} runs "
      f"after a warm-up; one process each; MB = 10^6 bytes of input\n")
print("| path | tool | wall s | CPU s | MB/s (wall) | MB/s (CPU) | Mal's speed-up (wall) | Python s after imports |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for mode, mal_fn in (("text → text", mal_text), ("text → .npy", mal_npy)):
    mal_wall, mal_cpu, _ = median(mal_fn, RUNS)
    py_wall, py_cpu, py_work = median(lambda: python("text" if mode == "text → text" else "npy"), max(3, RUNS // 2))
    flag = " --npy --labels-npy" if "npy" in mode else ""
    print(f"| {mode} | `mal pad --maxlen {MAXLEN}{flag}` | {mal_wall:.3f} | {mal_cpu:.3f} | {mb / mal_wall:.0f} | "
          f"{mb / mal_cpu:.0f} | | |")
    print(f"| {mode} | Python + keras.utils.pad_sequences | {py_wall:.3f} | {py_cpu:.3f} | {mb / py_wall:.1f} | "
          f"{mb / py_cpu:.1f} | {py_wall / mal_wall:.0f}× ({py_work / mal_wall:.0f}× after imports) | {py_work:.3f} |")
    sys.stdout.flush()
    record("pad", f"{rows:,} NSMC id rows, {mode}", "mal pad", mal_wall, "Python + Keras pad_sequences", py_wall, "s",
           higher_is_better=False, target_ratio=5, note=f"Keras after its imports: {py_work:.3f} s")

# Steady state, without process start-up dominating: ten copies of the rows in one run.
big = os.path.join(work, "ids-x10.tsv")
with open(path, "rb") as f:
    header, body = f.readline(), f.read()
with open(big, "wb") as f:
    f.write(header + body * 10)
big_mb = os.path.getsize(big) / 1e6


def mal_big():
    with open(os.devnull, "wb") as null:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([mal, "pad", "--maxlen", str(MAXLEN), big], stdout=null, check=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), None


big_wall, big_cpu, _ = median(mal_big, RUNS)
print(f"| 10 × the rows ({big_mb:.0f} MB) → /dev/null | `mal pad --maxlen {MAXLEN}` | {big_wall:.3f} | {big_cpu:.3f} | "
      f"{big_mb / big_wall:.0f} | {big_mb / big_cpu:.0f} | | |")
os.remove(big)
record("pad", f"10 × the rows ({big_mb:.0f} MB), text → text, CPU time", "mal pad", big_mb / big_cpu, "", None, "MB/s",
       target_value=300)

# Same values both ways: Mal's text and .npy against Keras's.
import numpy as np
a, b = np.load(os.path.join(work, "mal.npy")), np.load(os.path.join(work, "keras.npy"))
assert a.dtype == b.dtype == np.int32 and a.shape == b.shape and (a == b).all(), "mal.npy differs from Keras"
with open(os.path.join(work, "mal.tsv"), "rb") as f1, open(os.path.join(work, "keras.tsv"), "rb") as f2:
    rows = f1.read()
    if rows.startswith(b"#mal "):  # the stream's provenance line, which Keras has no counterpart of
        rows = rows[rows.index(b"\n") + 1:]
    assert rows == f2.read(), "mal pad's text differs from Keras's rows"
print(f"\nChecked: mal.npy == Keras's array ({a.shape}, int32) and mal pad's text == Keras's rows, byte for byte.")
print("Peak RSS of `mal pad --maxlen 40` reading from a pipe (memory must not grow with input size):")
for copies in (1, 4):
    print(f"- {copies} × {mb * copies:.0f} MB: {peak_rss_mib(copies):.1f} MiB")
