#!/usr/bin/env bash
# Interop checks for mal pad and mal encode with the real Python tools: numpy.load opens Mal's .npy files, and
# keras.utils.pad_sequences / to_categorical and tf_keras's Tokenizer.sequences_to_matrix agree with Mal's output.
# numpy, tensorflow-cpu (for Keras) and tf-keras go into a git-ignored venv (Scripts/.venv) on first use; without
# Keras the script falls back to numpy stand-ins and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Scripts/lib/reference.sh
release_mal
need_python "import numpy" numpy
need_python "import keras" tensorflow-cpu || true
need_python "import tf_keras" --no-deps tf-keras || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
TF_CPP_MIN_LOG_LEVEL=3 Scripts/.venv/bin/python Scripts/interop/pad.py "$mal" "$work"
