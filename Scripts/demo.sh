#!/usr/bin/env bash
# The main job on the samples in Corpora/: tokenize Korean reviews (NSMC layout) and English headlines, then the
# whole pipeline tokenize | vocab | pad | train, the way the README walks through it. Run Scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"

section() { printf '\n== %s\n' "$*"; }

section "Korean reviews, word mode (NFC, script boundaries, punctuation and emoji apart)"
tokenize < Corpora/sample-ko.tsv | head -6

section "Korean, with particles split and repeats collapsed: tokenize --split-particles --repeat 2"
tokenize --split-particles --repeat 2 < Corpora/sample-ko.tsv | head -6

section "English headlines, lowercased: tokenize --lower"
tokenize --lower Corpora/sample-en.tsv | head -6

section "Mixed text (BOM, CRLF, NFD Hangul, full-width forms, emoji): tokenize --lower"
tokenize --lower Corpora/sample-mixed.txt | head -10

section "Full-width forms folded: tokenize --normalize nfkc"
sed -n 5p Corpora/sample-mixed.txt | tokenize --normalize nfkc

section "Rows in and out"
printf 'Corpora/sample-ko.tsv: %s rows in, %s rows out\n' \
  "$(wc -l < Corpora/sample-ko.tsv)" "$(tokenize Corpora/sample-ko.tsv | wc -l)"

section "The whole pipeline on the Korean sample: tokenize | vocab | pad | train (the rows' #mal line tells train how they were made), then predict and evaluate raw text"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tokenize --split-particles --repeat 2 < Corpora/sample-ko.tsv | vocab --save "$work/vocab.txt" | pad --maxlen 12 \
  | train -o "$work/reviews.safetensors" --epochs 8 --lr 0.01 --units 16 --embedding-dim 16 --seed 3
summary "$work/reviews.safetensors"
head -4 Corpora/sample-ko.tsv | predict "$work/reviews.safetensors"
evaluate "$work/reviews.safetensors" Corpora/sample-ko.tsv
