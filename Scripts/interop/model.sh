#!/usr/bin/env bash
# mal train's model files in real Keras 3: predictions, parameter counts, safetensors bytes, bad files (26 models).
# Trains 26 small models with the mal CLI (SimpleRNN, LSTM, GRU, bidirectional with every merge mode, 2 stacked
# layers, Dense layers, mask_zero on pre- and post-padded rows, 32 Reuters topics, dropout, a frozen word2vec
# embedding), opens each file with Python's safetensors, rebuilds the architecture stored in its metadata as a
# Keras 3 Sequential, assigns Mal's weights by their Keras paths, and requires Keras's predictions to equal
# `mal predict`'s (≤ 1e-5, probabilities and logits) and Keras's parameter counts (per layer, total, trainable,
# non-trainable) to equal `mal summary`'s; then checks that safetensors.numpy.save_file writes the same file and
# that truncated or foreign files make `mal predict` exit 65 with a one-line message. Prints one line per check
# and exits 1 on any failure.
#   Scripts/interop.sh model        (under a minute once the venv and the release build exist)
# Reference: Keras 3 as shipped with tensorflow-cpu (3.15.1 with TensorFlow 2.21, the versions the fixtures in
# ../shared/fixtures came from), because Mal's weight names are Keras 3's variable paths
# (sequential/lstm/lstm_cell/kernel); tf_keras 2.x names them differently and is installed only because the other
# interop scripts share the venv. The libraries go into the git-ignored Scripts/.venv; never plain `tensorflow`
# (it pulls in the GPU build). Data: Corpora/sample-ko-ids.tsv and, from ../shared/corpora (or $MAL_CORPORA), the
# first 400 NSMC reviews and the first 500 Reuters stories, through mal tokenize | mal vocab | mal pad.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import numpy, safetensors" numpy safetensors
need_python "import tensorflow, keras" tensorflow-cpu
need_python "import tf_keras" --no-deps tf-keras
work_dir
quiet_tf "$py" Scripts/interop/model.py "$mal" "$work" "$corpora"
