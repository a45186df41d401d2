#!/usr/bin/env bash
# mal tokenize beside Python's str.split and HF tokenizers' BERT pre-tokenizer with NFC (release build).
# Corpora: nsmc/reviews_unlabeled.txt and imdb/unlabeled.txt from $MAL_CORPORA (default ../shared/corpora).
# tokenizers goes into the git-ignored venv Scripts/.venv on first use. Run as `Scripts/bench.sh tokenize`.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import tokenizers" tokenizers
"$py" Scripts/bench/tokenize.py "$mal" "$corpora/nsmc/reviews_unlabeled.txt" "$corpora/imdb/unlabeled.txt"
