#!/usr/bin/env bash
# mal vocab --subword (BPE, WordPiece, Unigram) beside HF tokenizers' BpeTrainer and WordPieceTrainer and
# sentencepiece's unigram trainer (release build).
#   Scripts/bench.sh subword [SIZE…]
# Tokenizes NSMC reviews_unlabeled.txt and IMDB unlabeled.txt ($MAL_CORPORA, default ../shared/corpora) with
# mal tokenize once; both tools then train on the same tokenized file at one thread (RAYON_NUM_THREADS=1; Unigram:
# UNIGRAM_THREADS, default 1, for both Mal and sentencepiece) to 16,000 and 32,000 pieces (or the SIZEs given), and
# apply the result to the same file. Checks that Mal's BPE vocabulary and merges equal HF's; for Unigram, gives
# pieces per word of both vocabularies on the test reviews (NSMC ratings_test.txt, IMDB test.tsv). BENCH_KINDS
# (default "bpe wordpiece unigram") picks the kinds; BENCH_RUNS (default 3) timed runs each, after a warm-up
# (BENCH_WARMUP=0: none; SUBWORD_RUNS overrides BENCH_RUNS for this stage alone). tokenizers and sentencepiece go
# into the git-ignored venv Scripts/.venv.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import tokenizers, sentencepiece" tokenizers sentencepiece
work_dir
"$mal" tokenize "$corpora/nsmc/reviews_unlabeled.txt" > "$work/nsmc.tok"
"$mal" tokenize "$corpora/imdb/unlabeled.txt" > "$work/imdb.tok"
"$mal" tokenize --plain "$corpora/nsmc/ratings_test.txt" | cut -f2 | tail -n +2 > "$work/nsmc-test.tok"
"$mal" tokenize --plain --column review "$corpora/imdb/test.tsv" | cut -f2 | tail -n +2 > "$work/imdb-test.tok"
"$py" Scripts/bench/subword.py "$mal" "$work" "${@:-16000 32000}"
