#!/usr/bin/env bash
# mal vocab --subword (BPE, WordPiece) against HF tokenizers' BpeTrainer and WordPieceTrainer, or the fixtures anew.
#   Scripts/interop.sh subword [fixtures]
# Trains both on the same `mal tokenize` output of NSMC and IMDB rows ($MAL_CORPORA, default ../shared/corpora),
# compares vocabularies (with ids) and merges, and checks that tokenizers.Tokenizer.from_file(mal's
# tokenizer.json) encodes every held-out line to mal's ids. `fixtures` regenerates the subword files of
# Tests/MalVocabTests/Fixtures (HF's files on the sample corpora and on NSMC/IMDB samples). Release build;
# tokenizers goes into the git-ignored Scripts/.venv.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
need_python "import tokenizers" tokenizers
release_mal
if [ "${1:-check}" = fixtures ]; then
  "$py" Scripts/interop/subword.py fixtures Tests/MalVocabTests/Fixtures "$mal" "$corpora"
  exit 0
fi
"$py" Scripts/interop/subword.py check "$mal" "$corpora"
