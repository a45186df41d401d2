#!/usr/bin/env bash
# The vocabulary count as Hadoop Streaming runs it, with `sort` as the shuffle, and with GNU parallel --pipe;
# each result checked byte for byte against one process. Called by Scripts/spark.sh:
#   Scripts/spark/streaming.sh MAL TRAIN.tsv
set -euo pipefail
export MAL="$1"
train="$2"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LC_ALL=C
passed=0 failed=0
check() {  # check NAME FILE EXPECTED
  if cmp -s "$2" "$3"; then
    echo "PASS  $1  ($(wc -l < "$3") lines identical)"
    passed=$((passed + 1))
  else
    echo "FAIL  $1: $(cmp "$2" "$3" 2>&1 | head -1)"
    failed=$((failed + 1))
  fi
}
tok=(--split-particles --repeat 2)
"$MAL" tokenize "${tok[@]}" "$train" | "$MAL" vocab build --save "$work/one.txt"

# Hadoop Streaming: 3 input splits → mappers → partition by key (token length parity stands in for the hash) →
# sort each partition (the shuffle) → 2 reducers → the driver merges the reducers' outputs.
tail -n +2 "$train" > "$work/rows.tsv"
split -n l/3 "$work/rows.tsv" "$work/split-"
for s in "$work"/split-*; do "$here/mapper.sh" 2 "${tok[@]}" < "$s" > "$s.map"; done
cat "$work"/split-*.map | awk -F'\t' -v dir="$work" '{ print > (dir "/partition-" (length($1) % 2)) }'
for p in "$work"/partition-*; do sort -t "$(printf '\t')" -k1,1 "$p" | "$here/reducer.sh" > "$p.reduced"; done
"$MAL" vocab merge "$work"/partition-*.reduced --save "$work/streaming.txt"
check "hadoop streaming: mapper.sh | sort | reducer.sh, merged = vocab build --save" "$work/streaming.txt" "$work/one.txt"

# GNU parallel on one machine: blocks of 2,000 rows through the mapper on every core, one merge.
tail -n +2 "$train" | parallel --pipe -N 2000 "'$here/mapper.sh' 2 ${tok[*]}" | "$MAL" vocab merge --save "$work/parallel.txt"
check "parallel --pipe mapper.sh | vocab merge = vocab build --save" "$work/parallel.txt" "$work/one.txt"
tail -n +2 "$train" | parallel --pipe --keep-order -N 2000 "'$MAL' tokenize --no-header --column 2 ${tok[*]}" > "$work/parallel.tok"
"$MAL" tokenize --plain "${tok[@]}" "$train" | tail -n +2 > "$work/one.tok"
check "parallel --pipe --keep-order tokenize = one tokenize" "$work/parallel.tok" "$work/one.tok"
echo "streaming: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
