"""Times `mal vocab` (count, build, apply, the --save pipeline) beside Python's collections.Counter over
str.split() and HuggingFace tokenizers' WordLevel trainer, on the same tokenized file in the same run, with
each tool's peak RSS. Run through Scripts/bench.sh vocab (it builds Mal, tokenizes the corpus, makes the venv)."""
import os, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from summary import record

mal, tokens = sys.argv[1], sys.argv[2]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
os.environ.setdefault("RAYON_NUM_THREADS", "1")
tmp = tempfile.mkdtemp(prefix="mal-bench-vocab-")
vocab = os.path.join(tmp, "vocab.txt")

COUNTER = """
import collections, sys
c = collections.Counter()
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        c.update(line.split())
print(len(c), file=sys.stderr)
"""
HF_TRAIN = """
import sys
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
t = Tokenizer(models.WordLevel(unk_token="[UNK]"))
t.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
t.train([sys.argv[1]], trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]"], show_progress=False))
print(t.get_vocab_size(), file=sys.stderr)
"""
PY_APPLY = """
import sys
vocab = {}
with open(sys.argv[2], encoding="utf-8") as f:
    for i, line in enumerate(f):
        vocab[line.rstrip("\\n")] = i
get = vocab.get
with open(sys.argv[1], encoding="utf-8") as f, open("/dev/null", "w") as out:
    for line in f:
        out.write(" ".join([str(get(t, 1)) for t in line.split()]))
        out.write("\\n")
"""
HF_APPLY = """
import sys
from tokenizers import Tokenizer, models, pre_tokenizers
vocab = {}
with open(sys.argv[2], encoding="utf-8") as f:
    for i, line in enumerate(f):
        vocab[line.rstrip("\\n")] = i
t = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
t.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
with open(sys.argv[1], encoding="utf-8") as f:
    lines = f.read().splitlines()
with open("/dev/null", "w") as out:
    for enc in t.encode_batch(lines):
        out.write(" ".join(map(str, enc.ids)))
        out.write("\\n")
"""


def timed(argv, stdin=None, stdout=subprocess.DEVNULL):
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one run of argv."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *argv], stdin=stdin, stdout=stdout,
                       stderr=subprocess.PIPE, check=True)
    seconds = time.perf_counter() - t
    rss, user, system = p.stderr.decode().strip().splitlines()[-1].split()
    return seconds, float(user) + float(system), int(rss)


def median(argv, runs):
    timed(argv)  # warm-up: page cache
    results = [timed(argv) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            max(r[2] for r in results))


py = sys.executable
mb = os.path.getsize(tokens) / 1e6
subprocess.run([mal, "vocab", "build", "--format", "text", tokens, "--save", vocab], check=True)
vocab20k = os.path.join(tmp, "vocab-20k.txt")
subprocess.run([mal, "vocab", "build", "--format", "text", tokens, "--max-size", "20000", "--save", vocab20k], check=True)
distinct = sum(1 for _ in open(vocab, encoding="utf-8")) - 2
print(f"{tokens.split('/')[-1]}: {mb:.1f} MB of tokenized text, {distinct:,} distinct tokens; median of {RUNS} runs "
      f"after a warm-up (Python/HF: of 3); one thread (RAYON_NUM_THREADS=1) unless a row says threads; "
      "MB = 10^6 bytes\n")
print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. CPU s = user + system, "
      "less disturbed than wall time by other processes on a shared machine.\n")
