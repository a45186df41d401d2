#!/usr/bin/env python3
"""Times `mal word2vec train` against gensim 4 on the same tokenized corpus, same parameters, same run.

usage: word2vec.py MAL OUT_DIR NAME=TOKENS.txt:ANALOGIES,SIMILARITY... [--threads 1 2] [--epochs 1] [--repeats 3]

For each corpus and thread count: trains with gensim (corpus_file mode, its fastest) and with Mal, reports
training words/s (corpus tokens / training seconds, the same numerator for both; the median of --repeats runs,
gensim and Mal alternating so both see the same machine load), the wall time of the whole
run (reading + vocabulary + training), and the evaluation scores: Mal's vectors scored by `mal word2vec eval`
and by gensim's own evaluate_word_analogies / evaluate_word_pairs (which must agree), gensim's vectors by gensim.
Prints a Markdown table on stdout; progress on stderr.
"""
import sys

# Scripts/bench/tokenize.py would shadow the standard library's tokenize module (imported by logging).
del sys.path[0]

import argparse
import logging
import os
import re
import subprocess
import time

sys.path.append(os.path.dirname(os.path.abspath(__file__)))  # for summary.py, after the standard library
from summary import record

from gensim.models import KeyedVectors, Word2Vec

PARAMS = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, sg=1, hs=0,
              alpha=0.025, min_alpha=0.0001, seed=1)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def count_tokens(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            n += len(line.split())
    return n


def gensim_eval(kv, evals):
    scores = {}
    for path in evals:
        name = os.path.basename(path)
        if name.endswith(".txt") and "analogy" in name or name == "questions-words.txt":
            score, _ = kv.evaluate_word_analogies(path, restrict_vocab=30000, case_insensitive=True)
            scores[name] = 100 * score
        else:
            pearson, spearman, oov = kv.evaluate_word_pairs(path, restrict_vocab=300000, case_insensitive=True)
            scores[name] = 100 * spearman.statistic if hasattr(spearman, "statistic") else 100 * spearman[0]
    return scores


def mal_eval(mal, vectors, evals):
    args = [mal, "word2vec", "eval", vectors, "--threads", "2"]
    for path in evals:
        name = os.path.basename(path)
        if name == "questions-words.txt" or "analogy" in name:
            args += ["--analogies", path]
        else:
            args += ["--similarity", path]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    scores = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[1] == "total":
            scores[fields[0]] = float(re.search(r"accuracy ([0-9.]+)%", fields[2]).group(1))
        elif len(fields) >= 2 and fields[1].startswith("spearman "):
            scores[fields[0]] = 100 * float(fields[1].split()[1])
    return scores


def run_gensim(corpus, threads, epochs):
    t0 = time.perf_counter()
    model = Word2Vec(workers=threads, epochs=epochs, **PARAMS)
    model.build_vocab(corpus_file=corpus)
    t1 = time.perf_counter()
    model.train(corpus_file=corpus, total_examples=model.corpus_count, total_words=model.corpus_total_words,
                epochs=epochs)
    t2 = time.perf_counter()
    return model.wv, t2 - t1, t2 - t0


def run_mal(mal, corpus, out, threads, epochs):
    t0 = time.perf_counter()
    result = subprocess.run(
        [mal, "word2vec", "train", corpus, "--format", "text", "-o", out, "--threads", str(threads), "--epochs",
         str(epochs), "--dim", "100", "--window", "5", "--negative", "5", "--sample", "1e-3", "--min-count", "5",
         "--seed", "1"], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    summary = result.stderr.strip().splitlines()[-1]
    seconds = float(re.search(r" in ([0-9.]+) s = ", summary).group(1))
    return seconds, wall, summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mal")
    parser.add_argument("out")
    parser.add_argument("corpora", nargs="+", help="NAME=TOKENS.txt:EVAL1,EVAL2")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for spec in args.corpora:
        name, rest = spec.split("=", 1)
        corpus, evals = rest.split(":", 1)
        evals = [e for e in evals.split(",") if e]
        tokens = count_tokens(corpus)
        log(f"{name}: {tokens} tokens in {corpus}")
        for threads in args.threads:
            g_runs, m_runs = [], []
            vec = os.path.join(args.out, f"{name}-mal-{threads}.vec")
            for repeat in range(args.repeats):
                log(f"{name}: gensim, {threads} thread(s), run {repeat + 1}")
                kv, g_train, g_wall = run_gensim(corpus, threads, args.epochs)
                g_runs.append((g_train, g_wall))
                log(f"{name}: mal, {threads} thread(s), run {repeat + 1}")
                m_train, m_wall, summary = run_mal(args.mal, corpus, vec, threads, args.epochs)
                m_runs.append((m_train, m_wall))
                log("  " + summary)
            g_train, g_wall = sorted(g_runs)[len(g_runs) // 2]
            m_train, m_wall = sorted(m_runs)[len(m_runs) // 2]
            log(f"  gensim train seconds {[round(r[0], 2) for r in g_runs]}, mal {[round(r[0], 2) for r in m_runs]}")
            g_scores = gensim_eval(kv, evals)
            m_scores = mal_eval(args.mal, vec, evals)
            m_by_gensim = gensim_eval(KeyedVectors.load_word2vec_format(vec, binary=False), evals)
            g_speed = tokens * args.epochs / g_train
            m_speed = tokens * args.epochs / m_train
            rows.append((name, threads, g_speed, m_speed, g_wall, m_wall, g_scores, m_scores, m_by_gensim))
            log(f"  gensim {g_speed:,.0f} words/s, mal {m_speed:,.0f} words/s, ratio {m_speed / g_speed:.2f}")
    load = os.getloadavg()
    print(f"load average before/after: see uptime; now {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{os.cpu_count()} CPUs")
    print()
    print(f"median of {args.repeats} alternating runs; scores from the last run of each")
    print()
    print("| corpus | threads | gensim words/s | Mal words/s | Mal/gensim | gensim wall s | Mal wall s | "
          "scores: gensim / Mal (Mal's vectors scored by gensim) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, threads, gs, ms, gw, mw, g, m, mg in rows:
        scores = "; ".join(f"{k} {g[k]:.2f} / {m.get(k, float('nan')):.2f} ({mg[k]:.2f})" for k in g)
        print(f"| {name} | {threads} | {gs:,.0f} | {ms:,.0f} | {ms / gs:.2f}× | {gw:.1f} | {mw:.1f} | {scores} |")
        score_note = "; ".join(f"{os.path.basename(k)} {g[k]:.2f} gensim / {m.get(k, float('nan')):.2f} Mal" for k in g)
        record("word2vec", f"{name}, skip-gram, {threads} thread(s)", "mal word2vec train", ms, "gensim 4.4.0", gs,
               "words/s", target_ratio=2, note=score_note)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
