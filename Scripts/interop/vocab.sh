#!/usr/bin/env bash
# mal vocab's files in HF tokenizers and tf_keras, or (fixtures) the test fixtures made anew with them.
#   Scripts/interop.sh vocab [fixtures]
# Proves that the files `mal vocab` writes work in the real libraries:
#   HF tokenizers: Tokenizer.from_file(mal's tokenizer.json) encodes to the ids mal vocab apply writes;
#   tf_keras: tokenizer_from_json(mal's Keras JSON).texts_to_sequences equals mal vocab apply (with and
#   without num_words), and mal's --order keras word_index equals Tokenizer.fit_on_texts' on the same tokens.
# Uses the sample corpora and, when present, ../shared/corpora/nsmc (or $MAL_CORPORA); debug build.
# The libraries go into the git-ignored Scripts/.venv: tokenizers, tf-keras (--no-deps) and tensorflow-cpu,
# which tf_keras imports. `Scripts/interop.sh vocab fixtures` regenerates Tests/MalVocabTests/Fixtures.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
need_python "import tokenizers" tokenizers
need_python "import tensorflow" tensorflow-cpu
need_python "import tf_keras" --no-deps tf-keras
if [ "${1:-check}" = fixtures ]; then
  "$py" Scripts/interop/vocab.py fixtures Tests/MalVocabTests/Fixtures
  exit 0
fi
debug_mal
quiet_tf "$py" Scripts/interop/vocab.py check "$mal" "$corpora"
