#!/bin/sh
# Hadoop Streaming mapper: TSV rows without a header (split files have none; drop it before) in, this split's
# `token<TAB>count` lines out. COLUMN is the 1-based working column; the other arguments are mal tokenize's.
#   hadoop jar hadoop-streaming.jar -files mal,mapper.sh,reducer.sh -input IN -output OUT \
#     -mapper 'mapper.sh 2 --split-particles --repeat 2' -reducer reducer.sh
# The binary: $MAL, else ./mal (shipped with -files), else mal on PATH.
set -eu
column="$1"
shift
mal="${MAL:-mal}"
[ -z "${MAL:-}" ] && [ -x ./mal ] && mal=./mal
"$mal" tokenize --format tsv --no-header --column "$column" "$@" \
  | "$mal" vocab count --format tsv --no-header --column "$column"
