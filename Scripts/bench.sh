#!/usr/bin/env bash
# Benchmarks, release build, real corpora: Scripts/bench.sh STAGE, where STAGE is any NAME with a
# Scripts/bench/NAME.sh (vocab, pad, word2vec, recurrent, …).
# The reference tools are installed into a git-ignored venv (Scripts/.venv) on first use.
# Corpora come from $MAL_CORPORA (default ../shared/corpora).
set -euo pipefail
cd "$(dirname "$0")/.."
corpora="${MAL_CORPORA:-../shared/corpora}"
what="${1:-tokenize}"

case "$what" in
  *)
    if [ -x "Scripts/bench/$what.sh" ]; then
      exec "Scripts/bench/$what.sh" "${@:2}"
    fi
    stages="$( (ls Scripts/bench/*.sh 2>/dev/null || true) | sed 's|Scripts/bench/||; s|\.sh$||' | tr '\n' ' ')"
    echo "usage: Scripts/bench.sh STAGE; stages: $stages" >&2
    exit 64
    ;;
esac
