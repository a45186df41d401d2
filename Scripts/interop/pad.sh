#!/usr/bin/env bash
# mal pad and mal encode against numpy.load, keras pad_sequences / to_categorical and tf_keras sequences_to_matrix.
# numpy.load opens Mal's .npy files, and keras.utils.pad_sequences / to_categorical and tf_keras's
# Tokenizer.sequences_to_matrix agree with Mal's output. numpy, tensorflow-cpu (for Keras) and tf-keras go into the
# git-ignored venv Scripts/.venv on first use; without Keras the check falls back to numpy stand-ins and says so.
# Run as `Scripts/interop.sh pad`.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import numpy" numpy
need_python "import keras" tensorflow-cpu || true
need_python "import tf_keras" --no-deps tf-keras || true
work_dir
TF_CPP_MIN_LOG_LEVEL=3 "$py" Scripts/interop/pad.py "$mal" "$work"
