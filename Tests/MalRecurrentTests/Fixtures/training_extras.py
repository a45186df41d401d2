"""Keras reference values for LearningRateSchedule, AdamW and label smoothing (Tests/MalRecurrentTests/TrainingExtrasTests).

Run from the repository root with the venv that Scripts/lib/reference.sh makes (tensorflow-cpu, keras 3):
    Scripts/.venv/bin/python Tests/MalRecurrentTests/Fixtures/training_extras.py > Tests/MalRecurrentTests/Fixtures/training-extras.json
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402


def floats(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


out = {"keras": keras.__version__, "schedules": [], "adamw": [], "smoothing": []}

steps = list(range(0, 121, 7)) + [119, 120, 150]
cosine = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=100, alpha=0.0, warmup_target=0.002, warmup_steps=20)
out["schedules"].append({"name": "cosine, warm-up 20, decay 100, peak 0.002", "decay": "cosine", "peak": 0.002,
                         "warmup": 20, "total": 120, "steps": steps,
                         "rates": floats([cosine(s) for s in steps])})
plain = keras.optimizers.schedules.CosineDecay(0.01, decay_steps=50, alpha=0.1)
out["schedules"].append({"name": "cosine to alpha 0.1, decay 50, peak 0.01", "decay": "cosine", "peak": 0.01,
                         "warmup": 0, "total": 50, "floor": 0.1, "steps": steps,
                         "rates": floats([plain(s) for s in steps])})
linear = keras.optimizers.schedules.PolynomialDecay(0.003, decay_steps=80, end_learning_rate=0.0, power=1.0)
out["schedules"].append({"name": "linear to 0, decay 80, peak 0.003", "decay": "linear", "peak": 0.003,
                         "warmup": 0, "total": 80, "steps": steps,
                         "rates": floats([linear(s) for s in steps])})

rng = np.random.default_rng(3)
weights = rng.normal(size=(3, 5)).astype(np.float32)
gradients = [rng.normal(size=(3, 5)).astype(np.float32) for _ in range(4)]
for decay, lr in [(0.004, 0.01), (0.1, 0.001)]:
    variable = keras.Variable(weights)
    optimizer = keras.optimizers.AdamW(learning_rate=lr, weight_decay=decay)
    for g in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g), variable)])
    out["adamw"].append({"name": f"AdamW lr {lr} weight_decay {decay}, 4 steps", "learning_rate": lr,
                         "weight_decay": decay, "shape": [3, 5], "weights": floats(weights),
                         "gradients": [floats(g) for g in gradients], "result": floats(variable.numpy())})

probabilities = np.array([[0.9], [0.2], [0.6], [0.01]], dtype=np.float32)
labels = np.array([[1], [0], [0], [1]], dtype=np.float32)
bce = keras.losses.BinaryCrossentropy(label_smoothing=0.1)
out["smoothing"].append({"name": "binary, label_smoothing 0.1", "classes": 2, "smoothing": 0.1,
                         "labels": floats(labels), "probabilities": floats(probabilities),
                         "loss": float(bce(labels, probabilities))})
softmax = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]], dtype=np.float32)
sparse = np.array([0, 1, 2])
cce = keras.losses.CategoricalCrossentropy(label_smoothing=0.2)
out["smoothing"].append({"name": "three classes, label_smoothing 0.2", "classes": 3, "smoothing": 0.2,
                         "labels": floats(sparse), "probabilities": floats(softmax),
                         "loss": float(cce(keras.utils.to_categorical(sparse, 3), softmax))})

out["class_weight"] = []
labels = np.array([0, 2, 1, 0, 0])
probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.3, 0.3, 0.4], [0.8, 0.1, 0.1]],
                         dtype=np.float32)
counts = np.bincount(labels, minlength=3)
balanced = len(labels) / (3 * counts)
scce = keras.losses.SparseCategoricalCrossentropy()
out["class_weight"].append({"name": "balanced, three classes", "classes": 3, "labels": floats(labels),
                            "probabilities": floats(probabilities), "weights": floats(balanced),
                            "loss": float(scce(labels, probabilities, sample_weight=balanced[labels]))})

print(json.dumps(out, indent=1))
