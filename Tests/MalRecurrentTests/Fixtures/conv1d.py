"""Keras reference outputs and gradients of Conv1D (Tests/MalRecurrentTests/Conv1DTests).

    Scripts/.venv/bin/python Tests/MalRecurrentTests/Fixtures/conv1d.py > Tests/MalRecurrentTests/Fixtures/conv1d.json
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def floats(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


rng = np.random.default_rng(11)
cases = []
for name, filters, size, strides, padding, activation, time in [
    ("valid, relu, kernel 3", 4, 3, 1, "valid", "relu", 7),
    ("same, linear, kernel 4 (even)", 5, 4, 1, "same", "linear", 6),
    ("valid, tanh, kernel 2, strides 2", 3, 2, 2, "valid", "tanh", 7),
    ("same, sigmoid, kernel 5, strides 3", 2, 5, 3, "same", "sigmoid", 8),
]:
    x = rng.normal(size=(2, time, 3)).astype(np.float32)
    layer = keras.layers.Conv1D(filters, size, strides=strides, padding=padding, activation=activation)
    layer.build((None, time, 3))
    kernel = rng.normal(scale=0.5, size=(size, 3, filters)).astype(np.float32)
    bias = rng.normal(scale=0.1, size=(filters,)).astype(np.float32)
    layer.set_weights([kernel, bias])
    xv = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = layer(xv)
        r = tf.constant(rng.normal(size=y.shape).astype(np.float32))
        loss = tf.reduce_sum(y * r)
    dx, dk, db = tape.gradient(loss, [xv, layer.kernel, layer.bias])
    cases.append({"name": name, "filters": filters, "kernel_size": size, "strides": strides, "padding": padding,
                  "activation": activation, "input_shape": list(x.shape), "input": floats(x),
                  "kernel": floats(kernel), "bias": floats(bias), "output_shape": list(y.shape),
                  "output": floats(y), "output_gradient": floats(r), "input_gradient": floats(dx),
                  "kernel_gradient": floats(dk), "bias_gradient": floats(db)})
print(json.dumps({"keras": keras.__version__, "cases": cases}, indent=1))
