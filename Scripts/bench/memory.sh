#!/usr/bin/env bash
# Peak memory of the streaming stages on 1× and 10× the same input: it must stay flat (release build).
# Input: nsmc/ratings_train.txt from $MAL_CORPORA (default ../shared/corpora), and ten copies of its rows. Each stage
# reads a file made beforehand by the stages before it and writes to /dev/null; GNU time gives its peak RSS.
# Fails (exit 1) when a stage's peak at 10× exceeds its peak at 1× by more than 25 % + 8 MiB.
#   Scripts/bench.sh memory
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
work_dir
source_file="$corpora/nsmc/ratings_train.txt"
[ -r "$source_file" ] || { echo "memory: $source_file not found (set MAL_CORPORA)" >&2; exit 66; }

# Inputs at 1× and 10×: raw rows, tokens, ids; the vocabulary is built once from the 1× tokens.
cp "$source_file" "$work/raw-1.tsv"
{ head -1 "$source_file"; for _ in $(seq 10); do tail -n +2 "$source_file"; done; } > "$work/raw-10.tsv"
"$mal" tokenize "$work/raw-1.tsv" --plain | "$mal" vocab build --save "$work/vocab.txt" --max-size 20000
for n in 1 10; do
  "$mal" tokenize "$work/raw-$n.tsv" > "$work/tokens-$n.tsv"
  "$mal" vocab apply --load "$work/vocab.txt" "$work/tokens-$n.tsv" > "$work/ids-$n.tsv"
  "$mal" pad --maxlen 40 "$work/ids-$n.tsv" > "$work/padded-$n.tsv"
done

# STAGE-NAME INPUT-KIND ARGUMENTS… (the input file is appended)
stages=(
  "tokenize|raw|tokenize"
  "tokenize --mode jamo|raw|tokenize --mode jamo"
  "vocab count|tokens|vocab count"
  "vocab apply|tokens|vocab apply --load $work/vocab.txt"
  "vocab --save (spooled)|tokens|vocab --save $work/v2.txt"
  "pad --maxlen 40|ids|pad --maxlen 40"
  "pad (spooled)|ids|pad"
  "encode --bag count|padded|encode --bag count --depth 20002"
  "encode --one-hot|padded|encode --one-hot --depth 20002"
)

peak_kib() {  # ARGUMENTS… → peak RSS of `mal ARGUMENTS…` in KiB
  /usr/bin/time -f '%M' -o "$work/rss" "$mal" "$@" > /dev/null
  cat "$work/rss"
}

printf '| stage | input 1× | peak RSS 1× | input 10× | peak RSS 10× | ratio |\n|---|---|---|---|---|---|\n'
failed=0
for entry in "${stages[@]}"; do
  IFS='|' read -r name kind arguments <<< "$entry"
  read -r -a words <<< "$arguments"
  one=$(peak_kib "${words[@]}" "$work/$kind-1.tsv")
  ten=$(peak_kib "${words[@]}" "$work/$kind-10.tsv")
  size1=$(du -m "$work/$kind-1.tsv" | cut -f1)
  size10=$(du -m "$work/$kind-10.tsv" | cut -f1)
  ratio=$(awk -v a="$one" -v b="$ten" 'BEGIN { printf "%.2f", b / a }')
  mark=""
  if [ "$ten" -gt $(( one * 125 / 100 + 8192 )) ]; then mark=" **grew**"; failed=1; fi
  printf '| %s | %s MB | %d MiB | %s MB | %d MiB | %s%s |\n' "$name" "$size1" $((one / 1024)) "$size10" $((ten / 1024)) "$ratio" "$mark"
done
printf '\nHost: %s, %s cores; load average %s\n' "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed" -ne 0 ]; then
  echo "memory: a stage's peak memory grew with its input (marked above)" >&2
  exit 1
fi
