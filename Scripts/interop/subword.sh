#!/usr/bin/env bash
# mal vocab --subword (BPE, WordPiece, Unigram) against HF tokenizers and sentencepiece, or the fixtures anew.
#   Scripts/interop.sh subword [fixtures [hf|spm]]
# Trains on the same `mal tokenize` output of NSMC and IMDB rows ($MAL_CORPORA, default ../shared/corpora),
# compares BPE and WordPiece vocabularies (with ids) and merges with HF's, and checks that
# tokenizers.Tokenizer.from_file(mal's tokenizer.json) and sentencepiece.SentencePieceProcessor(mal's .model)
# encode every held-out line to mal's ids (Unigram; BPE as .model too), and that mal applies sentencepiece's own
# unigram and BPE .model files with their ids; with --jamo (pieces over NFD text), that HF gives mal's ids for the
# held-out lines as they are and in NFD.
# `fixtures` regenerates the subword files of Tests/MalVocabTests/Fixtures (hf: HF's files on the sample corpora
# and NSMC/IMDB samples; spm: the unigram and BPE .model files sentencepiece trains on NSMC rows; default both).
# Release build;
# tokenizers and sentencepiece go into the git-ignored Scripts/.venv.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
need_python "import tokenizers, sentencepiece" tokenizers sentencepiece
release_mal
if [ "${1:-check}" = fixtures ]; then
  "$py" Scripts/interop/subword.py fixtures Tests/MalVocabTests/Fixtures "$mal" "$corpora" "${2:-all}"
  exit 0
fi
"$py" Scripts/interop/subword.py check "$mal" "$corpora"
