#!/usr/bin/env bash
# Interop checks for mal pad and mal encode with the real Python tools: numpy.load opens Mal's .npy files, and
# keras.utils.pad_sequences / to_categorical and tf_keras's Tokenizer.sequences_to_matrix agree with Mal's output.
# numpy, tensorflow-cpu (for Keras) and tf-keras go into a git-ignored venv (Scripts/.venv) on first use; without
# Keras the script falls back to numpy stand-ins and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
mal="$(swift build -c release --show-bin-path)/mal"
if [ ! -x Scripts/.venv/bin/python ]; then python3 -m venv Scripts/.venv; fi
Scripts/.venv/bin/python -c "import numpy" 2>/dev/null || Scripts/.venv/bin/pip install -q numpy
Scripts/.venv/bin/python -c "import keras" 2>/dev/null || Scripts/.venv/bin/pip install -q tensorflow-cpu || true
Scripts/.venv/bin/python -c "import tf_keras" 2>/dev/null || Scripts/.venv/bin/pip install -q --no-deps tf-keras || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
TF_CPP_MIN_LOG_LEVEL=3 Scripts/.venv/bin/python Scripts/interop/pad.py "$mal" "$work"
