#!/usr/bin/env bash
# Benchmarks of Mal's release build on the real corpora ($MAL_CORPORA, default ../shared/corpora), each beside the
# Python reference tools in the same run; the tools go into the git-ignored venv Scripts/.venv on first use.
# With no argument it prints this help; `all` runs every stage, one after the other (that takes
# long: word2vec and recurrent train real models). Results: docs/performance.md.
# Every run ends with one summary table of the stages it ran (Scripts/bench/summary_table.py): each target of
# issue 15 beside its reference, met or not, with the machine, the OpenBLAS kernels in use and the load average;
# it is also written to out/bench/summary.md (raw rows: out/bench/summary.jsonl).
set -euo pipefail
source "$(dirname "$0")/lib/dispatch.sh"
case " $* " in
  *" --help "* | *" -h "* | *" --list "* | *" --dry-run "* | "  ") dispatch bench help "$@"; exit ;;
esac
mkdir -p out/bench
export MAL_BENCH_SUMMARY="$PWD/out/bench/summary.jsonl"
: > "$MAL_BENCH_SUMMARY"
status=0
dispatch bench help "$@" || status=$?
if [ -s "$MAL_BENCH_SUMMARY" ]; then
  python3 Scripts/bench/summary_table.py "$MAL_BENCH_SUMMARY" > out/bench/summary.md.tmp
  mv out/bench/summary.md.tmp out/bench/summary.md
  echo
  echo "## Summary (out/bench/summary.md)"
  echo
  cat out/bench/summary.md
fi
exit "$status"
