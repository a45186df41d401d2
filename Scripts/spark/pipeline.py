"""Runs Mal's stages on PySpark (local[2]) and checks each result byte for byte against one `mal` process on the
same input. Run through Scripts/spark.sh, which installs Java and pyspark, builds mal and makes the sample:

    python pipeline.py MAL WORK TRAIN.tsv TEST.tsv PARTITIONS

TRAIN.tsv and TEST.tsv are TSV with a header (id, document, label). WORK is a scratch folder. Prints one line per
check and closes with "N passed, N failed"; exits 1 if any failed.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from malspark import pipe, read_lines  # noqa: E402

mal, work, train, test, partitions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
results = {"passed": 0, "failed": 0}


def one_process(command, stdin=None):
    """Standard output of a shell pipeline of mal stages ($MAL is mal), as bytes; fails on a non-zero exit."""
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], env={**os.environ, "MAL": mal}, cwd=work,
                          stdin=stdin, stdout=subprocess.PIPE, check=True).stdout


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'PASS' if ok else 'FAIL'}  {name}{'  ' + detail if detail else ''}", flush=True)


def same(name, spark_lines, expected):
    got = b"".join(line + b"\n" for line in spark_lines)
    if got == expected:
        lines = expected.count(b"\n")
        check(name, True, f"({len(expected):,} bytes, {lines:,} lines identical)")
        return
    a, b = got.split(b"\n"), expected.split(b"\n")
    first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    check(name, False, f"first difference at line {first + 1}: spark {a[first:first + 1]!r} vs one process "
                       f"{b[first:first + 1]!r} ({len(a)} vs {len(b)} lines)")


def header_of(path):
    with open(path, "rb") as f:
        return f.readline().rstrip(b"\n")


def rows_of(sc, path):
    """The file's rows without its header, as bytes lines (sc.textFile: the way a cluster reads its input)."""
    lines = sc.textFile(path, minPartitions=partitions)
    head = lines.first()
    return lines.filter(lambda line: line != head).map(lambda line: line.encode("utf-8"))


from pyspark import SparkConf, SparkContext  # noqa: E402

started = time.time()
conf = (SparkConf().setMaster("local[2]").setAppName("mal-spark-pipeline")
        .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false").set("spark.python.worker.reuse", "true")
        .set("spark.driver.extraJavaOptions", "-Dlog4j2.level=error"))
sc = SparkContext(conf=conf)
sc.setLogLevel("ERROR")
sc.addFile(mal)  # every task finds it as SparkFiles.get("mal")
train_rows, test_rows = rows_of(sc, train), rows_of(sc, test)
header = header_of(train)
print(f"spark {sc.version}, {sc.master}, {train_rows.getNumPartitions()} partitions of {train} "
      f"({train_rows.count():,} rows), started in {time.time() - started:.1f} s", flush=True)

# 1. tokenize → vocab count per partition → vocab merge: the vocabulary of one `vocab build --save`.
#    The reduce is sharded as a cluster would shard it: counts keyed by token go to 2 reducers (hash partitioning),
#    each sums its tokens with `vocab merge`, and the driver builds the vocabulary from the reducers' sums. The
#    order of the counts does not matter: ids are given by count, ties by the tokens' bytes.
tokenize = ["@mal", "tokenize", "--split-particles", "--repeat", "2"]
counts = pipe(train_rows, [tokenize, ["@mal", "vocab", "count"]], header=header, keep_head="all")
reduced = pipe(counts.keyBy(lambda line: line.split(b"\t", 1)[0]).partitionBy(2).values(),
               [["@mal", "vocab", "merge"]], keep_head="all")
merged = reduced.collect()
for flags in ([], ["--min-count", "2", "--max-size", "5000"]):
    spark_vocab = subprocess.run([mal, "vocab", "merge", "--save", f"{work}/vocab-spark.txt", *flags],
                                 input=b"".join(line + b"\n" for line in merged), check=True)
    one_process(f'"$MAL" tokenize --split-particles --repeat 2 {train} '
                f'| "$MAL" vocab build --save {work}/vocab-one.txt {" ".join(flags)}')
    same(f"1. tokenize | vocab count | vocab merge --save {' '.join(flags)} = vocab build --save",
         open(f"{work}/vocab-spark.txt", "rb").read().split(b"\n")[:-1], open(f"{work}/vocab-one.txt", "rb").read())
