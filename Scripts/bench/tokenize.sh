#!/usr/bin/env bash
# Benchmark of mal tokenize (release build) beside Python's str.split and HF tokenizers' BERT pre-tokenizer with NFC,
# on NSMC reviews_unlabeled.txt and IMDB unlabeled.txt from $MAL_CORPORA (default ../shared/corpora).
# tokenizers goes into the git-ignored Scripts/.venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpora="${MAL_CORPORA:-../shared/corpora}"
swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
[ -x Scripts/.venv/bin/python ] || python3 -m venv Scripts/.venv
Scripts/.venv/bin/pip install -q tokenizers
Scripts/.venv/bin/python Scripts/bench/tokenize.py "$(swift build -c release --show-bin-path)/mal" \
  "$corpora/nsmc/reviews_unlabeled.txt" "$corpora/imdb/unlabeled.txt"
