#!/usr/bin/env bash
# Seed experiment 2: IMDB reviews, Mal beside Keras on the same padded rows.
#
#   examples/imdb.sh        # EPOCHS=5, SEEDS="1 2 3": each model three times per tool
#
# Three models on the last 100 tokens of each review (pad_sequences' defaults, maxlen 100):
#   - SimpleRNN(32) on one-hot rows of the 100 most frequent tokens (no Embedding; mal train --one-hot);
#   - Embedding(1000, 32) -> SimpleRNN(8)  (the original saw about +10 points over the one-hot model);
#   - Embedding(1000, 32) -> LSTM(64).
# Each ends in Dense(1, sigmoid); Adam 0.001, batch 64. Tokens: Keras's Tokenizer rules
# (mal tokenize --keras); vocabularies from the training reviews only, [PAD] = 0 and [UNK] = 1
# included in the 100 / 1000 (unknown tokens stay as [UNK], as keras.datasets.imdb's oov_char does).
# Data: ../shared/corpora/imdb, 25,000 training and 23,000 test reviews.
source "$(dirname "$0")/lib.sh"
SEEDS="${SEEDS:-1 2 3}"
EPOCHS="${EPOCHS:-5}"
data="$CORPORA/imdb"
dir="$OUT/imdb"
mkdir -p "$dir"

say "preparing the rows once, with Mal's pipeline"
for size in 100 1000; do
  "$MAL" tokenize --keras "$data/train.tsv" \
    | "$MAL" vocab --save "$dir/vocab$size.txt" --max-size "$size" \
    | "$MAL" pad --maxlen 100 > "$dir/train$size.tsv"
  "$MAL" tokenize --keras "$data/test.tsv" \
    | "$MAL" vocab --load "$dir/vocab$size.txt" \
    | "$MAL" pad --maxlen 100 > "$dir/test$size.tsv"
done

start_experiment imdb
common=(--epochs "$EPOCHS" --batch-size 64 --optimizer adam)
if "$MAL" train --help | grep -q -- '--one-hot'; then
  run_pair "imdb one-hot(100) SimpleRNN(32)" "$dir/train100.tsv" "$dir/test100.tsv" \
    --one-hot --vocab-size 100 --arch simplernn --units 32 "${common[@]}"
else
  say "this mal has no --one-hot yet: skipping the one-hot model"
fi
run_pair "imdb Embedding(1000,32) SimpleRNN(8)" "$dir/train1000.tsv" "$dir/test1000.tsv" \
  --vocab-size 1000 --embedding-dim 32 --arch simplernn --units 8 "${common[@]}"
run_pair "imdb Embedding(1000,32) LSTM(64)" "$dir/train1000.tsv" "$dir/test1000.tsv" \
  --vocab-size 1000 --embedding-dim 32 --arch lstm --units 64 "${common[@]}"
finish_experiment
