#!/usr/bin/env bash
# tokenize → vocab count → vocab merge on Spark (RDD stages, 1/2/4 partitions) vs one machine vs PySpark DataFrames.
# Corpora: nsmc/reviews_unlabeled.txt, imdb/unlabeled.txt from $MAL_CORPORA (default ../shared/corpora) and a 10×
# concatenation of the first (BENCH_TEN=0 skips it). `w2v`: mal word2vec train beside Spark MLlib's Word2Vec on
# IMDB's unlabelled reviews tokenized on Spark, scored on questions-words.txt and WS-353 (BENCH_W2V_EPOCHS, default
# "1 5", and BENCH_W2V_PARTITIONS, default "1 2", choose the runs; "" skips that trainer). Java and pyspark as
# Scripts/spark.sh installs them; pyspark goes into the git-ignored venv Scripts/.venv. Results: docs/scale-out.md.
#   Scripts/bench.sh spark [count] [w2v]     (default: both; `word2vec` would name the word2vec stage)
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
command -v java >/dev/null || { echo "bench spark: no java; run Scripts/spark.sh once (it installs Java)" >&2; exit 1; }
release_mal
need_python "import pyspark" pyspark
work_dir
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(count w2v)
quiet() { grep -vE '^(WARNING|Setting default log level|To adjust logging level|[0-9/]+ [0-9:]+ WARN |Using Spark)' >&2; }
if [[ " ${parts[*]} " == *" w2v "* ]]; then
  need_python "import numpy" numpy  # pyspark.ml needs it
  PYSPARK_PYTHON="$PWD/$py" "$py" Scripts/bench/spark_word2vec.py "$mal" "$corpora/imdb/unlabeled.txt" \
    "$corpora/eval/questions-words.txt" "$corpora/eval/wordsim353.tsv" "$work" 2> >(quiet)
fi
[[ " ${parts[*]} " == *" count "* ]] || exit 0
inputs=("$corpora/nsmc/reviews_unlabeled.txt" "$corpora/imdb/unlabeled.txt")
if [ "${BENCH_TEN:-1}" != 0 ]; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$corpora/nsmc/reviews_unlabeled.txt"; done > "$work/nsmc-unlabeled-10x.txt"
  inputs+=("$work/nsmc-unlabeled-10x.txt")
fi
PYSPARK_PYTHON="$PWD/$py" "$py" Scripts/bench/spark.py "$mal" "${inputs[@]}" 2> >(quiet)
