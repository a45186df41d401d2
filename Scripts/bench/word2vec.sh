#!/usr/bin/env bash
# mal word2vec train against gensim 4.4.0: same tokenized corpus, same parameters, same run.
#   Scripts/bench.sh word2vec [en|ko|all] [THREADS...]     (default: all 1 2; REPEATS=N runs, default 3)
# English: ../shared/corpora/imdb/unlabeled.txt scored on questions-words, wordsim353, simlex999.
# Korean: ../shared/corpora/nsmc/reviews_unlabeled.txt scored on kor_analogy, ws353_korean.
# Both tokenized with `mal tokenize --lower`; dim 100, window 5, negative 5, sample 1e-3, min-count 5, 1 epoch.
# gensim goes into a git-ignored venv (Scripts/.venv); tokenized corpora and vectors into out/bench-word2vec.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
eval_sets="$corpora/eval"
which="${1:-all}"
shift || true
threads=("$@")
[ ${#threads[@]} -eq 0 ] && threads=(1 2)
out=out/bench-word2vec
mkdir -p "$out"

release_mal
need_python "import gensim, scipy" gensim==4.4.0

specs=()
if [ "$which" = en ] || [ "$which" = all ]; then
  [ -s "$out/en.txt" ] || "$mal" tokenize --lower < "$corpora/imdb/unlabeled.txt" > "$out/en.txt"
  specs+=("imdb=$out/en.txt:$eval_sets/questions-words.txt,$eval_sets/wordsim353.tsv,$eval_sets/simlex999.txt")
fi
if [ "$which" = ko ] || [ "$which" = all ]; then
  [ -s "$out/ko.txt" ] || "$mal" tokenize --lower < "$corpora/nsmc/reviews_unlabeled.txt" > "$out/ko.txt"
  specs+=("nsmc=$out/ko.txt:$eval_sets/kor_analogy.txt,$eval_sets/ws353_korean.tsv")
fi
if [ ${#specs[@]} -eq 0 ]; then
  echo "usage: Scripts/bench.sh word2vec [en|ko|all] [THREADS...]" >&2
  exit 64
fi
echo "machine: $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# One BLAS thread for the harness: gensim's scoring runs numpy, whose OpenBLAS threads spin for a while after each
# product and took a core from the 2-thread Mal runs that followed (their times doubled). Training is unaffected:
# gensim trains in its own threads, and mal word2vec uses no BLAS.
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
  "$py" Scripts/bench/word2vec.py "$mal" "$out" "${specs[@]}" --threads "${threads[@]}" --repeats "${REPEATS:-3}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
