"""Keras reference values for the pieces of a linear model over TF-IDF bags (Tests/MalRecurrentTests/LinearModelTests):
SquaredHinge, UnitNormalization, IntegerLookup(output_mode="tf_idf") after adapt (an unseen id's OOV weight too), and
the L2 kernel regularizer.

Run from the repository root with the venv that Scripts/lib/reference.sh makes (tensorflow-cpu, keras 3):
    Scripts/.venv/bin/python Tests/MalRecurrentTests/Fixtures/linear_models.py > Tests/MalRecurrentTests/Fixtures/linear-models.json
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def floats(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


out = {"keras": keras.__version__, "squared_hinge": [], "unit_normalization": [], "tf_idf": {}, "l2": {}}

rng = np.random.default_rng(7)

# SquaredHinge: per-row values (no reduction) and the gradient of the batch mean with respect to the scores.
binary_scores = np.array([[0.25], [0.5], [2.0], [-0.3], [1.0]], np.float32)
binary_targets = np.array([[1], [0], [1], [0], [0]], np.float32)
multi_scores = rng.normal(scale=1.2, size=(4, 3)).astype(np.float32)
multi_labels = np.array([2, 0, 1, 1])
multi_targets = np.eye(3, dtype=np.float32)[multi_labels]
for name, targets, scores, labels in [("binary 0/1", binary_targets, binary_scores, None),
                                      ("three classes, one-hot", multi_targets, multi_scores, multi_labels)]:
    per_row = keras.losses.SquaredHinge(reduction=None)(targets, scores)
    z = tf.Variable(scores)
    with tf.GradientTape() as tape:
        loss = keras.losses.SquaredHinge()(targets, z)
    out["squared_hinge"].append({
        "name": name, "shape": list(scores.shape), "targets": floats(targets), "scores": floats(scores),
        "labels": None if labels is None else [int(v) for v in labels],
        "per_row": floats(per_row), "gradient": floats(tape.gradient(loss, z))})

# UnitNormalization over the last axis: outputs and the gradient of Σ output · r.
x = rng.normal(size=(3, 5)).astype(np.float32)
x[1] = 0
r = rng.normal(size=(3, 5)).astype(np.float32)
layer = keras.layers.UnitNormalization()
xv = tf.Variable(x)
with tf.GradientTape() as tape:
    y = layer(xv)
    total = tf.reduce_sum(y * r)
out["unit_normalization"] = {"shape": [3, 5], "inputs": floats(x), "outputs": floats(y), "r": floats(r),
                             "gradient": floats(tape.gradient(total, xv))}

# IntegerLookup(output_mode="tf_idf") adapted on rows of ids 1…7 (0 is the mask, as Mal's padding): the idf of each
# id and the tf-idf rows, reported per id (Keras orders its columns by frequency; get_vocabulary maps them back).
rows = np.array([[0, 0, 1, 1, 2], [0, 3, 1, 4, 4], [5, 5, 5, 6, 7], [0, 0, 0, 2, 3]], np.int64)
lookup = keras.layers.IntegerLookup(output_mode="tf_idf", mask_token=0, num_oov_indices=1)
lookup.adapt(rows)
vocabulary = [int(v) if v is not None and v != "[UNK]" else -1 for v in lookup.get_vocabulary()]
encoded = np.asarray(lookup(rows))
weights = np.asarray(lookup.idf_weights)
by_id = {}
for column, token in enumerate(vocabulary):
    if token > 0:
        by_id[token] = column
out["tf_idf"] = {
    "rows": [int(v) for v in rows.ravel()], "shape": list(rows.shape), "ids": 8,
    "idf": [0.0] + [float(weights[by_id[i]]) for i in range(1, 8)],
    "outputs": [[0.0] + [float(encoded[row, by_id[i]]) for i in range(1, 8)] for row in range(rows.shape[0])],
}
# An id the adapted rows never hold (9, twice) goes to Keras's OOV column, whose idf is the mean of the others.
unseen = np.array([[9, 9, 1, 0, 0]], np.int64)
oov_column = vocabulary.index(-1)
encoded_unseen = np.asarray(lookup(unseen))
out["tf_idf"]["unseen"] = {
    "row": [int(v) for v in unseen.ravel()], "oov_idf": float(weights[oov_column]),
    "oov_value": float(encoded_unseen[0, oov_column]), "id_1_value": float(encoded_unseen[0, by_id[1]]),
}

# The L2 kernel regularizer: λ Σ w².
w = rng.normal(size=(4, 3)).astype(np.float32)
out["l2"] = {"lambda": 0.01, "kernel": floats(w), "penalty": float(keras.regularizers.L2(0.01)(w))}

print(json.dumps(out, indent=1))
