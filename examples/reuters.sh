#!/usr/bin/env bash
# Seed experiment 3: Reuters-21578 R52 topics (52 classes), Mal beside Keras on the same padded rows.
#
#   examples/reuters.sh     # EPOCHS=15, SEEDS="1 2": each model twice per tool
#   SEEDS="3 4" APPEND=1 PARTS=raw examples/reuters.sh   # two more seeds for the raw-id models
#
# The original fed raw word ids as one scalar feature per step (Keras input shape (49, 1)), vocabulary
# 30000, Adam 0.001, batch 50, softmax over the topics:
#   - deep LSTM, 4 stacked LSTM(20)         (original: 0.816 on Keras's 46-topic cut of Reuters)
#   - Bidirectional(LSTM(20))               (0.841)
#   - deep BiLSTM, 4 stacked BiLSTM(10)     (0.825)
# then the same three with an Embedding(30000, 64) layer instead of the raw ids.
# Here the text is ../shared/corpora/reuters (ModApte R52: 6,532 train, 2,568 test stories, 52 topic
# names), tokenized with Keras's Tokenizer rules (mal tokenize --keras); the vocabulary (24,980 tokens
# with [PAD] and [UNK], under the 30,000 cap) comes from the training stories. Rows: the first 49 tokens
# of each story (title and lead; --truncating post; stories are 87 tokens at the median and Keras's
# default of keeping the end would keep the closing lines and the "reuter" signature instead). Keras's
# reuters rows start with a start-of-sequence id that the original's (49, 1) shape left out of a maxlen
# of 50; these rows have no such marker, so maxlen 49. 15 epochs (at 10 the training loss of the
# Embedding models was still falling fast).
source "$(dirname "$0")/lib.sh"
SEEDS="${SEEDS:-1 2}"
EPOCHS="${EPOCHS:-15}"
data="$CORPORA/reuters"
dir="$OUT/reuters"
mkdir -p "$dir"

say "preparing the rows once, with Mal's pipeline"
"$MAL" tokenize --keras "$data/train.tsv" \
  | "$MAL" vocab --save "$dir/vocab.txt" --max-size 30000 \
  | "$MAL" pad --maxlen 49 --truncating post > "$dir/train.tsv"
"$MAL" tokenize --keras "$data/test.tsv" \
  | "$MAL" vocab --load "$dir/vocab.txt" \
  | "$MAL" pad --maxlen 49 --truncating post > "$dir/test.tsv"

start_experiment reuters
common=(--vocab-size 30000 --epochs "$EPOCHS" --batch-size 50 --optimizer adam --lr 0.001)
models=(
  "deep LSTM 4×20|--arch lstm --units 20 --layers 4"
  "BiLSTM(20)|--arch bilstm --units 20 --layers 1"
  "deep BiLSTM 4×10|--arch bilstm --units 10 --layers 4"
)
PARTS="${PARTS:-raw embedding}"   # PARTS=raw or PARTS=embedding runs one half
if [[ " $PARTS " != *" raw "* ]]; then
  :
elif "$MAL" train --help | grep -q -- '--scalar-input'; then
  for m in "${models[@]}"; do
    read -r -a flags <<< "${m#*|}"
    run_pair "reuters raw ids (49,1) ${m%%|*}" "$dir/train.tsv" "$dir/test.tsv" --scalar-input "${flags[@]}" "${common[@]}"
  done
else
  say "this mal has no --scalar-input yet: skipping the raw-id models"
fi
if [[ " $PARTS " == *" embedding "* ]]; then
  for m in "${models[@]}"; do
    read -r -a flags <<< "${m#*|}"
    run_pair "reuters Embedding(30000,64) ${m%%|*}" "$dir/train.tsv" "$dir/test.tsv" --embedding-dim 64 "${flags[@]}" "${common[@]}"
  done
fi
finish_experiment
