#!/usr/bin/env bash
# NSMC with subword pieces instead of words: nsmc-best.sh's recipe (pretrained vectors, BiLSTM(64), early stopping)
# on the pieces of a BPE, WordPiece or Unigram vocabulary learned from all the reviews, timed, test accuracy on the 50,000
# test reviews as raw text.
#
#   examples/nsmc-subword.sh                        BPE, 32,000 pieces
#   KIND=wordpiece SIZE=16000 MAXLEN=64 examples/nsmc-subword.sh
#   TOKENIZE="--mode jamo" MAXLEN=96 examples/nsmc-subword.sh     BPE over jamo (pieces across syllables)
#   KIND=unigram JAMO=1 MAXLEN=96 examples/nsmc-subword.sh          Unigram over jamo (vocab --jamo: NFD pieces)
#   KIND=unigram SAMPLE=0.1 COPIES=1 examples/nsmc-subword.sh      + subword regularization: COPIES more cuts of the
#                                                                   training rows drawn with vocab --sample SAMPLE
#
# 1. pieces: vocab build --subword KIND --max-size SIZE on the tokenized unlabeled and training reviews;
# 2. piece vectors: word2vec (skip-gram, 128 dimensions, 5 epochs) on vocab --pieces of the same text;
# 3. tokenize --split-particles --repeat 2 | vocab --load PIECES | pad --maxlen MAXLEN | train: Embedding(SIZE,128,
#    from the vectors, mask_zero) → Bidirectional(LSTM(64)) → Dense(1, sigmoid), up to 3 epochs with early stopping
#    on the last 10% of the training rows; the model stores the subword vocabulary;
# 4. mal evaluate on ratings_test.txt as raw text.
# Corpora: $MAL_CORPORA (default ../shared/corpora); working files in $OUT (default examples/out/nsmc-KIND-SIZE).
# EPOCHS (default 3) and VECTOR_EPOCHS (5) shorten training; SEED (1) seeds word2vec, train and the sampled cuts;
# HOLDOUT=0 trains on all 150,000 training reviews for EPOCHS epochs, with none held out (no early stopping);
# MAL=path uses that binary (no build) and EVALUATE=0 skips step 4 (what nsmc-best.sh does for its members).
set -euo pipefail
cd "$(dirname "$0")/.."
corpora="${MAL_CORPORA:-../shared/corpora}"
kind="${KIND:-bpe}"
size="${SIZE:-32000}"
maxlen="${MAXLEN:-64}"
threads="${THREADS:-2}"
jamo="${JAMO:-0}"
out="${OUT:-examples/out/nsmc-$kind-$size${TOKENIZE:+-$(echo "$TOKENIZE" | tr -dc 'a-z0-9')}$([ "$jamo" = 1 ] && echo -jamo || true)${SAMPLE:+-sample$SAMPLE}}"
[ -f "$corpora/nsmc/ratings_train.txt" ] || { echo "nsmc-subword: no $corpora/nsmc (set MAL_CORPORA or run Corpora/fetch.sh)" >&2; exit 1; }
if [ -z "${MAL:-}" ]; then
  swift build -c release --product mal 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
  mal="$(swift build -c release --show-bin-path)/mal"
else
  mal="$MAL"  # nsmc-best.sh gives its binary
fi
mkdir -p "$out"
read -r -a tok <<< "${TOKENIZE:---split-particles --repeat 2}"
now() { date +%s.%N; }
start=$(now)
# 1.–2. Pieces and their vectors, from every review but the test ones.
cat "$corpora/nsmc/reviews_unlabeled.txt" <(tail -n +2 "$corpora/nsmc/ratings_train.txt" | cut -f2) \
  | "$mal" tokenize "${tok[@]}" > "$out/tokens.txt"
