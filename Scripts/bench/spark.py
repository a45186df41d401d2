"""Times tokenize → vocab count → vocab merge: one machine without Spark (`mal tokenize | mal vocab count`), Mal's
stages as RDD steps on PySpark local[2] with 1, 2 and 4 partitions (Scripts/spark/malspark.py), and the same job in
PySpark's DataFrame API (split on whitespace / explode / groupBy.count: a lighter tokenizer than Mal's). Checks that
Spark's vocabulary equals one machine's, byte for byte. Run through Scripts/bench.sh spark."""
import os, statistics, subprocess, sys, tempfile, time

# Not this folder: its tokenize.py would shadow the standard library's tokenize, which pyspark imports.
sys.path[0] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spark")
from malspark import pipe  # noqa: E402
from pyspark import SparkConf, SparkContext  # noqa: E402
from pyspark.sql import SparkSession, functions as F  # noqa: E402

mal, inputs = sys.argv[1], sys.argv[2:]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
tmp = tempfile.mkdtemp(prefix="mal-bench-spark-")  # $TMPDIR, else the system's temporary folder

t = time.perf_counter()
conf = (SparkConf().setMaster("local[2]").setAppName("mal-bench-spark").set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false").set("spark.driver.memory", "4g"))
sc = SparkContext(conf=conf)
sc.setLogLevel("ERROR")
spark = SparkSession(sc)
sc.addFile(mal)
startup = time.perf_counter() - t


def one_machine(path):
    subprocess.run(["bash", "-o", "pipefail", "-c", f'"$0" tokenize "$1" | "$0" vocab count > "$2"', mal, path,
                    f"{tmp}/one.counts"], check=True)
    return f"{tmp}/one.counts"


def rdd_job(path, partitions):
    lines = sc.textFile(path, minPartitions=partitions).coalesce(partitions)
    counts = pipe(lines, [["@mal", "tokenize"], ["@mal", "vocab", "count"]], keep_head="all")
    merged = pipe(counts.coalesce(1), [["@mal", "vocab", "merge"]], keep_head="all").collect()
    rdd_job.shuffled = sum(len(x) + 1 for x in counts.collect()) if rdd_job.measure else 0
    return merged


def dataframe_job(path):
    df = spark.read.text(path).repartition(2)
    words = df.select(F.explode(F.split(F.col("value"), r"\s+")).alias("w")).where(F.col("w") != "")
    return words.groupBy("w").count().collect()


def median_seconds(run, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


print(f"PySpark {sc.version} local[2] on {os.cpu_count()} cores; SparkContext start-up {startup:.1f} s (not counted "
      f"below); load average before: {os.getloadavg()[0]:.1f}. Median of {RUNS} runs (1 for inputs over 200 MB) after "
      "a warm-up; MB = 10^6 bytes.\n")
print("| corpus | MB | job | seconds | MB/s | vs one machine | vocabulary = one machine's |")
print("|---|---:|---|---:|---:|---:|---|")
for path in inputs:
    mb = os.path.getsize(path) / 1e6
    runs = 1 if mb > 200 else RUNS
    name = os.path.basename(path)
    one_machine(path)  # warm-up: page cache
    base, counts = median_seconds(lambda: one_machine(path), runs)
    subprocess.run([mal, "vocab", "merge", counts, "--save", f"{tmp}/one.txt"], check=True)
    one_vocab = open(f"{tmp}/one.txt", "rb").read()
    print(f"| {name} | {mb:.0f} | one machine: mal tokenize \\| mal vocab count | {base:.2f} | {mb / base:.0f} | 1.0× | |",
          flush=True)
    rdd_job.measure = False
    rdd_job(path, 2)  # warm-up: Python workers, JIT
    for partitions in (1, 2, 4):
        seconds, merged = median_seconds(lambda: rdd_job(path, partitions), runs)
        subprocess.run([mal, "vocab", "merge", "--save", f"{tmp}/spark.txt"],
                       input=b"".join(m + b"\n" for m in merged), check=True)
        same = open(f"{tmp}/spark.txt", "rb").read() == one_vocab
        print(f"| {name} | {mb:.0f} | Spark RDD, mal stages, {partitions} partition{'s' if partitions > 1 else ''} "
              f"| {seconds:.2f} | {mb / seconds:.0f} | {base / seconds:.2f}× | {'yes' if same else 'NO'} |", flush=True)
    seconds, rows = median_seconds(lambda: dataframe_job(path), runs)
    print(f"| {name} | {mb:.0f} | Spark DataFrame split/explode/groupBy (whitespace tokens, {len(rows):,} distinct) "
          f"| {seconds:.2f} | {mb / seconds:.0f} | {base / seconds:.2f}× | (other tokenizer) |", flush=True)
    rdd_job.measure = True
    rdd_job(path, 4)
    distinct = one_vocab.count(b"\n") - 2
    print(f"|  |  | counts shuffled by 4 partitions: {rdd_job.shuffled / 1e6:.1f} MB for {distinct:,} distinct tokens "
          f"({rdd_job.shuffled / 1e6 / mb * 100:.1f} % of the input) | | | | |", flush=True)
sc.stop()
