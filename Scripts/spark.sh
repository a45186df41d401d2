#!/usr/bin/env bash
# Runs Mal's stages on Apache Spark (PySpark, local[2]) and checks every result byte for byte against one `mal`
# process: tokenize → vocab count per partition → sharded vocab merge = vocab build --save; vocab --load → pad →
# encode per partition; predict per partition and evaluate --merge of per-partition --summary lines; a failing
# partition (bad UTF-8 under --strict, a model missing on the worker) fails the job with Mal's message.
# Then the Hadoop-streaming form of the count (mapper `vocab count`, `sort` as the shuffle, reducer `vocab merge`)
# and GNU parallel --pipe. See docs/scale-out.md.
#
#   Scripts/spark.sh [--skip-if-unavailable] [ROWS]
#                               ROWS of NSMC's ratings_train.txt and ratings_test.txt (default 20000), from
#                               $MAL_CORPORA (default ../shared/corpora); without them, Corpora/sample-ko.tsv
#
# It installs what it needs where missing: Java (Debian's openjdk-17-jre-headless, after apt-get update),
# pyspark from PyPI into the git-ignored venv Scripts/.venv, GNU parallel; and builds mal (release).
# Prints "N passed, N failed" and exits 1 when a check failed.
set -euo pipefail
source "$(dirname "$0")/lib/reference.sh"

# --skip-if-unavailable (Scripts/test.sh): when Java or pyspark cannot be installed, say why and exit 0.
skip_if_unavailable=no
if [ "${1:-}" = --skip-if-unavailable ]; then
  skip_if_unavailable=yes
  shift
fi
rows="${1:-20000}"
unavailable() {
  if [ "$skip_if_unavailable" = yes ]; then
    echo "spark: SKIPPED: $1" >&2
    exit 0
  fi
  echo "spark: $1" >&2
  exit 1
}

# Java 17 or newer (what pyspark 4 needs) and GNU parallel, from apt.
apt_missing=()
java_major="$(java -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p' || true)"
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then apt_missing+=(openjdk-17-jre-headless); fi
command -v parallel >/dev/null || apt_missing+=(parallel)
if [ ${#apt_missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "spark: installing ${apt_missing[*]}" >&2
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_missing[@]}" >/dev/null; } \
    || unavailable "cannot install ${apt_missing[*]} with apt-get"
fi
need_python "import pyspark" pyspark || unavailable "cannot install pyspark from PyPI into Scripts/.venv"
release_mal
work_dir

train="$corpora/nsmc/ratings_train.txt"
test="$corpora/nsmc/ratings_test.txt"
if [ -f "$train" ] && [ -f "$test" ]; then
  head -n "$((rows + 1))" "$train" > "$work/train.tsv"
  head -n "$((rows / 4 + 1))" "$test" > "$work/test.tsv"
  echo "spark: $rows rows of $train, $((rows / 4)) of $test" >&2
else
  echo "spark: $corpora/nsmc is missing: using Corpora/sample-ko.tsv (240 rows) for both sets" >&2
  cp Corpora/sample-ko.tsv "$work/train.tsv"
  cp Corpora/sample-ko.tsv "$work/test.tsv"
fi

log="$work/checks.log"
status=0
PYSPARK_PYTHON="$PWD/$py" "$py" Scripts/spark/pipeline.py "$mal" "$work" "$work/train.tsv" "$work/test.tsv" 4 \
  2> >(grep -vE '^(WARNING|Setting default log level|To adjust logging level|[0-9/]+ [0-9:]+ WARN |Using Spark)' >&2) \
  | tee "$log" || status=$?
Scripts/spark/streaming.sh "$mal" "$work/train.tsv" | tee -a "$log" || status=$?
echo "spark: $(grep -c '^PASS' "$log") passed, $(grep -c '^FAIL' "$log") failed"
exit "$status"
