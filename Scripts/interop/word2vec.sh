#!/usr/bin/env bash
# Interop check: gensim 4.4.0 loads Mal's .vec/.bin (Korean words included) and Mal reads gensim's files.
#   Scripts/interop-word2vec.sh
# Uses the git-ignored venv Scripts/.venv and the Korean and English samples in Corpora/.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
mal="$(swift build --show-bin-path)/mal"
source Scripts/lib/reference.sh
need_python "import gensim" gensim==4.4.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$mal" tokenize --lower Corpora/sample-ko.tsv | cut -f2 | tail -n +2 > "$work/tokens.txt"
"$mal" tokenize --lower Corpora/sample-en.tsv | cut -f2 | tail -n +2 >> "$work/tokens.txt"
Scripts/.venv/bin/python Scripts/interop/word2vec.py "$mal" "$work/tokens.txt" "$work"
