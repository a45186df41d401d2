#!/usr/bin/env bash
# mal vocab --subword (BPE, WordPiece) beside HF tokenizers' BpeTrainer and WordPieceTrainer (release build).
#   Scripts/bench.sh subword [SIZE…]
# Tokenizes NSMC reviews_unlabeled.txt and IMDB unlabeled.txt ($MAL_CORPORA, default ../shared/corpora) with
# mal tokenize once; both tools then train on the same tokenized file at one thread (RAYON_NUM_THREADS=1) to
# 16,000 and 32,000 pieces (or the SIZEs given), and apply the result to the same file. Checks that Mal's BPE
# vocabulary and merges equal HF's. BENCH_RUNS (default 3) timed runs each, after a warm-up (BENCH_WARMUP=0: none).
# tokenizers goes into the git-ignored venv Scripts/.venv.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import tokenizers" tokenizers
work_dir
"$mal" tokenize "$corpora/nsmc/reviews_unlabeled.txt" > "$work/nsmc.tok"
"$mal" tokenize "$corpora/imdb/unlabeled.txt" > "$work/imdb.tok"
"$py" Scripts/bench/subword.py "$mal" "$work" "${@:-16000 32000}"
