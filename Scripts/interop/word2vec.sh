#!/usr/bin/env bash
# gensim 4.4.0 loads Mal's .vec/.bin (Korean words included) and Mal reads gensim's files.
#   Scripts/interop.sh word2vec
# Uses the git-ignored venv Scripts/.venv, a debug build and the Korean and English samples in Corpora/.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
debug_mal
need_python "import gensim" gensim==4.4.0
work_dir
"$mal" tokenize --lower --plain Corpora/sample-ko.tsv | cut -f2 | tail -n +2 > "$work/tokens.txt"
"$mal" tokenize --lower --plain Corpora/sample-en.tsv | cut -f2 | tail -n +2 >> "$work/tokens.txt"
"$py" Scripts/interop/word2vec.py "$mal" "$work/tokens.txt" "$work"