vocab = f"{work}/vocab-one.txt"  # the cut vocabulary (--min-count 2 --max-size 5000)
depth = sum(1 for _ in open(vocab, "rb"))
sc.addFile(vocab)

# 2. vocab --load → pad → encode per partition: the rows of one process, line for line.
for encode in (["--bag", "count"], ["--one-hot"]):
    stages = [tokenize, ["@mal", "vocab", "--load", "@vocab-one.txt"], ["@mal", "pad", "--maxlen", "40"],
              ["@mal", "encode", *encode, "--depth", str(depth)]]
    expected = one_process(f'"$MAL" tokenize --split-particles --repeat 2 {train} | "$MAL" vocab --load vocab-one.txt '
                           f'| "$MAL" pad --maxlen 40 | "$MAL" encode {" ".join(encode)} --depth {depth}')
    same(f"2. tokenize | vocab --load | pad --maxlen 40 | encode {' '.join(encode)}",
         pipe(train_rows, stages, header=header).collect(), expected)

# 3. predict per partition; evaluate from the partitions' mergeable summaries.
model = f"{work}/model.safetensors"
one_process(f'head -3001 {train} | "$MAL" tokenize --split-particles --repeat 2 | "$MAL" vocab --save {work}/v-model.txt '
            f'--max-size 3000 | "$MAL" pad --maxlen 30 | "$MAL" train -o {model} --epochs 1 --units 8 '
            f'--embedding-dim 8 --threads 1 --seed 1 2>/dev/null')
sc.addFile(model)
same("3. predict MODEL per partition = one process",
     pipe(test_rows, [["@mal", "predict", "@model.safetensors"]], header=header).collect(),
     one_process(f'"$MAL" predict model.safetensors {test}'))
summaries = pipe(test_rows, [["@mal", "evaluate", "@model.safetensors", "--summary"]], header=header,
                 keep_head="all").collect()
merged_report = subprocess.run([mal, "evaluate", model, "--merge", "-"], input=b"".join(s + b"\n" for s in summaries),
                               stdout=subprocess.PIPE, check=True).stdout
same(f"3. evaluate --merge of {len(summaries)} partitions' --summary = evaluate MODEL", merged_report.split(b"\n")[:-1],
     one_process(f'"$MAL" evaluate model.safetensors {test}'))

# Bad input: a failing partition fails the job, and the driver's exception carries Mal's message.
sc.setLogLevel("OFF")  # the executor would also log each expected failure with its Java stack
bad = f"{work}/bad.tsv"
with open(bad, "wb") as f:
    f.write(b"id\tdocument\tlabel\n1\tgood\t0\n2\tbad \xff byte\t1\n3\tgood\t1\n4\tgood\t0\n")
for name, job, message in [
    ("bad UTF-8 under --strict fails the job with mal's message",
     lambda: pipe(read_lines(sc, bad, 2).filter(lambda line: not line.startswith(b"id\t")),
                  [["@mal", "tokenize", "--strict"]], header=header).collect(),
     ":2:7: error: invalid UTF-8 byte sequence 0xFF; drop --strict"),
    ("counts of differently tokenized partitions refuse to merge, with mal's message",
     lambda: pipe(pipe(train_rows, [["@mal", "tokenize", "--lower"], ["@mal", "vocab", "count"]], header=header,
                       keep_head="all").union(counts).coalesce(1), [["@mal", "vocab", "merge"]], keep_head="all").collect(),
     "error: this input was made by another pipeline than the first input (#mal: tokenize {\"lower\":false"),
    ("a model missing on the worker fails the job with mal's message",
     lambda: pipe(test_rows, [["@mal", "predict", "missing.safetensors"]], header=header).collect(),
     "missing.safetensors"),
]:
    try:
        job()
        check(name, False, "the job succeeded")
    except Exception as e:  # Py4JJavaError or PythonException, with the worker's traceback in its text
        text = str(e)
        check(name, message in text and "mal on partition" in text,
              next((line.strip() for line in text.splitlines() if line.startswith("RuntimeError: mal on partition")),
                   text[-300:]))

sc.stop()
print(f"spark pipeline: {time.time() - started:.0f} s")
print(f"pipeline: {results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
