#!/usr/bin/env bash
# NSMC (Korean movie reviews): Mal's best pipeline, end to end, timed — raw text in, a model that takes raw text
# out, test accuracy on the 50,000 test reviews.
#
#   examples/nsmc-best.sh            (about 6–10 minutes on 2 cores; see docs/experiments.md)
#
# 1. word vectors: mal word2vec (skip-gram, 128 dimensions, 5 epochs) on the unlabeled reviews plus the training
#    reviews (ratings_test's reviews are not in reviews_unlabeled.txt), tokenized as the classifier's input;
# 2. tokenize --split-particles --repeat 2 | vocab --max-size 40000 --split-unknown | pad --maxlen 48;
# 3. train: Embedding(40000,128, from the vectors, mask_zero) → Bidirectional(LSTM(64)) → Dense(1, sigmoid),
#    Adam 0.001, batch 64, up to 3 epochs with early stopping on the last 10% of the training rows;
# 4. mal evaluate on ratings_test.txt as raw text.
# Corpora: $MAL_CORPORA (default ../shared/corpora); working files in $OUT (default examples/out/nsmc-best).
set -euo pipefail
cd "$(dirname "$0")/.."
corpora="${MAL_CORPORA:-../shared/corpora}"
out="${OUT:-examples/out/nsmc-best}"
threads="${THREADS:-2}"
[ -f "$corpora/nsmc/ratings_train.txt" ] || { echo "nsmc-best: no $corpora/nsmc (set MAL_CORPORA or run Corpora/fetch.sh)" >&2; exit 1; }
swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
mal="$(swift build -c release --show-bin-path)/mal"
mkdir -p "$out"
tok=(--split-particles --repeat 2)
now() { date +%s.%N; }
start=$(now)
# 1. Word vectors.
cat "$corpora/nsmc/reviews_unlabeled.txt" <(tail -n +2 "$corpora/nsmc/ratings_train.txt" | cut -f2) \
  | "$mal" tokenize "${tok[@]}" \
  | "$mal" word2vec train -o "$out/ko.vec" --dim 128 --epochs 5 --min-count 3 --threads "$threads"
vectors=$(now)
# 2.–3. The literal pipeline; the rows' #mal line tells train the tokenizer, the vocabulary and the padding, which it
# stores in the model (no flag repeated).
"$mal" tokenize "${tok[@]}" < "$corpora/nsmc/ratings_train.txt" \
  | "$mal" vocab --save "$out/vocab.txt" --max-size 40000 --split-unknown \
  | "$mal" pad --maxlen 48 \
  | "$mal" train -o "$out/nsmc.safetensors" \
      --embedding "$out/ko.vec" --mask-zero --epochs 3 --validation-split 0.1 --early-stopping 1 \
      --threads "$threads" --plot "$out/curves.svg"
trained=$(now)
# 4. Raw test reviews in.
"$mal" evaluate "$out/nsmc.safetensors" "$corpora/nsmc/ratings_test.txt" | tee "$out/evaluation.txt"
printf 'nsmc-best: word vectors %.0f s + training %.0f s = %.0f s; load %s\n' \
  "$(echo "$vectors - $start" | bc)" "$(echo "$trained - $vectors" | bc)" "$(echo "$trained - $start" | bc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
