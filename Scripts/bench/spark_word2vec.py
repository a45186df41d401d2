"""word2vec on one machine (mal word2vec train) beside Spark MLlib's Word2Vec (local[2]) on the same tokens: time,
words/s, the analogy score and the word-similarity correlation (scored by `mal word2vec eval` for both, from the
same word2vec text format). The tokens come from Mal's stages run on Spark (tokenize --lower per partition), as a
cluster would make them. Run through Scripts/bench.sh spark w2v."""
import os, subprocess, sys, time

# Not this folder: its tokenize.py would shadow the standard library's tokenize, which pyspark imports.
sys.path[0] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spark")
from malspark import pipe  # noqa: E402
from pyspark import SparkConf, SparkContext  # noqa: E402
from pyspark.ml.feature import Word2Vec  # noqa: E402
from pyspark.sql import SparkSession, functions as F  # noqa: E402

mal, corpus, analogies, similarity, work = sys.argv[1:6]
conf = (SparkConf().setMaster("local[2]").setAppName("mal-bench-word2vec").set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false").set("spark.driver.memory", "6g"))
sc = SparkContext(conf=conf)
sc.setLogLevel("ERROR")
spark = SparkSession(sc)
sc.addFile(mal)

t = time.perf_counter()
tokens = pipe(sc.textFile(corpus, minPartitions=2), [["@mal", "tokenize", "--lower"]], keep_head="all").collect()
with open(f"{work}/tokens.txt", "wb") as f:
    for line in tokens:
        f.write(line + b"\n")
count = sum(len(line.split()) for line in tokens)
print(f"{os.path.basename(corpus)}: {count:,} tokens, tokenized on Spark in {time.perf_counter() - t:.1f} s\n")


def evaluate(vectors):
    out = subprocess.run([mal, "word2vec", "eval", vectors, "--analogies", analogies, "--similarity", similarity,
                          "--threads", "2"], stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    total = next(line for line in out if "\ttotal\t" in line).split("\t")
    pairs = next(line for line in out if "spearman" in line).split("\t")
    return total[2].replace("accuracy ", ""), pairs[1].replace("spearman ", "")


print("| trainer | settings | words in vocabulary | seconds | words/s | analogy accuracy | WS-353 Spearman |")
print("|---|---|---:|---:|---:|---:|---:|")
# BENCH_W2V_EPOCHS and BENCH_W2V_PARTITIONS ("" skips that trainer): a loaded machine makes the full run long.
for epochs in [int(e) for e in os.environ.get("BENCH_W2V_EPOCHS", "1 5").split()]:
    t = time.perf_counter()
    log = subprocess.run([mal, "word2vec", "train", "-o", f"{work}/mal-{epochs}.vec", "--epochs", str(epochs),
                          "--threads", "2", f"{work}/tokens.txt"], stderr=subprocess.PIPE, check=True).stderr.decode()
    seconds = time.perf_counter() - t
    words = log.split("word2vec: ")[-1].split(" words")[0]
    accuracy, spearman = evaluate(f"{work}/mal-{epochs}.vec")
    print(f"| mal word2vec train (one machine, 2 threads) | skip-gram, negative 5, window 5, dim 100, min count 5, "
          f"{epochs} epoch{'s' if epochs > 1 else ''} | {words} | {seconds:.1f} | {count * epochs / seconds:,.0f} | "
          f"{accuracy} | {spearman} |", flush=True)

df = spark.read.text(f"{work}/tokens.txt").select(F.split(F.col("value"), " ").alias("words")).cache()
df.count()
for partitions in [int(p) for p in os.environ.get("BENCH_W2V_PARTITIONS", "1 2").split()]:
    t = time.perf_counter()
    model = Word2Vec(vectorSize=100, minCount=5, windowSize=5, maxIter=1, numPartitions=partitions, seed=1,
                     inputCol="words").fit(df)
    seconds = time.perf_counter() - t
    vectors = model.getVectors().collect()
    with open(f"{work}/mllib-{partitions}.vec", "w", encoding="utf-8") as f:
        f.write(f"{len(vectors)} 100\n")
        for row in vectors:
            f.write(row.word + " " + " ".join(f"{x:.6f}" for x in row.vector) + "\n")
    accuracy, spearman = evaluate(f"{work}/mllib-{partitions}.vec")
    print(f"| Spark MLlib Word2Vec (local[2]) | skip-gram, hierarchical softmax, window 5, dim 100, min count 5, "
          f"1 iteration, numPartitions {partitions} | {len(vectors):,} | {seconds:.1f} | {count / seconds:,.0f} | "
          f"{accuracy} | {spearman} |", flush=True)
sc.stop()
