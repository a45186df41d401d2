#!/usr/bin/env python3
"""Linear models over TF-IDF bags (scikit-learn), a reference for what Mal's Reuters and NSMC models miss.

  examples/linear-reference.sh [reuters] [nsmc]        (creates the venv, then runs this)
  linear_reference.py CORPORA reuters|nsmc

reuters: R52 train.tsv/test.tsv (id, text, topic); scikit-learn's own tokens (lower-cased words of 2+ word
characters), every word of the training stories. Prints test accuracy of
  - LinearSVC (squared hinge, one class against the rest, L2 penalty) over TF-IDF, L2-normalized, C = 1, 5, 20;
  - the same over term frequencies without IDF (C = 5), and over TF-IDF L1-normalized (C = 200);
  - LogisticRegression (softmax) over TF-IDF, C = 100: the loss Mal trains with;
  - the model Mal would need, trained as Mal trains: Dense over the TF-IDF bag, squared hinge one against the
    rest, an L2 penalty 1e-4 on the weights, Adam (lr 0.01, batch 32, 40 epochs, numpy), at epochs 20 and 40.
nsmc: ratings_train/test.txt; LinearSVC over character 1-3-grams within words plus word 1-2-grams (TF-IDF,
sublinear tf, min df 2), C = 0.1.
"""
import csv
import sys
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from scipy.sparse import hstack


def rows(path, text, label):
    with open(path, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    head = table[0]
    t, l = head.index(text), head.index(label)
    return [r[t] for r in table[1:]], [r[l] for r in table[1:]]


def accuracy(predicted, expected):
    return round(float(np.mean(np.asarray(predicted) == np.asarray(expected))), 4)


def adam_squared_hinge(train, labels, test, expected, epochs=40, lr=0.01, batch=32, l2=1e-4, seed=1):
    classes = sorted(set(labels))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in labels])
    truth = np.array([index.get(c, -1) for c in expected])
    rng = np.random.default_rng(seed)
    w = np.zeros((train.shape[1], len(classes)), np.float32)
    b = np.zeros(len(classes), np.float32)
    params = [w, b]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    step = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(train.shape[0])
        for start in range(0, len(order), batch):
            j = order[start:start + batch]
            x = train[j]
            signs = -np.ones((len(j), len(classes)), np.float32)
            signs[np.arange(len(j)), y[j]] = 1
            margin = np.maximum(1 - signs * (x @ w + b), 0)
            g = -2 * signs * margin / len(j)
            grads = [np.asarray(x.T @ g) + l2 * w, g.sum(0)]
            step += 1
            for p, gp, mp, vp in zip(params, grads, m, v):
                mp *= 0.9
                mp += 0.1 * gp
                vp *= 0.999
                vp += 0.001 * gp * gp
                p -= lr * (mp / (1 - 0.9 ** step)) / (np.sqrt(vp / (1 - 0.999 ** step)) + 1e-7)
        if epoch in (20, 40):
            print(f"  Adam, squared hinge, L2 {l2}, epoch {epoch}: {accuracy(np.asarray(test @ w + b).argmax(1), truth)}",
                  flush=True)


def reuters(corpora):
    x, y = rows(f"{corpora}/reuters/train.tsv", "text", "topic")
    xt, yt = rows(f"{corpora}/reuters/test.tsv", "text", "topic")
    print(f"reuters: {len(x)} training stories, {len(xt)} test stories", flush=True)
    tfidf = TfidfVectorizer()
    a, at = tfidf.fit_transform(x), tfidf.transform(xt)
    for c in (1, 5, 20):
        print(f"  LinearSVC, TF-IDF L2, C {c}: {accuracy(LinearSVC(C=c).fit(a, y).predict(at), yt)}", flush=True)
    tf = TfidfVectorizer(use_idf=False)
    b, bt = tf.fit_transform(x), tf.transform(xt)
    print(f"  LinearSVC, TF L2 (no IDF), C 5: {accuracy(LinearSVC(C=5).fit(b, y).predict(bt), yt)}", flush=True)
    l1 = TfidfVectorizer(norm="l1")
    d, dt = l1.fit_transform(x), l1.transform(xt)
    print(f"  LinearSVC, TF-IDF L1, C 200: {accuracy(LinearSVC(C=200).fit(d, y).predict(dt), yt)}", flush=True)
    softmax = LogisticRegression(C=100, max_iter=3000).fit(a, y)
    print(f"  LogisticRegression (softmax), TF-IDF L2, C 100: {accuracy(softmax.predict(at), yt)}", flush=True)
    adam_squared_hinge(a.astype(np.float32), y, at.astype(np.float32), yt)


def nsmc(corpora):
    x, y = rows(f"{corpora}/nsmc/ratings_train.txt", "document", "label")
    xt, yt = rows(f"{corpora}/nsmc/ratings_test.txt", "document", "label")
    print(f"nsmc: {len(x)} training reviews, {len(xt)} test reviews", flush=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, token_pattern=r"\S+")
    a = hstack([chars.fit_transform(x), words.fit_transform(x)]).tocsr()
    at = hstack([chars.transform(xt), words.transform(xt)]).tocsr()
    svm = LinearSVC(C=0.1).fit(a, y)
    print(f"  LinearSVC, characters 1-3 + words 1-2, TF-IDF, C 0.1 ({a.shape[1]} features): "
          f"{accuracy(svm.predict(at), yt)}", flush=True)


if __name__ == "__main__":
    corpora = sys.argv[1]
    for name in sys.argv[2:] or ["reuters", "nsmc"]:
        {"reuters": reuters, "nsmc": nsmc}[name](corpora)
