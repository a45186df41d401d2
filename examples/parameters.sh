#!/usr/bin/env bash
# Seed experiment 5: parameter counts of the small teaching models, `mal summary` beside Keras's
# count_params(), for every model of ../shared/fixtures/initializers.json (MAL_FIXTURES overrides).
#
#   examples/parameters.sh
#
# Mal builds each model with `mal train --model "…"` (one epoch on a few synthetic rows of the right
# shape, only so that there is a model file) and `mal summary` reads the counts back; Keras builds the
# fixture's own Python expression in the same run. Keras models without a classifier head (SimpleRNN(3)
# on 4 inputs, …) are compared layer by layer: mal train always ends in a Dense head, which is left
# out of Mal's sum.
source "$(dirname "$0")/lib.sh"
FIXTURES="${MAL_FIXTURES:-../shared/fixtures}"
dir="$OUT/parameters"
mkdir -p "$dir"

# synthetic ROWS MAXLEN LARGEST_ID CLASSES > file: padded-id rows with labels, every class present
synthetic() {
  "$PY_SYS" - "$@" <<'PYEOF'
import random, sys
rows, maxlen, largest, classes = map(int, sys.argv[1:])
r = random.Random(1)
print("id\tdocument\tlabel")
for i in range(rows):
    ids = [r.randint(0, largest) for _ in range(maxlen)]
    ids[-1] = largest if i == 0 else ids[-1]
    print(f"{i}\t{' '.join(map(str, ids))}\t{i % classes}")
PYEOF
}
synthetic 8 120 9999 2 > "$dir/ids120.tsv"
synthetic 8 5 3 2 > "$dir/onehot4.tsv"
synthetic 92 49 29999 46 > "$dir/scalar49.tsv"

# name|fixture model name|mal train options|data
models=(
  "Embedding(10000,16) BiLSTM(32) Dense(24) Dense(1)|imdb_bilstm|--model|Embedding(10000,16) Bidirectional(LSTM(32)) Dense(24,relu) Dense(1,sigmoid)|ids120"
  "SimpleRNN(3) on 4 inputs|simple_rnn_3_on_input_dim_4|--one-hot --vocab-size 4 --model|SimpleRNN(3)|onehot4"
  "GRU(3) on 4 inputs|gru_3_on_input_dim_4|--one-hot --vocab-size 4 --model|GRU(3)|onehot4"
  "GRU(3, reset_after=False) on 4 inputs|gru_3_reset_before_on_input_dim_4|--one-hot --vocab-size 4 --model|GRU(3,reset_after=False)|onehot4"
  "deep LSTM 4×20 on (49,1), Dense(46)|reuters_deep_lstm|--scalar-input --model|LSTM(20,return_sequences) LSTM(20,return_sequences) LSTM(20,return_sequences) LSTM(20) Dense(46,softmax)|scalar49"
  "BiLSTM(20) on (49,1), Dense(46)|reuters_bilstm|--scalar-input --model|Bidirectional(LSTM(20)) Dense(46,softmax)|scalar49"
)
start_experiment parameters
: > "$dir/mal.tsv"
for m in "${models[@]}"; do
  IFS='|' read -r label fixture options spec data <<< "$m"
  read -r -a flags <<< "$options"
  say "$label: mal train $options \"$spec\""
  "$MAL" train -o "$dir/$fixture.safetensors" "${flags[@]}" "$spec" --epochs 1 --batch-size 8 --threads "$THREADS" \
    "$dir/$data.tsv" 2> "$dir/$fixture.train.log" || { cat "$dir/$fixture.train.log" >&2; exit 1; }
  "$MAL" summary "$dir/$fixture.safetensors" > "$dir/$fixture.summary.txt"
  printf '%s\t%s\t%s\t%s\n' "$label" "$fixture" "$spec" "$dir/$fixture.summary.txt" >> "$dir/mal.tsv"
done

if [[ "$KERAS" != 0 ]]; then PYTHON="$PY"; else PYTHON="$PY_SYS"; fi
KERAS="$KERAS" "$PYTHON" - "$FIXTURES/initializers.json" "$dir/mal.tsv" 2> >(quiet_tf >&2) <<'PYEOF' | tee "$OUT/parameters.table.md"
import json, os, re, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
fixtures = {m["name"]: m for m in json.load(open(sys.argv[1]))["models"]}
use_keras = os.environ.get("KERAS", "1") != "0"
if use_keras:
    import keras
    from keras import Input, Sequential
    from keras.layers import GRU, LSTM, Bidirectional, Dense, Embedding, SimpleRNN  # noqa: F401 (eval)

row = re.compile(r"^│ (\S+) \((\w+)\)\s+│.*│\s+([\d,]+) │$")
print("| model | fixture count_params | Keras count_params (this run) | mal summary | Mal's layers (params) | equal |")
print("|---|---:|---:|---:|---|---|")
for line in open(sys.argv[2], encoding="utf-8"):
    label, name, spec, summary = line.rstrip("\n").split("\t")
    fixture = fixtures[name]
    layers = [(m.group(1), m.group(2), int(m.group(3).replace(",", "")))
              for m in map(row.match, open(summary, encoding="utf-8")) if m]
    keep = len(fixture["per_layer"])
    # mal train adds a classifier head to headless models: compare the fixture's layers only
    if layers and layers[-1][1] == "Dense" and fixture["per_layer"][-1]["class"] != "Dense":
        layers = layers[:-1]
    mal = sum(p for _, _, p in layers)
    counted = fixture["count_params"]
    if use_keras:
        keras.backend.clear_session()
        model = eval(fixture["call"].split("#")[0])
        counted_now = model.count_params()
    else:
        counted_now = None
    per = ", ".join(f"{n} {p:,}" for n, _, p in layers)
    ok = mal == counted and (counted_now is None or counted_now == counted) and \
        [p for *_, p in layers] == [l["params"] for l in fixture["per_layer"]]
    print(f"| {label} | {counted:,} | {'–' if counted_now is None else f'{counted_now:,}'} | {mal:,} | {per} | {'yes' if ok else 'NO'} |")
PYEOF
echo
echo "load (uptime): $(uptime | sed 's/^ *//')"
