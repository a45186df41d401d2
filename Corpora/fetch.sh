#!/usr/bin/env bash
# Fetches public corpora for Mal into a folder (default: ./corpora): NSMC (Korean) and IMDB (English).
# Usage: Corpora/fetch.sh [FOLDER]; then export MAL_CORPORA=FOLDER.
set -euo pipefail
out="${1:-corpora}"
mkdir -p "$out/nsmc" "$out/imdb"

fetch() {  # URL FILE: download to FILE.part, then rename, so an interrupted run leaves no partial file
  curl --fail --location --retry 3 --silent --show-error -o "$2.part" "$1"
  mv "$2.part" "$2"
}

nsmc="https://raw.githubusercontent.com/e9t/nsmc/master"
for f in ratings_train.txt ratings_test.txt; do
  [ -s "$out/nsmc/$f" ] || fetch "$nsmc/$f" "$out/nsmc/$f"
done
echo "nsmc: $(wc -l < "$out/nsmc/ratings_train.txt") + $(wc -l < "$out/nsmc/ratings_test.txt") lines" >&2

if [ ! -s "$out/imdb/train.tsv" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  fetch "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz" "$tmp/aclImdb.tar.gz"
  tar -xzf "$tmp/aclImdb.tar.gz" -C "$tmp"
  # One review per file named ID_RATING.txt under pos/ (label 1) and neg/ (label 0); tabs become spaces.
  to_tsv() {  # SPLIT
    printf 'id\treview\tlabel\n'
    for label in pos neg; do
      for file in "$tmp/aclImdb/$1/$label"/*.txt; do
        name="${file##*/}"
        printf '%s\t%s\t%s\n' "${name%.txt}" "$(tr '\t\n' '  ' < "$file")" "$([ "$label" = pos ] && echo 1 || echo 0)"
      done
    done
  }
  to_tsv train > "$out/imdb/train.tsv.part" && mv "$out/imdb/train.tsv.part" "$out/imdb/train.tsv"
  to_tsv test > "$out/imdb/test.tsv.part" && mv "$out/imdb/test.tsv.part" "$out/imdb/test.tsv"
  for file in "$tmp/aclImdb/train/unsup"/*.txt; do tr '\t\n' '  ' < "$file"; echo; done > "$out/imdb/unlabeled.txt.part"
  mv "$out/imdb/unlabeled.txt.part" "$out/imdb/unlabeled.txt"
fi
echo "imdb: $(($(wc -l < "$out/imdb/train.tsv") - 1)) train, $(($(wc -l < "$out/imdb/test.tsv") - 1)) test reviews" >&2
