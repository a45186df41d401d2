# Shared by the experiment scripts in examples/ (sourced, not run).
#
# Environment:
#   MAL_CORPORA   the corpora (default ../shared/corpora, next to the repository)
#   MAL           the mal binary (default .build/release/mal, built if missing)
#   OUT           working files (default examples/out, git-ignored)
#   THREADS       threads for both tools (default 2: mal --threads, TensorFlow intra/inter-op)
#   KERAS=0       run Mal only
#   KERAS_VENV    the Python venv with tensorflow-cpu (default examples/.venv, created if missing)
#   SEEDS         the seeds each model is trained with, once per tool (default: the script's)
#   APPEND=1      add to the experiment's results instead of starting them afresh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CORPORA="${MAL_CORPORA:-../shared/corpora}"
MAL="${MAL:-.build/release/mal}"
OUT="${OUT:-examples/out}"
THREADS="${THREADS:-2}"
KERAS="${KERAS:-1}"
KERAS_VENV="${KERAS_VENV:-examples/.venv}"
PY="$KERAS_VENV/bin/python"
mkdir -p "$OUT"

if [[ ! -x "$MAL" ]]; then
  echo "building mal (release)..." >&2
  swift build -c release --product mal >&2
fi
if [[ "$KERAS" != 0 ]] && ! "$PY" -c "import tensorflow, keras" 2>/dev/null; then
  echo "creating $KERAS_VENV with numpy and tensorflow-cpu (Keras 3)..." >&2
  python3 -m venv "$KERAS_VENV"
  "$KERAS_VENV/bin/pip" install --quiet --upgrade pip >&2
  "$KERAS_VENV/bin/pip" install --quiet numpy tensorflow-cpu >&2
fi

say() { echo "== $*" >&2; }

# TensorFlow's start-up chatter left out of the logs
quiet_tf() { grep -v -E 'oneDNN|cpu_feature_guard|rebuild TensorFlow|^WARNING: All log messages|absl::InitializeLog' || true; }

# start_experiment NAME: a fresh results file $OUT/NAME.results.jsonl (APPEND=1 adds to the one there,
# e.g. to run more seeds: SEEDS="3 4" APPEND=1 examples/imdb.sh)
start_experiment() {
  EXPERIMENT="$1"
  RESULTS="$OUT/$EXPERIMENT.results.jsonl"
  [[ "${APPEND:-0}" == 1 ]] || : > "$RESULTS"
  say "$EXPERIMENT: $(uptime)"
  printf '{"uptime_start": "%s"}\n' "$(uptime | sed 's/^ *//')" >> "$RESULTS"
}

# run_pair LABEL TRAIN.tsv TEST.tsv MODEL_OPTIONS...
# Trains and evaluates the same model on the same rows with Mal (mal train, then mal evaluate) and
# with Keras (examples/keras_train.py, the same options), once per seed in $SEEDS (default "1");
# appends every result to $RESULTS as a JSON line.
run_pair() {
  local label="$1" train="$2" test="$3" seed
  shift 3
  for seed in ${SEEDS:-1}; do
    run_mal "$label" "$train" "$test" "$seed" "$@"
    if [[ "$KERAS" != 0 && "${SKIP_KERAS:-0}" != 1 ]]; then
      run_keras "$label" "$train" "$test" "$seed" "$@"
    fi
  done
}

slug() { echo "$1-seed$2" | tr -c 'A-Za-z0-9\n-' '_'; }

run_mal() {
  local label="$1" train="$2" test="$3" seed="$4"
  shift 4
  local s start end
  s="$(slug "$label" "$seed")"
  say "$label, seed $seed: mal train $* --seed $seed --threads $THREADS"
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$OUT/$s.mal.cpu" \
    "$MAL" train -o "$OUT/$s.safetensors" --threads "$THREADS" --seed "$seed" "$@" "$train" 2>&1 | tee "$OUT/$s.mal.log" >&2
  end=$(date +%s.%N)
  "$MAL" evaluate --json "$OUT/$s.safetensors" "$test" > "$OUT/$s.mal.eval.json"
  "$MAL" summary "$OUT/$s.safetensors" > "$OUT/$s.mal.summary.txt"
  "$PY_SYS" - "$label" "$seed" "$OUT/$s.mal.log" "$OUT/$s.mal.eval.json" "$start" "$end" "$OUT/$s.mal.cpu" >> "$RESULTS" <<'PYEOF'
import json, re, sys
label, seed, log, evaluation, start, end, cpu = sys.argv[1:]
cpu_seconds = sum(map(float, open(cpu).read().split()[-2:]))
text = open(log, encoding="utf-8").read()
head = re.search(r"train: (\d+) rows .*?, ([\d,]+) parameters", text)
rows, params = int(head.group(1)), int(head.group(2).replace(",", ""))
epochs = re.findall(r"epoch \d+/\d+ .*? ([\d,]+) samples/s", text)
epoch_seconds = [rows / float(s.replace(",", "")) for s in epochs]
seconds = sum(epoch_seconds)
e = json.load(open(evaluation))
print(json.dumps({"label": label, "tool": "mal", "seed": int(seed), "params": params, "accuracy": e["accuracy"],
                  "macro_f1": e.get("macro_f1"), "train_seconds": seconds, "epoch_seconds": epoch_seconds,
                  "wall_seconds": float(end) - float(start), "cpu_seconds": cpu_seconds,
                  "samples_per_second": rows * len(epochs) / seconds, "rows": rows, "test_rows": e["rows"]}))
PYEOF
}

run_keras() {
  local label="$1" train="$2" test="$3" seed="$4"
  shift 4
  local s
  s="$(slug "$label" "$seed")"
  say "$label, seed $seed: keras_train.py $* --seed $seed --threads $THREADS"
  "$PY" examples/keras_train.py "$train" --test "$test" --threads "$THREADS" --seed "$seed" "$@" 3>&1 1>"$OUT/$s.keras.json" 2>&3 \
    | quiet_tf \
    | tee "$OUT/$s.keras.log" >&2
  tail -1 "$OUT/$s.keras.json" | sed 's/^{/{"label": "'"$label"'", "seed": '"$seed"', /' >> "$RESULTS"
}

PY_SYS="$(command -v python3)"

# finish_experiment: print the table of $RESULTS (Markdown) and keep it as $OUT/NAME.table.md
finish_experiment() {
  printf '{"uptime_end": "%s"}\n' "$(uptime | sed 's/^ *//')" >> "$RESULTS"
  "$PY_SYS" examples/table.py "$RESULTS" | tee "$OUT/$EXPERIMENT.table.md"
}