print("| task | tool | seconds | CPU s | MB/s | peak RSS MiB | Mal's speed-up (wall) | (CPU) |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
rows = [
    ("count", "mal vocab count --threads 1", median([mal, "vocab", "count", "--threads", "1", "--format", "text", tokens], RUNS)),
    ("count", "mal vocab count --threads 2", median([mal, "vocab", "count", "--threads", "2", "--format", "text", tokens], RUNS)),
    ("count", "Python collections.Counter over str.split()", median([py, "-c", COUNTER, tokens], 3)),
    ("count + vocabulary", "mal vocab build --save vocab.txt --threads 1",
     median([mal, "vocab", "build", "--threads", "1", "--format", "text", tokens, "--save", os.path.join(tmp, "v2.txt")], RUNS)),
    ("count + vocabulary", "HF tokenizers WordLevelTrainer (WhitespaceSplit)", median([py, "-c", HF_TRAIN, tokens], 3)),
    ("apply a saved vocabulary", "mal vocab apply --load vocab.txt --threads 1",
     median([mal, "vocab", "apply", "--threads", "1", "--format", "text", "--load", vocab, tokens], RUNS)),
    ("apply a saved vocabulary", "mal vocab apply --load vocab.txt --threads 2",
     median([mal, "vocab", "apply", "--threads", "2", "--format", "text", "--load", vocab, tokens], RUNS)),
    ("apply a saved vocabulary", "Python dict.get over str.split(), written out", median([py, "-c", PY_APPLY, tokens, vocab], 3)),
    ("apply a saved vocabulary", "HF WordLevel Tokenizer.encode_batch, written out", median([py, "-c", HF_APPLY, tokens, vocab], 3)),
    ("apply a 20,000-token vocabulary", "mal vocab apply --load vocab-20k.txt --threads 1",
     median([mal, "vocab", "apply", "--threads", "1", "--format", "text", "--load", vocab20k, tokens], RUNS)),
    ("apply a 20,000-token vocabulary", "mal vocab apply --load vocab-20k.txt --threads 2",
     median([mal, "vocab", "apply", "--threads", "2", "--format", "text", "--load", vocab20k, tokens], RUNS)),
    ("apply a 20,000-token vocabulary", "Python dict.get over str.split(), written out",
     median([py, "-c", PY_APPLY, tokens, vocab20k], 3)),
    ("build + save + ids (pipeline)", "mal vocab --save vocab.txt --threads 2 (spools to a temp file)",
     median([mal, "vocab", "--threads", "2", "--format", "text", tokens, "--save", os.path.join(tmp, "v3.txt")], RUNS)),
]
base = {}
for task, tool, (seconds, cpu, rss) in rows:
    if tool.startswith("mal") and task not in base:
        base[task] = (seconds, cpu)
    ref = base.get(task) or base.get("count")
    ratios = "| |" if tool.startswith("mal") else f"{seconds / ref[0]:.1f}× | {cpu / ref[1]:.1f}× |"
    print(f"| {task} | {tool} | {seconds:.3f} | {cpu:.2f} | {mb / seconds:.0f} | {rss / 1024:.0f} | {ratios}")
    sys.stdout.flush()

measured = {tool: (mb / seconds, cpu, rss / 1024) for _, tool, (seconds, cpu, rss) in rows}


def summary(task, mal_tool, reference_tool, **targets):
    speed, _, rss = measured[mal_tool]
    reference_speed, _, reference_rss = measured[reference_tool]
    record("vocab", task, mal_tool.split(" (")[0], speed, reference_tool, reference_speed, "MB/s",
           mal_rss_mib=rss, reference_rss_mib=reference_rss, **targets)


summary(f"count, {distinct:,} distinct tokens, both cores", "mal vocab count --threads 2",
        "Python collections.Counter over str.split()", target_ratio=10)
summary("count, one core", "mal vocab count --threads 1", "Python collections.Counter over str.split()")
summary("count + vocabulary", "mal vocab build --save vocab.txt --threads 1",
        "HF tokenizers WordLevelTrainer (WhitespaceSplit)")
summary(f"apply, {distinct:,}-token vocabulary, both cores", "mal vocab apply --load vocab.txt --threads 2",
        "Python dict.get over str.split(), written out")
summary(f"apply, {distinct:,}-token vocabulary, one core", "mal vocab apply --load vocab.txt --threads 1",
        "HF WordLevel Tokenizer.encode_batch, written out")
summary("apply, 20,000-token vocabulary, both cores", "mal vocab apply --load vocab-20k.txt --threads 2",
        "Python dict.get over str.split(), written out", target_value=150)
summary("apply, 20,000-token vocabulary, one core", "mal vocab apply --load vocab-20k.txt --threads 1",
        "Python dict.get over str.split(), written out")

print("\nPeak RSS of `mal vocab count` and `mal vocab apply` reading 1 and 4 concatenated copies from a pipe "
      "(memory follows distinct tokens, not input size):")
for copies in (1, 4):
    line = []
    for name, argv in [("count", [mal, "vocab", "count", "--threads", "1", "--format", "text"]),
                       ("apply", [mal, "vocab", "apply", "--threads", "1", "--format", "text", "--load", vocab])]:
        cat = subprocess.Popen(["cat"] + [tokens] * copies, stdout=subprocess.PIPE)
        _, _, rss = timed(argv, stdin=cat.stdout)
        cat.wait()
        line.append(f"{name} {rss / 1024:.1f} MiB")
    print(f"- {copies} × {mb:.0f} MB: " + ", ".join(line))
