#!/usr/bin/env bash
# NSMC (Korean movie reviews): Mal's best pipeline, end to end, timed — raw text in, one model file that takes raw
# text out, test accuracy on the 50,000 test reviews.
#
#   examples/nsmc-best.sh                                   (583-631 s on 2 cores: 0.8919-0.8924 over 3 seeds; docs/experiments.md)
#   HOLDOUT=1 examples/nsmc-best.sh                         the members hold out 15,000 reviews for early stopping (0.8893-0.8904)
#   MEMBERS="bpe:16000 bpe:32000:modejamo unigram:32000:sample" examples/nsmc-best.sh   subword pieces only (458 s)
#   MEMBERS=words examples/nsmc-best.sh                     one model: the word-level recipe alone (about 3 minutes)
#
# An ensemble of models that read the reviews in different units: BiLSTMs, each with vectors pretrained by mal
# word2vec on the unlabeled and training reviews (ratings_test's reviews are not in reviews_unlabeled.txt), and bags
# of embeddings over n-grams:
#   words          tokenize --split-particles --repeat 2 | vocab --max-size 40000 --split-unknown | pad --maxlen 48,
#                  128-d word vectors;
#   KIND:SIZE[:jamo|:modejamo|:sample]   examples/nsmc-subword.sh's pieces: a BPE, WordPiece or Unigram vocabulary of
#                  SIZE pieces (jamo: vocab --jamo, NFD pieces; modejamo: tokenize --mode jamo, pieces across
#                  syllables; sample: Unigram + one more cut of the training rows drawn with vocab --sample 0.1),
#                  128-d piece vectors, VECTOR_EPOCHS (2) epochs;
# each Embedding(·,128, from the vectors, mask_zero) → Bidirectional(LSTM(64)) → Dense(1, sigmoid), Adam 0.001,
# batch 64, EPOCHS (2) epochs (a sampled member half as many: it sees each review twice an epoch);
#   chars:N        a bag of embeddings over character n-grams up to N (tokenize --mode char --marker ▁ --repeat 2
#                  --ngrams N | vocab --min-count 3 | pad --maxlen 100N --truncating post):
#                  Embedding(·,64,mask_zero) → GlobalAveragePooling1D → Dense(1, sigmoid), fastText's model on
#                  characters, Adam 0.005, batch 128, 2 epochs;
#   ngrams:N       the same over words and word n-grams (tokenize --split-particles --repeat 2 --ngrams N, maxlen 50N);
# every member on all 150,000 training reviews, for the epochs early stopping kept when the last 15,000 were held out
# (docs/experiments.md: words and pieces EPOCHS, a sampled member half as many, a bag 1). Then mal ensemble joins
# them (equal weights) into $OUT/nsmc.safetensors, and mal evaluate scores it on ratings_test.txt as raw text.
# HOLDOUT=1 holds the last 15,000 training reviews out instead: each member stops early on them (a bag after up to 2
# epochs), and the ensemble is scored on them too (the dev score examples/quality.sh reads).
#
# JOBS members train at once (default 1), each on THREADS/JOBS threads (THREADS default 2). Two one-thread runs at
# once did only ~1.1× the work of one two-thread run here (word2vec: none), and the last member ran alone on one
# thread, so one at a time is the default.
# SEED (default 1) seeds every member's word2vec, training and sampled cuts.
# Corpora: $MAL_CORPORA (default ../shared/corpora); working files in $OUT (default examples/out/nsmc-best), one
# folder per member.
set -euo pipefail
cd "$(dirname "$0")/.."
corpora="${MAL_CORPORA:-../shared/corpora}"
out="${OUT:-examples/out/nsmc-best}"
threads="${THREADS:-2}"
jobs="${JOBS:-1}"
epochs="${EPOCHS:-2}"
vector_epochs="${VECTOR_EPOCHS:-2}"
seed="${SEED:-1}"
members="${MEMBERS:-words unigram:32000:sample bpe:32000:modejamo chars:3}"
[ -f "$corpora/nsmc/ratings_train.txt" ] || { echo "nsmc-best: no $corpora/nsmc (set MAL_CORPORA or run Corpora/fetch.sh)" >&2; exit 1; }
swift build -c release --product mal 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
mal="$(swift build -c release --show-bin-path)/mal"
read -r -a names <<< "$members"
[ "${#names[@]}" -lt "$jobs" ] && jobs=${#names[@]}
member_threads=$(( threads / jobs > 0 ? threads / jobs : 1 ))
mkdir -p "$out"
now() { date +%s.%N; }
start=$(now)
holdout="${HOLDOUT:-0}"
# The flags that hold out the last 15,000 training reviews for early stopping (none with HOLDOUT=0).
hold=(--validation-split 0.1 --early-stopping 1)
[ "$holdout" = 0 ] && hold=()

# The word-level member: word vectors, then the literal pipeline (the rows' #mal line tells train the tokenizer,
# the vocabulary and the padding, which it stores in the model).
words() {
  local dir="$1" tok=(--split-particles --repeat 2)
  cat "$corpora/nsmc/reviews_unlabeled.txt" <(tail -n +2 "$corpora/nsmc/ratings_train.txt" | cut -f2) \
    | "$mal" tokenize "${tok[@]}" \
    | "$mal" word2vec train -o "$dir/ko.vec" --dim 128 --epochs 5 --min-count 3 --threads "$member_threads" \
        --seed "$seed"
  "$mal" tokenize "${tok[@]}" < "$corpora/nsmc/ratings_train.txt" \
    | "$mal" vocab --save "$dir/vocab.txt" --max-size 40000 --split-unknown \
    | "$mal" pad --maxlen 48 \
    | "$mal" train -o "$dir/nsmc.safetensors" \
        --embedding "$dir/ko.vec" --mask-zero --epochs "$epochs" ${hold[@]+"${hold[@]}"} \
        --threads "$member_threads" --seed "$seed" --plot "$dir/curves.svg"
}

# A bag of embeddings over n-grams up to N (tokenize --ngrams N; fastText's model): of words (ngrams:N) or of
# characters with a mark at each word's start (chars:N). No vectors; 2 epochs, early stopping keeps the better.
ngrams() {
  local dir="$1" n="$2" maxlen="$3" tok=("${@:4}")
  "$mal" tokenize "${tok[@]}" --ngrams "$n" < "$corpora/nsmc/ratings_train.txt" \
    | "$mal" vocab --save "$dir/vocab.txt" --min-count 3 \
    | "$mal" pad --maxlen "$maxlen" --truncating post > "$dir/rows.tsv"
  "$mal" train -o "$dir/nsmc.safetensors" < "$dir/rows.tsv" \
    --model "Embedding($(wc -l < "$dir/vocab.txt"),64,mask_zero) GlobalAveragePooling1D" --lr 0.005 \
    --batch-size 128 --epochs $([ "$holdout" = 0 ] && echo 1 || echo 2) ${hold[@]+"${hold[@]}"} \
    --threads "$member_threads" --seed "$seed"
  rm -f "$dir/rows.tsv"
}

# A member of subword pieces, by examples/nsmc-subword.sh.
pieces() {
  local dir="$1" spec="$2" kind size variant env=()
  IFS=: read -r kind size variant <<< "$spec"
  case "$variant" in
    "") env=(MAXLEN=64) ;;
    jamo) env=(JAMO=1 MAXLEN=96) ;;
    modejamo) env=(TOKENIZE="--mode jamo" MAXLEN=96) ;;
    # Each epoch of a sampled member passes over every review twice (best cut and a sampled one): half the epochs.
    sample) env=(SAMPLE=0.1 COPIES=1 MAXLEN=64 EPOCHS=$(( (epochs + 1) / 2 ))) ;;
    *) echo "nsmc-best: member '$spec': the variant must be jamo, modejamo or sample" >&2; return 64 ;;
  esac
  env EPOCHS="$epochs" "${env[@]}" KIND="$kind" SIZE="$size" OUT="$dir" THREADS="$member_threads" MAL="$mal" \
    VECTOR_EPOCHS="$vector_epochs" SEED="$seed" HOLDOUT="$holdout" \
    EVALUATE=0 MAL_CORPORA="$corpora" examples/nsmc-subword.sh
}

