#!/usr/bin/env bash
# Proves that the files `mal vocab` writes work in the real libraries:
#   HF tokenizers: Tokenizer.from_file(mal's tokenizer.json) encodes to the ids mal vocab apply writes;
#   tf_keras: tokenizer_from_json(mal's Keras JSON).texts_to_sequences equals mal vocab apply (with and
#   without num_words), and mal's --order keras word_index equals Tokenizer.fit_on_texts' on the same tokens.
# Uses the sample corpora and, when present, ../shared/corpora/nsmc (or $MAL_CORPORA).
# The libraries go into the git-ignored Scripts/.venv: tokenizers, tf-keras (--no-deps) and tensorflow-cpu,
# which tf_keras imports. `Scripts/interop-vocab.sh fixtures` regenerates Tests/MalVocabTests/Fixtures.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpora="${MAL_CORPORA:-../shared/corpora}"
source Scripts/lib/reference.sh
need_python "import tokenizers" tokenizers
need_python "import tensorflow" tensorflow-cpu
need_python "import tf_keras" --no-deps tf-keras
if [ "${1:-check}" = fixtures ]; then
  Scripts/.venv/bin/python Scripts/interop/vocab.py fixtures Tests/MalVocabTests/Fixtures
  exit 0
fi
swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
Scripts/.venv/bin/python Scripts/interop/vocab.py check "$(swift build --show-bin-path)/mal" "$corpora" 2> >(grep -vE 'oneDNN|^I0000|cuda|TF-TRT|computation placer|absl::InitializeLog|WARNING: All log messages' >&2)
