# Shared by the experiment scripts in examples/ (sourced, not run).
#
# Environment:
#   MAL_CORPORA   the corpora (default ../shared/corpora, next to the repository)
#   MAL           the mal binary (default .build/release/mal, built if missing)
#   OUT           working files (default examples/out, git-ignored)
#   THREADS       threads for both tools (default 2: mal --threads, TensorFlow intra/inter-op)
#   KERAS=0       run Mal only
#   KERAS_VENV    the Python venv with tensorflow-cpu (default examples/.venv, created if missing)
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

# start_experiment NAME: a fresh results file $OUT/NAME.results.jsonl
start_experiment() {
  EXPERIMENT="$1"
  RESULTS="$OUT/$EXPERIMENT.results.jsonl"
  : > "$RESULTS"
  say "$EXPERIMENT: $(uptime)"
  printf '{"uptime_start": "%s"}\n' "$(uptime | sed 's/^ *//')" >> "$RESULTS"
}

# run_pair LABEL TRAIN.tsv TEST.tsv [KERAS_TRAIN_FLAGS -- ] MODEL_FLAGS...
# Trains and evaluates the same model on the same rows with Mal (mal train, mal evaluate) and with
# Keras (examples/keras_train.py); appends both results to $RESULTS.
run_pair() {
  local label="$1" train="$2" test="$3"
  shift 3
  local slug
  slug="$(echo "$label" | tr -c 'A-Za-z0-9\n' '_')"
  local model="$OUT/$slug.safetensors"
  say "$label: mal train $* --threads $THREADS"
  local start end
  start=$(date +%s.%N)
  "$MAL" train -o "$model" --threads "$THREADS" "$@" "$train" 2>&1 | tee "$OUT/$slug.mal.log" >&2
  end=$(date +%s.%N)
  "$MAL" evaluate --json "$model" "$test" > "$OUT/$slug.mal.eval.json"
  "$MAL" summary "$model" > "$OUT/$slug.mal.summary.txt"
  "$PY_SYS" - "$label" "$OUT/$slug.mal.log" "$OUT/$slug.mal.eval.json" "$start" "$end" >> "$RESULTS" <<'EOF'
import json, re, sys
label, log, evaluation, start, end = sys.argv[1:]
text = open(log, encoding="utf-8").read()
head = re.search(r"train: (\d+) rows .*?, ([\d,]+) parameters", text)
rows, params = int(head.group(1)), int(head.group(2).replace(",", ""))
epochs = re.findall(r"epoch \d+/\d+ .*? ([\d,]+) samples/s", text)
epoch_seconds = [rows / float(s.replace(",", "")) for s in epochs]
seconds = sum(epoch_seconds)
e = json.load(open(evaluation))
print(json.dumps({"label": label, "tool": "mal", "params": params, "accuracy": e["accuracy"],
                  "macro_f1": e.get("macro_f1"), "train_seconds": seconds, "epoch_seconds": epoch_seconds,
                  "wall_seconds": float(end) - float(start),
                  "samples_per_second": rows * len(epochs) / seconds, "rows": rows, "test_rows": e["rows"]}))
EOF
  if [[ "$KERAS" != 0 && "${SKIP_KERAS:-0}" != 1 ]]; then
    say "$label: keras_train.py $* --threads $THREADS"
    "$PY" examples/keras_train.py "$train" --test "$test" --threads "$THREADS" "$@" 3>&1 1>"$OUT/$slug.keras.json" 2>&3 \
      | { grep -v -E 'oneDNN|cpu_feature_guard|rebuild TensorFlow|^WARNING: All log messages|absl::InitializeLog' || true; } \
      | tee "$OUT/$slug.keras.log" >&2
    tail -1 "$OUT/$slug.keras.json" | sed 's/^{/{"label": "'"$label"'", /' >> "$RESULTS"
  fi
}

PY_SYS="$(command -v python3)"

# finish_experiment: print the table of $RESULTS (Markdown) and keep it as $OUT/NAME.table.md
finish_experiment() {
  printf '{"uptime_end": "%s"}\n' "$(uptime | sed 's/^ *//')" >> "$RESULTS"
  "$PY_SYS" examples/table.py "$RESULTS" | tee "$OUT/$EXPERIMENT.table.md"
}
