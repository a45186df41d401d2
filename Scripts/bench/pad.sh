#!/usr/bin/env bash
# Benchmark of mal pad (release build, real corpus): 150K NSMC rows of ids padded to maxlen 40, text → text and
# text → .npy, beside Python + keras.utils.pad_sequences on the same ids in the same run.
# Keras (tensorflow-cpu) and numpy go into a git-ignored venv (Scripts/.venv) on first use.
# Corpora come from $MAL_CORPORA (default ../shared/corpora). Scripts/bench.sh pad calls this.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpora="${MAL_CORPORA:-../shared/corpora}"

source Scripts/lib/reference.sh
release_mal
need_python "import numpy, keras" numpy tensorflow-cpu

work="out/bench-pad"
mkdir -p "$work"
if [ ! -s "$work/ids.tsv" ]; then
  "$mal" tokenize "$corpora/nsmc/ratings_train.txt" | Scripts/.venv/bin/python Scripts/bench/pad_ids.py > "$work/ids.tsv"
fi
TF_CPP_MIN_LOG_LEVEL=3 Scripts/.venv/bin/python Scripts/bench/pad.py "$mal" "$work/ids.tsv"
