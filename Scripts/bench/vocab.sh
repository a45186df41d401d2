#!/usr/bin/env bash
# mal vocab beside collections.Counter and HF tokenizers' WordLevel trainer (release build).
# The corpus ($MAL_CORPORA, default ../shared/corpora: nsmc/reviews_unlabeled.txt) is tokenized by mal tokenize
# first; every tool then reads the same tokenized file. tokenizers goes into the git-ignored venv Scripts/.venv.
# Run as `Scripts/bench.sh vocab`.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import tokenizers" tokenizers
work_dir
"$mal" tokenize "$corpora/nsmc/reviews_unlabeled.txt" > "$work/reviews_unlabeled.tok"
"$py" Scripts/bench/vocab.py "$mal" "$work/reviews_unlabeled.tok"
