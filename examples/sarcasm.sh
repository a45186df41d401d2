#!/usr/bin/env bash
# Seed experiment 1: news-headline sarcasm, Mal beside Keras on the same padded rows.
#
#   examples/sarcasm.sh     # EPOCHS=5 (the tutorial ran 10), SEEDS="1 2 3": each model three times per tool
#
# The TensorFlow course's sarcasm tutorial: Tokenizer(num_words=10000, oov_token="<OOV>"),
# pad_sequences(padding="post", truncating="post"), Embedding(10000, 16) -> Bidirectional(LSTM(32))
# -> Dense(24, relu) -> Dense(1, sigmoid), Adam; and the stacked variant with two BiLSTM(32) layers.
# Data: ../shared/corpora/sarcasm, the tutorial's own split (first 20,000 headlines train, the other
# 6,709 test). maxlen 40 instead of the tutorial's 120: the longest training headline has 40 Keras
# tokens, so no row loses a token and the LSTMs read 3x fewer padding steps.
source "$(dirname "$0")/lib.sh"
SEEDS="${SEEDS:-1 2 3}"
EPOCHS="${EPOCHS:-5}"
data="$CORPORA/sarcasm"
dir="$OUT/sarcasm"
mkdir -p "$dir"

say "preparing the rows once, with Mal's pipeline"
"$MAL" tokenize --keras "$data/train.tsv" \
  | "$MAL" vocab --save "$dir/vocab.txt" --unk '<OOV>' --order keras --max-size 10000 \
  | "$MAL" pad --maxlen 40 --padding post --truncating post > "$dir/train.tsv"
"$MAL" tokenize --keras "$data/test.tsv" \
  | "$MAL" vocab --load "$dir/vocab.txt" --unk '<OOV>' \
  | "$MAL" pad --maxlen 40 --padding post --truncating post > "$dir/test.tsv"

start_experiment sarcasm
common=(--vocab-size 10000 --embedding-dim 16 --units 32 --dense 24 --epochs "$EPOCHS" --batch-size 32 --optimizer adam)
run_pair "sarcasm BiLSTM(32)" "$dir/train.tsv" "$dir/test.tsv" --arch bilstm --layers 1 "${common[@]}"
run_pair "sarcasm 2×BiLSTM(32)" "$dir/train.tsv" "$dir/test.tsv" --arch bilstm --layers 2 "${common[@]}"
finish_experiment