member() {
  local spec="$1" dir="$out/${1//:/-}" began
  mkdir -p "$dir"
  began=$(now)
  case "$spec" in
    words) words "$dir" ;;
    # maxlen: 50 tokens (99% of the reviews) or 100 characters, times N
    ngrams:*) ngrams "$dir" "${spec#ngrams:}" $(( 50 * ${spec#ngrams:} )) --split-particles --repeat 2 ;;
    chars:*) ngrams "$dir" "${spec#chars:}" $(( 100 * ${spec#chars:} )) --mode char --marker ▁ --repeat 2 ;;
    *) pieces "$dir" "$spec" ;;
  esac > "$dir/log.txt" 2>&1
  printf 'nsmc-best: member %s trained in %.0f s\n' "$spec" "$(echo "$(now) - $began" | bc)" >&2
}

# Members, JOBS at a time; any member that fails stops the run.
running=0
models=()
for spec in "${names[@]}"; do
  if [ "$running" -ge "$jobs" ]; then wait -n || { echo "nsmc-best: a member failed (see $out/*/log.txt)" >&2; exit 1; }; running=$((running - 1)); fi
  member "$spec" &
  running=$((running + 1))
  models+=("$out/${spec//:/-}/nsmc.safetensors")
done
while [ "$running" -gt 0 ]; do
  wait -n || { echo "nsmc-best: a member failed (see $out/*/log.txt)" >&2; exit 1; }
  running=$((running - 1))
done
trained=$(now)
if [ "${#models[@]}" -gt 1 ]; then
  "$mal" ensemble "${models[@]}" -o "$out/nsmc.safetensors"
else
  cp "${models[0]}" "$out/nsmc.safetensors"
fi
# The held-out training reviews (every member's validation rows), then the test reviews, as raw text.
if [ "$holdout" != 0 ]; then
  { head -1 "$corpora/nsmc/ratings_train.txt"; tail -n 15000 "$corpora/nsmc/ratings_train.txt"; } > "$out/held.txt"
  "$mal" evaluate "$out/nsmc.safetensors" "$out/held.txt" | head -1 | sed 's/^/held-out training reviews: /'
fi
"$mal" evaluate "$out/nsmc.safetensors" "$corpora/nsmc/ratings_test.txt" | tee "$out/evaluation.txt"
printf 'nsmc-best: %s: %d members, %d at a time on %d thread(s) each, trained in %.0f s; load %s\n' \
  "$members" "${#models[@]}" "$jobs" "$member_threads" "$(echo "$trained - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