jamo_flag=()
[ "$jamo" = 1 ] && jamo_flag=(--jamo)
"$mal" vocab build --subword "$kind" "${jamo_flag[@]}" --max-size "$size" --save "$out/pieces.json" < "$out/tokens.txt"
pieces=$(now)
"$mal" vocab --load "$out/pieces.json" --pieces < "$out/tokens.txt" \
  | "$mal" word2vec train -o "$out/pieces.vec" --dim 128 --epochs "${VECTOR_EPOCHS:-5}" --min-count 3 --threads "$threads" \
      --seed "${SEED:-1}"
vectors=$(now)
# 3. The literal pipeline; the rows' #mal line names the pieces file, which train stores in the model.
if [ -z "${SAMPLE:-}" ]; then
  hold=(--validation-split 0.1 --early-stopping 1)
  [ "${HOLDOUT:-1}" = 0 ] && hold=()
  "$mal" tokenize "${tok[@]}" < "$corpora/nsmc/ratings_train.txt" \
    | "$mal" vocab --load "$out/pieces.json" \
    | "$mal" pad --maxlen "$maxlen" \
    | "$mal" train -o "$out/nsmc.safetensors" \
        --embedding "$out/pieces.vec" --mask-zero --epochs "${EPOCHS:-3}" ${hold[@]+"${hold[@]}"} \
        --threads "$threads" --seed "${SEED:-1}"
else
  # Subword regularization (Unigram): the first 135,000 training reviews cut the best way plus COPIES more times at
  # random (vocab --sample SAMPLE --seed k); the last 15,000, cut the best way, are the validation rows.
  # (HOLDOUT=0: all 150,000 cut both ways, none held out.)
  "$mal" tokenize "${tok[@]}" < "$corpora/nsmc/ratings_train.txt" > "$out/train.tok"
  if [ "${HOLDOUT:-1}" = 0 ]; then
    cp "$out/train.tok" "$out/fit.tok"
  else
    sed -n '1,135002p' "$out/train.tok" > "$out/fit.tok"  # the #mal line, the header, 135,000 rows
    { sed -n '1,2p' "$out/train.tok"; tail -n 15000 "$out/train.tok"; } > "$out/held.tok"
  fi
  {
    "$mal" vocab --load "$out/pieces.json" < "$out/fit.tok"
    for k in $(seq "${COPIES:-1}"); do
      "$mal" vocab --load "$out/pieces.json" --sample "$SAMPLE" --seed "$(( (${SEED:-1} - 1) * 1000 + k ))" < "$out/fit.tok" \
        | tail -n +3
    done
  } | "$mal" pad --maxlen "$maxlen" > "$out/fit.pad"
  hold=()
  if [ "${HOLDOUT:-1}" != 0 ]; then
    "$mal" vocab --load "$out/pieces.json" < "$out/held.tok" | "$mal" pad --maxlen "$maxlen" > "$out/held.pad"
    hold=(--validation "$out/held.pad" --early-stopping 1)
  fi
  "$mal" train -o "$out/nsmc.safetensors" --embedding "$out/pieces.vec" --mask-zero --epochs "${EPOCHS:-3}" \
    ${hold[@]+"${hold[@]}"} --threads "$threads" --seed "${SEED:-1}" < "$out/fit.pad"
fi
trained=$(now)
# 4. Raw test reviews in (EVALUATE=0 skips it: nsmc-best.sh scores the ensemble instead).
if [ "${EVALUATE:-1}" = 1 ]; then
  "$mal" evaluate "$out/nsmc.safetensors" "$corpora/nsmc/ratings_test.txt" | tee "$out/evaluation.txt"
fi
printf 'nsmc-subword %s%s %s maxlen %s, tokenize %s: pieces %.0f s + vectors %.0f s + training %.0f s = %.0f s; load %s\n' \
  "$kind" "$([ "$jamo" = 1 ] && echo ' --jamo')" "$size" "$maxlen" "${tok[*]}" "$(echo "$pieces - $start" | bc)" "$(echo "$vectors - $pieces" | bc)" \
  "$(echo "$trained - $vectors" | bc)" "$(echo "$trained - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
