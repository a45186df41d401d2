"""Times `mal vocab build --subword` and `mal vocab apply` of the result beside HF tokenizers' BpeTrainer /
WordPieceTrainer and Tokenizer.encode_batch (one thread each), and beside sentencepiece's unigram trainer and
SentencePieceProcessor.encode (UNIGRAM_THREADS each), on the same tokenized files in the same run; checks that the
BPE results are equal and measures the Unigram vocabularies' pieces per word on held-out reviews. Run through
Scripts/bench.sh subword (it builds Mal, tokenizes the corpora, makes the venv)."""
import json, os, platform, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from summary import record

mal, work = sys.argv[1], sys.argv[2]
sizes = [int(s) for s in " ".join(sys.argv[3:]).split()]
RUNS = int(os.environ.get("SUBWORD_RUNS", os.environ.get("BENCH_RUNS", "3")))
KINDS = os.environ.get("BENCH_KINDS", "bpe wordpiece unigram").split()
UNIGRAM_THREADS = int(os.environ.get("UNIGRAM_THREADS", "1"))
WARMUP = os.environ.get("BENCH_WARMUP", "1") != "0"
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["RAYON_RS_NUM_CPUS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
py = sys.executable

HF_TRAIN = """
import sys
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
kind, size, path, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if kind == "bpe":
    t = Tokenizer(models.BPE(unk_token="[UNK]"))
    trainer = trainers.BpeTrainer(vocab_size=size, special_tokens=["[PAD]", "[UNK]"], show_progress=False)
else:
    t = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    t.decoder = decoders.WordPiece(prefix="##", cleanup=False)
    trainer = trainers.WordPieceTrainer(vocab_size=size, special_tokens=["[PAD]", "[UNK]"], show_progress=False)
t.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
t.train([path], trainer)
open(out, "w", encoding="utf-8").write(t.to_str())
"""
# sentencepiece with Mal's reserved tokens, the identity normalizer (the text is already normalized), every
# character, and lines of any length (its default skips lines over 4,192 bytes: some IMDB reviews).
SPM_TRAIN = """
import sys
import sentencepiece as spm
size, path, prefix, threads = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
spm.SentencePieceTrainer.train(
    input=path, model_prefix=prefix, vocab_size=size, model_type="unigram", character_coverage=1.0,
    split_by_whitespace=True, num_threads=threads, normalization_rule_name="identity", pad_id=0, unk_id=1,
    bos_id=-1, eos_id=-1, pad_piece="[PAD]", unk_piece="[UNK]", max_sentence_length=1 << 20, minloglevel=2)
"""
SPM_APPLY = """
import sys
import sentencepiece as spm
sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    lines = f.read().splitlines()
with open("/dev/null", "w") as out:
    for ids in sp.encode(lines, num_threads=int(sys.argv[3])):
        out.write(" ".join(map(str, ids)))
        out.write("\\n")
"""
HF_APPLY = """
import sys
from tokenizers import Tokenizer
t = Tokenizer.from_file(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    lines = f.read().splitlines()
with open("/dev/null", "w") as out:
    for enc in t.encode_batch(lines):
        out.write(" ".join(map(str, enc.ids)))
        out.write("\\n")
"""


def timed(argv, stdout=subprocess.DEVNULL):
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one run of argv."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *argv], stdout=stdout, stderr=subprocess.PIPE, check=True)
    seconds = time.perf_counter() - t
    rss, user, system = p.stderr.decode().strip().splitlines()[-1].split()
    return seconds, float(user) + float(system), int(rss)


def median(argv):
    if WARMUP:
        timed(argv)  # warm-up: page cache
    results = [timed(argv) for _ in range(RUNS)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            max(r[2] for r in results))


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
        model = next(l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("model name"))
        flags = next(l.split(":", 1)[1].split() for l in info.splitlines() if l.startswith("flags"))
        wanted = [f for f in ["sse4_2", "avx", "avx2", "fma", "bmi2", "avx512f"] if f in flags]
        return "%s, %d cores, %s" % (model, os.cpu_count(), " ".join(wanted))
    except (OSError, StopIteration):
        return platform.processor()


def same_bpe(a, b):
    ma, mb = json.load(open(a, encoding="utf-8"))["model"], json.load(open(b, encoding="utf-8"))["model"]
    if ma["vocab"] != mb["vocab"]:
        return "vocab differs"
    return "identical" if ma["merges"] == mb["merges"] else "merges differ"


print("host: %s; load average %.1f; %d timed run(s)%s, medians" % (
    cpu_flags(), os.getloadavg()[0], RUNS, " after a warm-up" if WARMUP else ", no warm-up"))
print("| corpus | MB | kind | pieces | task | tool | seconds | CPU s | MB/s | peak RSS MiB | Mal's speed-up (wall) | (CPU) |")
print("|---|---:|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
def pieces_per_word(model, test):
    """Pieces per word of `test` (one tokenized review per line) with mal's and sentencepiece's ids for `model`."""
    import sentencepiece as spm
    with open(test, encoding="utf-8") as f:
        lines = f.read().splitlines()
    words = sum(len(l.split()) for l in lines)
    mine = subprocess.run([mal, "vocab", "apply", "--format", "text", "--load", model, test], capture_output=True,
                          check=True, text=True).stdout.splitlines()
    theirs = spm.SentencePieceProcessor(model_file=model).encode(lines)
    same = sum(1 for a, b in zip(mine, theirs) if list(map(int, a.split())) == b)
    return sum(len(l.split()) for l in mine) / words, same, len(lines)


def unigram_rows(corpus, tok, mb, size):
    mine = os.path.join(work, "%s-unigram-%d.model" % (corpus, size))
    prefix = os.path.join(work, "%s-unigram-%d-spm" % (corpus, size))
    threads = str(UNIGRAM_THREADS)
    m = median([mal, "vocab", "build", "--format", "text", tok, "--subword", "unigram", "--max-size", str(size),
                "--threads", threads, "--save", mine])
    s = median([py, "-c", SPM_TRAIN, str(size), tok, prefix, threads])
    test = os.path.join(work, corpus + "-test.tok")
    quality = []
    for name, model in [("Mal", mine), ("sentencepiece", prefix + ".model")]:
        ppw, same, lines = pieces_per_word(model, test)
        quality.append("%s %.4f" % (name, ppw))
        if same != lines:
            quality.append("(%s's ids from mal on %d of %d lines)" % (name, same, lines))
    rows = [("train", "mal vocab build --subword unigram --threads %s" % threads, m, None),
            ("train", "sentencepiece unigram, num_threads %s (pieces/word on test: %s)" % (threads, ", ".join(quality)),
             s, m)]
    a = median([mal, "vocab", "apply", "--format", "text", "--threads", threads, "--load", mine, tok])
    b = median([py, "-c", SPM_APPLY, mine, tok, threads])
    rows.append(("apply", "mal vocab apply --load (.model)", a, None))
    rows.append(("apply", "SentencePieceProcessor(mal's).encode", b, a))
    return rows


last_mal = {}


def summarize(corpus, kind, size, mb, task, tool, result, ref):
    """Summary rows: training time against the reference trainer (targets ≥ 5× HF, ≥ 10× sentencepiece) and
    applying speed (target ≥ 50 MB/s on one core) against the reference encoder."""
    seconds, cpu, rss = result
    if ref is None:
        last_mal[task] = (tool, result)
        return
    mal_tool, (mal_seconds, _, mal_rss) = last_mal[task]
    name = "%s %s %dk" % (corpus.upper(), {"bpe": "BPE", "wordpiece": "WordPiece", "unigram": "Unigram"}[kind],
                          size // 1000)
    reference = tool.split(" (")[0]
    if task == "train":
        record("subword", name + ", training", mal_tool, mal_seconds, reference, seconds, "s",
               higher_is_better=False, target_ratio=10 if kind == "unigram" else 5, mal_rss_mib=mal_rss / 1024,
               reference_rss_mib=rss / 1024)
    else:
        record("subword", name + ", encoding", mal_tool, mb / mal_seconds, reference, mb / seconds, "MB/s",
               target_value=50, mal_rss_mib=mal_rss / 1024, reference_rss_mib=rss / 1024)


for corpus in ["nsmc", "imdb"]:
    tok = os.path.join(work, corpus + ".tok")
    mb = os.path.getsize(tok) / 1e6
    for kind in KINDS:
        if kind == "unigram":
            for size in sizes:
                for task, tool, (s, c, rss), ref in unigram_rows(corpus, tok, mb, size):
                    ratio = ("%.1f× | %.1f×" % (s / ref[0], c / ref[1])) if ref else " | "
                    print("| %s | %.1f | %s | %d | %s | %s | %.2f | %.2f | %.1f | %.0f | %s |" % (
                        corpus, mb, kind, size, task, tool, s, c, mb / s, rss / 1024, ratio), flush=True)
                    summarize(corpus, kind, size, mb, task, tool, (s, c, rss), ref)
            continue
        for size in sizes:
            mine = os.path.join(work, "%s-%s-%d.json" % (corpus, kind, size))
            theirs = os.path.join(work, "%s-%s-%d-hf.json" % (corpus, kind, size))
            rows = []
            m = median([mal, "vocab", "build", "--format", "text", tok, "--subword", kind, "--max-size", str(size),
                        "--threads", "1", "--save", mine])
            h = median([py, "-c", HF_TRAIN, kind, str(size), tok, theirs])
            note = same_bpe(mine, theirs) if kind == "bpe" else "(WordPiece: HF's ## numbering varies by run)"
            rows.append(("train", "mal vocab build --subword %s" % kind, m, None))
            rows.append(("train", "HF %s (%s)" % ("BpeTrainer" if kind == "bpe" else "WordPieceTrainer", note), h, m))
            a = median([mal, "vocab", "apply", "--format", "text", "--threads", "1", "--load", mine, tok])
            b = median([py, "-c", HF_APPLY, mine, tok])
            rows.append(("apply", "mal vocab apply --load", a, None))
            rows.append(("apply", "HF Tokenizer.from_file(mal's).encode_batch", b, a))
            for task, tool, (s, c, rss), ref in rows:
                ratio = ("%.1f× | %.1f×" % (s / ref[0], c / ref[1])) if ref else " | "
                print("| %s | %.1f | %s | %d | %s | %s | %.2f | %.2f | %.1f | %.0f | %s |" % (
                    corpus, mb, kind, size, task, tool, s, c, mb / s, rss / 1024, ratio), flush=True)
                summarize(corpus, kind, size, mb, task, tool, (s, c, rss), ref)
