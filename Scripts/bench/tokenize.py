"""Times `mal tokenize` beside Python's str.split and HuggingFace tokenizers' BERT pre-tokenizer with NFC,
on the same files in the same run. Run through Scripts/bench.sh tokenize (it builds Mal and makes the venv)."""
import os, resource, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from summary import record

mal, files = sys.argv[1], sys.argv[2:]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def median_seconds(fn, runs):
    fn()  # warm-up: page cache, lazy tables
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_mal(path, *options):
    with open(path, "rb") as f, open(os.devnull, "wb") as out:
        subprocess.run([mal, "tokenize", *options], stdin=f, stdout=out, check=True)


def mal_rss_kb(path, copies):
    """Peak RSS of mal tokenize reading `copies` concatenated copies of path from a pipe."""
    cat = subprocess.Popen(["cat"] + [path] * copies, stdout=subprocess.PIPE)
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", mal, "tokenize", "--threads", "1"], stdin=cat.stdout,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cat.stdout.close()
    _, err = child.communicate()
    return int(err.decode().strip().splitlines()[-1])


def python_split(path):
    with open(path, encoding="utf-8") as f, open(os.devnull, "w", encoding="utf-8") as out:
        for line in f:
            out.write(" ".join(line.split()))
            out.write("\n")


def python_split_only(path):
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            n += len(line.split())
    return n


def hf_bert(path):
    from tokenizers import normalizers, pre_tokenizers
    nfc, bert = normalizers.NFC(), pre_tokenizers.BertPreTokenizer()
    with open(path, encoding="utf-8") as f, open(os.devnull, "w", encoding="utf-8") as out:
        for line in f:
            tokens = bert.pre_tokenize_str(nfc.normalize_str(line))
            out.write(" ".join(t for t, _ in tokens))
            out.write("\n")


def hf_bert_batch(path):
    """HF's fastest route: encode_batch over all lines at once (Rust loop, no per-line Python), with the
    same normalizer and pre-tokenizer and a one-entry WordLevel model, so the output tokens are all [UNK]."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    tok = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    with open(os.devnull, "w", encoding="utf-8") as out:
        for enc in tok.encode_batch(lines):
            out.write(" ".join(enc.tokens))
            out.write("\n")


os.environ.setdefault("RAYON_NUM_THREADS", "1")
print(f"median of {RUNS} runs after a warm-up (HF: of 3); one core unless a row says threads; MB = 10^6 bytes\n")
print("| file | MB | tool | seconds | MB/s | Mal's speed-up |")
print("|---|---:|---|---:|---:|---:|")
for path in files:
    mb = os.path.getsize(path) / 1e6
    name = "/".join(path.split("/")[-2:])
    rows = [
        ("mal tokenize (word, NFC)", median_seconds(lambda: run_mal(path, "--threads", "1"), RUNS)),
        ("mal tokenize --threads 2", median_seconds(lambda: run_mal(path, "--threads", "2"), RUNS)),
        ("mal tokenize --lower --split-particles --repeat 2",
         median_seconds(lambda: run_mal(path, "--threads", "1", "--lower", "--split-particles", "--repeat", "2"),
                        RUNS)),
        ("Python `' '.join(line.split())` written out", median_seconds(lambda: python_split(path), 3)),
        ("Python `line.split()` only", median_seconds(lambda: python_split_only(path), 3)),
        ("HF BertPreTokenizer + NFC, per line", median_seconds(lambda: hf_bert(path), 3)),
        ("HF Tokenizer.encode_batch (NFC + BertPreTokenizer, 1 thread)", median_seconds(lambda: hf_bert_batch(path), 3)),
    ]
    base = rows[0][1]
    for tool, seconds in rows:
        ratio = "" if tool.startswith("mal") else f"{seconds / base:.1f}×"
        print(f"| {name} | {mb:.0f} | {tool} | {seconds:.3f} | {mb / seconds:.0f} | {ratio} |")
    sys.stdout.flush()
    speed = {tool: mb / seconds for tool, seconds in rows}
    one, two = speed["mal tokenize (word, NFC)"], speed["mal tokenize --threads 2"]
    record("tokenize", f"{name}, word mode, 1 thread", "mal tokenize", one,
           "Python split, written out", speed["Python `' '.join(line.split())` written out"], "MB/s",
           target_value=250)
    record("tokenize", f"{name}, word mode, 1 thread", "mal tokenize", one,
           "HF encode_batch, 1 thread", speed["HF Tokenizer.encode_batch (NFC + BertPreTokenizer, 1 thread)"],
           "MB/s")
    record("tokenize", f"{name}, --threads 2 against 1", "mal tokenize --threads 2", two,
           "mal tokenize --threads 1", one, "MB/s", target_ratio=1.8)

path = files[0]
print("\nPeak RSS of `mal tokenize` reading from a pipe (memory must not grow with input size):")
for copies in (1, 4):
    print(f"- {copies} × {os.path.getsize(path) * copies / 1e6:.0f} MB: {mal_rss_kb(path, copies) / 1024:.1f} MiB")
