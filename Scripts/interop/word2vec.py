#!/usr/bin/env python3
"""Checks that gensim reads Mal's word vectors and Mal reads gensim's, Korean words included.

usage: word2vec.py MAL TOKENS.txt WORK_DIR

1. `mal word2vec train` writes .vec and .bin; gensim's KeyedVectors.load_word2vec_format loads both, with the same
   words in the same order and bit-identical float32 vectors in both.
2. gensim trains on the same tokens and saves .vec and .bin (and a fastText-style .vec with a space at the end of
   each line); `mal word2vec similar` on each gives the same neighbours and scores (±1e-4) as gensim's most_similar.
Prints one line per check; exits 1 if any fails.
"""
import os
import subprocess
import sys

del sys.path[0]  # Scripts/bench-like folders may hold modules named like the standard library's

import numpy as np
from gensim.models import KeyedVectors, Word2Vec

failures = 0


def check(ok, what):
    global failures
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1


def mal_similar(mal, path, word, top=5):
    out = subprocess.run([mal, "word2vec", "similar", path, word, "--top", str(top)], check=True,
                         capture_output=True, text=True).stdout
    return [(line.split("\t")[0], float(line.split("\t")[1])) for line in out.splitlines()]


def main():
    mal, tokens, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    vec, binary = os.path.join(work, "mal.vec"), os.path.join(work, "mal.bin")
    for path in (vec, binary):
        subprocess.run([mal, "word2vec", "train", tokens, "--min-count", "2", "--dim", "24", "--epochs", "5",
                        "--seed", "4", "--quiet", "-o", path], check=True)
    text_kv = KeyedVectors.load_word2vec_format(vec, binary=False)
    bin_kv = KeyedVectors.load_word2vec_format(binary, binary=True)
    with open(vec, encoding="utf-8") as f:
        header = f.readline().split()
        mal_words = [line.split(" ", 1)[0] for line in f]
    check(len(text_kv.index_to_key) == int(header[0]) and text_kv.vector_size == int(header[1]),
          f"gensim loads Mal's .vec: {len(text_kv.index_to_key)} words × {text_kv.vector_size}")
    check(text_kv.index_to_key == mal_words, "same words in the same order in gensim as in the file")
    check(bin_kv.index_to_key == text_kv.index_to_key, "gensim loads Mal's .bin with the same words")
    check(np.array_equal(bin_kv.vectors, text_kv.vectors), "Mal's .vec and .bin give bit-identical vectors in gensim")
    korean = [w for w in mal_words if any("\uac00" <= ch <= "\ud7a3" for ch in w)]
    check(len(korean) > 0, f"Korean words survive: {len(korean)} of {len(mal_words)}, e.g. {' '.join(korean[:5])}")
    probe = korean[0] if korean else mal_words[0]
    gensim_answer = [(w, round(s, 4)) for w, s in text_kv.most_similar(probe, topn=5)]
    mal_answer = mal_similar(mal, vec, probe)
    check([w for w, _ in mal_answer] == [w for w, _ in gensim_answer]
          and all(abs(a[1] - b[1]) < 1e-4 for a, b in zip(mal_answer, gensim_answer)),
          f"mal similar {probe} on Mal's vectors = gensim most_similar: {mal_answer[:3]}")

    sentences = [line.split() for line in open(tokens, encoding="utf-8")]
    model = Word2Vec(sentences, vector_size=24, min_count=2, epochs=5, seed=4, workers=1)
    g_vec, g_bin, g_ft = (os.path.join(work, n) for n in ("gensim.vec", "gensim.bin", "fasttext-style.vec"))
    model.wv.save_word2vec_format(g_vec, binary=False)
    model.wv.save_word2vec_format(g_bin, binary=True)
    with open(g_vec, encoding="utf-8") as f, open(g_ft, "w", encoding="utf-8") as out:
        out.write(f.readline())
        for line in f:
            out.write(line.rstrip("\n") + " \n")
    for word in [probe, model.wv.index_to_key[0], model.wv.index_to_key[10]]:
        expected = [(w, s) for w, s in model.wv.most_similar(word, topn=5)]
        for path in (g_vec, g_bin, g_ft):
            got = mal_similar(mal, path, word)
            ok = [w for w, _ in got] == [w for w, _ in expected] and all(abs(a[1] - b[1]) < 1e-4 for a, b in zip(got, expected))
            check(ok, f"mal reads gensim's {os.path.basename(path)}: similar {word} = gensim's {[(w, round(s, 4)) for w, s in expected[:2]]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
