#!/usr/bin/env bash
# MalRecurrent against TensorFlow/Keras: train steps and inference on the same shapes and thread counts.
# Same run, same model: Embedding(20000,128) -> [Bidirectional](LSTM|GRU|SimpleRNN)(64) -> Dense(1,sigmoid),
# batch 64, maxlen 40, Adam, binary cross-entropy.
#
#   Scripts/bench.sh recurrent [--threads "1 2"] [--arch "bilstm lstm gru simplernn"]
#                              [--steps 40] [--runs 5] [--rounds 2] [--out FILE]
#
# Builds MalRecurrentBench in release mode; creates Scripts/.venv (git-ignored) with
# tensorflow-cpu on first use. Each (tool, architecture, thread count) runs in its own
# process so peak RSS is per configuration; Mal and Keras alternate so that load from other
# processes on the machine hits both. Mal also runs with OPENBLAS_CORETYPE=SKYLAKEX when the
# CPU has AVX-512 (OpenBLAS 0.3.21 does not recognise Zen 4/5 and falls back to AVX2
# Haswell kernels). Prints a Markdown table (Scripts/bench/recurrent_table.py), with each model's GFLOP/s beside
# sgemm's at 1024³ on as many threads; raw JSON lines go to --out.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"

threads="1 2"
archs="bilstm lstm gru simplernn"
steps=40
runs=5
rounds=2
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --arch) archs="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
[[ -n "$out" ]] || out="$(mktemp -t bench-recurrent.XXXXXX.jsonl)"
: > "$out"

echo "building MalRecurrentBench (release)..." >&2
swift_build release --product MalRecurrentBench
bench="$bin/MalRecurrentBench"
need_python "import tensorflow" tensorflow-cpu

avx512=no
grep -q avx512f /proc/cpuinfo 2>/dev/null && avx512=yes

common=(--steps "$steps" --runs "$runs")
# sgemm's rate at the layers' shapes and at 1024³ (the machine's peak the table compares the layers against)
for t in $threads; do
  OPENBLAS_CORETYPE= "$bench" --gemm yes --threads "$t" >> "$out"
done
for round in $(seq 1 "$rounds"); do
  for t in $threads; do
    for arch in $archs; do
      echo "round $round: $arch, $t thread(s)" >&2
      "$py" Scripts/bench/recurrent.py --arch "$arch" --threads "$t" "${common[@]}" 2>/dev/null \
        | grep '^{' | sed 's/"tool": "keras"/"tool": "keras", "round": '"$round"'/' >> "$out"
      OPENBLAS_CORETYPE= "$bench" --arch "$arch" --threads "$t" "${common[@]}" \
        | sed 's/"tool":"mal"/"tool":"mal","round":'"$round"'/' >> "$out"
      if [[ $avx512 == yes ]]; then
        OPENBLAS_CORETYPE=SKYLAKEX "$bench" --arch "$arch" --threads "$t" "${common[@]}" \
          | sed 's/"tool":"mal"/"tool":"mal-skylakex","round":'"$round"'/' >> "$out"
      fi
    done
  done
done

echo "raw results: $out" >&2
python3 Scripts/bench/recurrent_table.py "$out"
