#!/usr/bin/env bash
# Seed experiment 4: NSMC Korean movie-review sentiment, Mal beside Keras on the same padded rows.
#
#   examples/nsmc.sh        # EPOCHS=2, SEEDS="1 2"; VARIANTS and KERAS_VARIANTS="whitespace particles split"
#
# Embedding(20000, 128, mask_zero=True) -> Bidirectional(LSTM(64)) -> Dense(1, sigmoid), Adam 0.001,
# batch 64, maxlen 40 (pre-padding, pre-truncating: pad_sequences' defaults), vocabulary of the 20,000
# most frequent training tokens ([PAD] = 0 and [UNK] = 1 included), for two tokenizations of the same
# reviews:
#   - whitespace: mal tokenize --mode whitespace (what Python's str.split gives);
#   - particles:  mal tokenize --split-particles --repeat 2 (script-aware segmentation, particles split
#                 off, runs such as ㅋㅋㅋㅋ shortened to 2);
#   - split:      the same tokens, and mal vocab --split-unknown (a token outside the 20,000 becomes the
#                 longest vocabulary tokens it starts with, instead of [UNK]).
# Data: ../shared/corpora/nsmc, all 150,000 training and 50,000 test reviews. 2 epochs, as in
# docs/tokenizer.md's comparison (one Keras run takes 2-3 minutes here, one Mal run about 1).
# VARIANTS picks the variants to run (default all three); KERAS_VARIANTS those Keras also runs.
source "$(dirname "$0")/lib.sh"
SEEDS="${SEEDS:-1 2}"
EPOCHS="${EPOCHS:-2}"
VARIANTS="${VARIANTS:-whitespace particles split}"
KERAS_VARIANTS="${KERAS_VARIANTS:-whitespace particles split}"
data="$CORPORA/nsmc"
dir="$OUT/nsmc"
mkdir -p "$dir"

say "preparing the rows once, with Mal's pipeline"
declare -A tokenize=([whitespace]="--mode whitespace" [particles]="--split-particles --repeat 2" [split]="--split-particles --repeat 2")
declare -A vocabulary=([whitespace]="" [particles]="" [split]="--split-unknown")
declare -A variant_label=([whitespace]="tokenize --mode whitespace" [particles]="tokenize --split-particles --repeat 2" [split]="tokenize --split-particles --repeat 2, vocab --split-unknown")
for variant in $VARIANTS; do
  read -r -a options <<< "${tokenize[$variant]}"
  read -r -a vocab_options <<< "${vocabulary[$variant]}"
  "$MAL" tokenize "${options[@]}" "$data/ratings_train.txt" \
    | "$MAL" vocab --save "$dir/vocab-$variant.txt" --max-size 20000 ${vocab_options[@]+"${vocab_options[@]}"} \
    | "$MAL" pad --maxlen 40 > "$dir/train-$variant.tsv"
  "$MAL" tokenize "${options[@]}" "$data/ratings_test.txt" \
    | "$MAL" vocab --load "$dir/vocab-$variant.txt" ${vocab_options[@]+"${vocab_options[@]}"} \
    | "$MAL" pad --maxlen 40 > "$dir/test-$variant.tsv"
done

start_experiment nsmc
model=(--arch bilstm --units 64 --embedding-dim 128 --vocab-size 20000 --mask-zero --epochs "$EPOCHS" --batch-size 64 --optimizer adam)
for variant in $VARIANTS; do
  skip=1
  [[ " $KERAS_VARIANTS " == *" $variant "* ]] && skip=0
  SKIP_KERAS=$skip run_pair "nsmc BiLSTM(64), ${variant_label[$variant]}" \
    "$dir/train-$variant.tsv" "$dir/test-$variant.tsv" "${model[@]}"
done
finish_experiment
