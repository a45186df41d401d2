#!/usr/bin/env bash
# mal pad beside keras.utils.pad_sequences: 150K NSMC id rows to maxlen 40, text → text and text → .npy.
# Release build, real corpus: nsmc/ratings_train.txt from $MAL_CORPORA (default ../shared/corpora), tokenized and
# turned into id rows once (kept in out/bench-pad/ids.tsv); Python + Keras pad the same ids in the same run.
# Keras (tensorflow-cpu) and numpy go into the git-ignored venv Scripts/.venv on first use.
# Run as `Scripts/bench.sh pad`.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import numpy, keras" numpy tensorflow-cpu

work="out/bench-pad"
mkdir -p "$work"
if [ ! -s "$work/ids.tsv" ]; then
  "$mal" tokenize --plain "$corpora/nsmc/ratings_train.txt" | "$py" Scripts/bench/pad_ids.py > "$work/ids.tsv"
fi
TF_CPP_MIN_LOG_LEVEL=3 "$py" Scripts/bench/pad.py "$mal" "$work/ids.tsv"
