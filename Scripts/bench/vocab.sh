#!/usr/bin/env bash
# Benchmark of mal vocab (release build) beside collections.Counter and HF tokenizers' WordLevel trainer:
#   Scripts/bench-vocab.sh            (Scripts/bench.sh calls it for `Scripts/bench.sh vocab`)
# The corpus ($MAL_CORPORA, default ../shared/corpora: nsmc/reviews_unlabeled.txt) is tokenized by mal tokenize
# first; every tool then reads the same tokenized file. Reference tools go into the git-ignored Scripts/.venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpora="${MAL_CORPORA:-../shared/corpora}"
source Scripts/lib/reference.sh
release_mal
need_python "import tokenizers" tokenizers
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$mal" tokenize "$corpora/nsmc/reviews_unlabeled.txt" > "$work/reviews_unlabeled.tok"
Scripts/.venv/bin/python Scripts/bench/vocab.py "$mal" "$work/reviews_unlabeled.tok"
