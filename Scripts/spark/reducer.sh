#!/bin/sh
# Hadoop Streaming reducer: key-sorted `token<TAB>count` lines in (every line of a token reaches the same
# reducer), one summed line per token out. `mal vocab merge part-*` of all the reducers' outputs with
# `--save vocab.txt` then builds the vocabulary, equal byte for byte to `vocab build --save` over the whole input.
# The binary: $MAL, else ./mal (shipped with -files), else mal on PATH.
set -eu
mal="${MAL:-mal}"
[ -z "${MAL:-}" ] && [ -x ./mal ] && mal=./mal
exec "$mal" vocab merge
