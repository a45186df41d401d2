#!/usr/bin/env bash
# Issue 17, classifier quality: Mal's best model per corpus beside fastText supervised and Mal's seed-style BiLSTM,
# on each corpus's own test set, in one run; prints a Markdown table and keeps it in $OUT/quality.md.
#
#   examples/quality.sh                                   all four corpora, SEEDS="1" (NSMC's word vectors and BiLSTMs take
#                                                         most of it: about 10 minutes at load 3, an hour at load 10)
#   CORPORA=sarcasm,reuters SEEDS="1 2 3" examples/quality.sh
#   MODE=dev CORPORA=reuters examples/quality.sh          the candidates on a dev split (the ablations)
#
# Columns, per corpus (docs/experiments.md, "Quality: Mal beside fastText"):
#   - Mal best: the configuration chosen on a dev split (the last 10% of the training rows; never the test rows),
#     trained on the training rows, scored with `mal evaluate MODEL TEST` on the raw test file;
#   - fastText on Mal's tokens: `mal tokenize` output (Korean: --split-particles --repeat 2; English: --lower)
#     written as fastText lines (__label__L tokens), the same tokens Mal's best model reads;
#   - fastText on its own tokens: the raw text normalized as fastText's classification-example.sh does
#     (lower-cased, punctuation separated, <br /> dropped);
#     both fastText columns: `supervised` with settings tuned on the dev split (wordNgrams, epoch, lr below), and,
#     with AUTOTUNE=SECONDS (default 0 = off), fastText's own -autotune-validation on the dev split too; the
#     one with the better dev accuracy is refitted on all training rows and tested (P@1 = accuracy);
#   - Mal seed-style BiLSTM: the seed experiments' pipeline and BiLSTM (examples/nsmc.sh, sarcasm.sh, reuters.sh,
#     imdb.sh with Bidirectional(LSTM(64)) in place of its LSTM(64)).
#
# Environment: CORPORA (comma-separated: nsmc,imdb,reuters,sarcasm), SEEDS (default "1"), MODE (test or dev),
# COLUMNS (default "best fasttext seed"), ONLY (MODE=dev: the candidates whose label contains it), AUTOTUNE, MAL_CORPORA, MAL, OUT, THREADS as in examples/lib.sh;
# FT_VENV: the Python venv with fastText (default examples/quality/.venv, created with pip install fasttext-wheel).
# Python is used for fastText only (and to draw the table); Mal needs none.
select="${CORPORA:-nsmc,imdb,reuters,sarcasm}"
export KERAS=0
source "$(dirname "$0")/lib.sh"
SEEDS="${SEEDS:-1}"
MODE="${MODE:-test}"
COLUMNS_RUN="${COLUMNS:-best fasttext seed}"
AUTOTUNE="${AUTOTUNE:-0}"
FT_VENV="${FT_VENV:-examples/quality/.venv}"
FT="$FT_VENV/bin/python examples/quality/fasttext_run.py"
Q="$OUT/quality"
RESULTS="$Q/results-$MODE.jsonl"
mkdir -p "$Q"
[[ "${APPEND:-0}" == 1 ]] || : > "$RESULTS"

if [[ " $COLUMNS_RUN " == *" fasttext "* ]] && ! "$FT_VENV/bin/python" -c "import fasttext" 2>/dev/null; then
  say "creating $FT_VENV with fastText (pip install fasttext-wheel)"
  python3 -m venv "$FT_VENV"
  "$FT_VENV/bin/pip" install --quiet --upgrade pip >&2
  "$FT_VENV/bin/pip" install --quiet fasttext-wheel >&2 || "$FT_VENV/bin/pip" install --quiet fasttext >&2
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
# record KEY=VALUE... : one JSON object per line in $RESULTS (values that look like numbers stay numbers)
record() {
  "$PY_SYS" - "$@" >> "$RESULTS" <<'PYEOF'
import json, sys
row = {}
for item in sys.argv[1:]:
    key, value = item.split("=", 1)
    try:
        value = json.loads(value)
    except ValueError:
        pass
    row[key] = value
print(json.dumps(row, ensure_ascii=False))
PYEOF
}

# ---------------------------------------------------------------------------------------------------------------
# The corpora: train and test files, Mal's tokenizer options, fastText's dev-tuned settings per column.
declare -A TRAIN=([nsmc]=nsmc/ratings_train.txt [imdb]=imdb/train.tsv [reuters]=reuters/train.tsv [sarcasm]=sarcasm/train.tsv)
declare -A TEST=([nsmc]=nsmc/ratings_test.txt [imdb]=imdb/test.tsv [reuters]=reuters/test.tsv [sarcasm]=sarcasm/test.tsv)
declare -A TOKENS=([nsmc]="--split-particles --repeat 2" [imdb]="--lower" [reuters]="--lower" [sarcasm]="--lower")
# fastText settings (epoch lr wordNgrams), the best of a grid on the dev split (docs/experiments.md)
declare -A FT_MAL=([nsmc]="5 0.1 2" [imdb]="10 0.1 2" [reuters]="25 1.0 1" [sarcasm]="5 0.1 2")
declare -A FT_RAW=([nsmc]="5 0.1 2" [imdb]="10 0.1 2" [reuters]="25 1.0 1" [sarcasm]="10 0.5 2")

# ---------------------------------------------------------------------------------------------------------------
# fastText
prepare_fasttext() {
  local c="$1" dir="$Q/$1" tok n k
  mkdir -p "$dir"
  read -r -a tok <<< "${TOKENS[$c]}"
  [[ -s "$dir/raw.test.ft" ]] || {
    $FT normalize < "$CORPORA/${TRAIN[$c]}" > "$dir/raw.train.ft"
    $FT normalize < "$CORPORA/${TEST[$c]}" > "$dir/raw.test.ft"
  }
  [[ -s "$dir/mal.test.ft" ]] || {
    "$MAL" tokenize "${tok[@]}" --plain "$CORPORA/${TRAIN[$c]}" | $FT plain > "$dir/mal.train.ft"
    "$MAL" tokenize "${tok[@]}" --plain "$CORPORA/${TEST[$c]}" | $FT plain > "$dir/mal.test.ft"
  }
  for t in raw mal; do   # the dev split: the last 10% of the training rows, as mal train --validation-split 0.1
    n=$(wc -l < "$dir/$t.train.ft"); k=$(( n * 9 / 10 ))
    head -n "$k" "$dir/$t.train.ft" > "$dir/$t.fit.ft"
    tail -n +"$((k + 1))" "$dir/$t.train.ft" > "$dir/$t.dev.ft"
  done
}

# run_fasttext CORPUS raw|mal: dev-tuned settings against autotune on the dev split, then the winner on all the
# training rows and the test rows, once per seed
run_fasttext() {
  local c="$1" t="$2" dir="$Q/$1" fixed choice ep lr ng seed tuned_json fixed_json dev_fixed dev_tuned
  if [[ $t == mal ]]; then fixed="${FT_MAL[$c]}"; else fixed="${FT_RAW[$c]}"; fi
  read -r ep lr ng <<< "$fixed"
  choice=(--epoch "$ep" --lr "$lr" --word-ngrams "$ng")
  if [[ "$AUTOTUNE" != 0 || "$MODE" == dev ]]; then
    fixed_json=$($FT train "$dir/$t.fit.ft" --test "$dir/$t.dev.ft" --epoch "$ep" --lr "$lr" --word-ngrams "$ng" --threads "$THREADS")
    dev_fixed=$(echo "$fixed_json" | "$PY_SYS" -c 'import json,sys; print(json.load(sys.stdin)["accuracy"])')
    record corpus="$c" column="fasttext-$t" mode=dev label="fastText $t tokens, epoch $ep lr $lr wordNgrams $ng" \
      accuracy="$dev_fixed" load="$(load)"
  fi
  if [[ "$AUTOTUNE" != 0 ]]; then
    say "$c fastText $t: autotune for $AUTOTUNE s on the dev split"
    tuned_json=$($FT train "$dir/$t.fit.ft" --test "$dir/$t.dev.ft" --valid "$dir/$t.dev.ft" --autotune "$AUTOTUNE" --threads "$THREADS")
    dev_tuned=$(echo "$tuned_json" | "$PY_SYS" -c 'import json,sys; print(json.load(sys.stdin)["autotune_valid"])')
    record corpus="$c" column="fasttext-$t" mode=dev label="fastText $t tokens, autotune $AUTOTUNE s" \
      accuracy="$dev_tuned" settings="$(echo "$tuned_json" | "$PY_SYS" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["settings"]))')" load="$(load)"
    if "$PY_SYS" -c "import sys; sys.exit(0 if $dev_tuned > $dev_fixed else 1)"; then
      read -r -a choice <<< "$(echo "$tuned_json" | "$PY_SYS" -c 'import json,sys
s = json.load(sys.stdin)["settings"]
print("--epoch %d --lr %r --word-ngrams %d --dim %d --min-count %d --bucket %d --loss %s" % (s["epoch"], s["lr"], s["wordNgrams"], s["dim"], s["minCount"], s["bucket"], s["loss"]))')"
    fi
  fi
  [[ "$MODE" == dev ]] && return
  for seed in $SEEDS; do
    say "$c fastText $t, seed $seed: ${choice[*]}"
    local l0 json
    l0="$(load)"
    json=$($FT train "$dir/$t.train.ft" --test "$dir/$t.test.ft" "${choice[@]}" --threads "$THREADS" --seed "$seed" \
      --save "$dir/fasttext-$t-seed$seed.bin")
    record corpus="$c" column="fasttext-$t" mode=test seed="$seed" label="fastText $t tokens, ${choice[*]}" \
      accuracy="$(echo "$json" | "$PY_SYS" -c 'import json,sys; print(json.load(sys.stdin)["accuracy"])')" \
      train_seconds="$(echo "$json" | "$PY_SYS" -c 'import json,sys; print(json.load(sys.stdin)["train_seconds"])')" \
      rows_per_second="$(echo "$json" | "$PY_SYS" -c 'import json,sys; print(json.load(sys.stdin)["rows_per_second"])')" \
      load_start="$l0" load_end="$(load)"
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Mal
# prepare NAME CORPUS "TOKENIZE OPTIONS" "VOCAB OPTIONS" "PAD OPTIONS": the literal pipeline on the training rows,
# $Q/CORPUS/NAME.tsv (with its #mal line, so the model stores the preprocessing and evaluates raw text)
prepare() {
  local name="$1" c="$2" tok voc pad
  read -r -a tok <<< "$3"; read -r -a voc <<< "$4"; read -r -a pad <<< "$5"
  [[ -s "$Q/$c/$name.tsv" ]] && return
  "$MAL" tokenize ${tok[@]+"${tok[@]}"} "$CORPORA/${TRAIN[$c]}" \
    | "$MAL" vocab --save "$Q/$c/$name.vocab.txt" ${voc[@]+"${voc[@]}"} \
    | "$MAL" pad ${pad[@]+"${pad[@]}"} > "$Q/$c/$name.tsv.tmp"
  mv "$Q/$c/$name.tsv.tmp" "$Q/$c/$name.tsv"
}

# vectors NAME CORPUS "TOKENIZE OPTIONS" DIM TEXT...: mal word2vec (skip-gram, 5 epochs, min count 3) on the
# training rows' text and the given unlabeled files, tokenized as the classifier's input; keeps its time
vectors() {
  local name="$1" c="$2" dim="$4" tok start
  read -r -a tok <<< "$3"
  shift 4
  [[ -s "$Q/$c/$name.vec" ]] && return
  say "$c: word vectors $name"
  start=$(now)
  cat "$@" <(tail -n +2 "$CORPORA/${TRAIN[$c]}" | cut -f2) \
    | "$MAL" tokenize ${tok[@]+"${tok[@]}"} \
    | "$MAL" word2vec train -o "$Q/$c/$name.vec" --dim "$dim" --epochs 5 --min-count 3 --threads "$THREADS" >&2
  elapsed "$start" > "$Q/$c/$name.vec.seconds"
}

# run_mal CORPUS COLUMN LABEL ROWS [VECTORS-NAME] -- TRAIN OPTIONS: train on the rows (MODE=dev: with the last 10%
# held out, scored on them; MODE=test: scored with mal evaluate on the raw test file), once per seed
run_mal() {
  local c="$1" column="$2" label="$3" rows="$Q/$1/$4.tsv" vec="" seed s start train_s eval_s l0 l1 w2v_s=0
  shift 4
  if [[ "$1" != -- ]]; then vec="$1"; shift; fi
  shift
  local extra=()
  if [[ -n "$vec" ]]; then
    extra=(--embedding "$Q/$c/$vec.vec")
    w2v_s=$(cat "$Q/$c/$vec.vec.seconds" 2>/dev/null || echo 0)
  fi
  for seed in $SEEDS; do
    s="$Q/$c/$(echo "$column-$label-$MODE-seed$seed" | tr -c 'A-Za-z0-9\n-' '_')"
    say "$c $column ($MODE), seed $seed: $label"
    l0="$(load)"
    start=$(now)
    if [[ "$MODE" == dev ]]; then
      "$MAL" train -o "$s.safetensors" --threads "$THREADS" --seed "$seed" ${extra[@]+"${extra[@]}"} "$@" \
        --validation-split 0.1 --history "$s.history.csv" "$rows" 2> "$s.log" || { cat "$s.log" >&2; return 1; }
      train_s=$(elapsed "$start")
      l1="$(load)"
      # the epoch whose weights were kept: the lowest validation loss with --early-stopping, else the last
      record corpus="$c" column="$column" mode=dev seed="$seed" label="$label" train_seconds="$train_s" \
        accuracy="$("$PY_SYS" - "$s.history.csv" "$*" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
best = min(rows, key=lambda r: float(r["val_loss"])) if "--early-stopping" in sys.argv[2] else rows[-1]
print(best["val_accuracy"])
PYEOF
)" epochs="$(($(wc -l < "$s.history.csv") - 1))" load_start="$l0" load_end="$l1"
    else
      local hold=()
      [[ " $* " == *" --early-stopping "* ]] && hold=(--validation-split 0.1)
      "$MAL" train -o "$s.safetensors" --threads "$THREADS" --seed "$seed" ${extra[@]+"${extra[@]}"} "$@" \
        ${hold[@]+"${hold[@]}"} --history "$s.history.csv" "$rows" 2> "$s.log" || { cat "$s.log" >&2; return 1; }
      train_s=$(elapsed "$start")
      l1="$(load)"
      start=$(now)
      "$MAL" evaluate --json "$s.safetensors" "$CORPORA/${TEST[$c]}" > "$s.eval.json"
      eval_s=$(elapsed "$start")
      record corpus="$c" column="$column" mode=test seed="$seed" label="$label" train_seconds="$train_s" \
        vectors_seconds="$w2v_s" eval_seconds="$eval_s" \
        accuracy="$("$PY_SYS" -c 'import json,sys; print(json.load(open(sys.argv[1]))["accuracy"])' "$s.eval.json")" \
        macro_f1="$("$PY_SYS" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("macro_f1"))' "$s.eval.json")" \
        rows_per_second="$("$PY_SYS" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"] / float(sys.argv[2]))' "$s.eval.json" "$eval_s")" \
        epochs="$(($(wc -l < "$s.history.csv") - 1))" load_start="$l0" load_end="$l1" \
        dev_accuracy="$("$PY_SYS" - "$s.history.csv" <<'PYEOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r.get("val_loss")]
print(min(rows, key=lambda r: float(r["val_loss"]))["val_accuracy"] if rows else "null")
PYEOF
)"
    fi
    tail -1 "$RESULTS" >&2
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Mal's seed-style BiLSTM per corpus (the seed experiments' pipelines)
seed_bilstm() {
  local c="$1"
  case "$c" in
    nsmc)
      prepare seed "$c" "--split-particles --repeat 2" "--max-size 20000 --split-unknown" "--maxlen 48"
      run_mal "$c" seed "BiLSTM(64), split-unknown 20k, maxlen 48, 2 epochs" seed -- \
        --arch bilstm --units 64 --embedding-dim 128 --mask-zero --epochs 2 --batch-size 64 ;;
    imdb)
      prepare seed "$c" "--keras" "--max-size 1000" "--maxlen 100"
      run_mal "$c" seed "Embedding(1000,32) BiLSTM(64), keras tokens, maxlen 100, 5 epochs" seed -- \
        --arch bilstm --units 64 --embedding-dim 32 --epochs 5 --batch-size 64 ;;
    reuters)
      prepare seed "$c" "--keras" "--max-size 30000" "--maxlen 49 --truncating post"
      run_mal "$c" seed "Embedding(30000,64) BiLSTM(20), keras tokens, maxlen 49, 15 epochs" seed -- \
        --vocab-size 30000 --arch bilstm --units 20 --embedding-dim 64 --epochs 15 --batch-size 50 ;;
    sarcasm)
      prepare seed "$c" "--keras" "--unk <OOV> --order keras --max-size 10000" "--maxlen 40 --padding post --truncating post"
      run_mal "$c" seed "Embedding(10000,16) BiLSTM(32) Dense(24), keras tokens, maxlen 40, 5 epochs" seed -- \
        --vocab-size 10000 --arch bilstm --units 32 --embedding-dim 16 --dense 24 --epochs 5 --batch-size 32 ;;
  esac
}

# record_ensemble CORPUS LABEL SEED STEM MODEL TRAIN_SECONDS DEV_ACCURACY LOAD_START LOAD_END: an ensemble's result,
# its dev accuracy (MODE=dev) or its accuracy on the raw test file (MODE=test, scored here with mal evaluate)
record_ensemble() {
  local c="$1" label="$2" seed="$3" s="$4" model="$5" train_s="$6" dev="$7" l0="$8" l1="$9" start eval_s
  if [[ "$MODE" == dev ]]; then
    record corpus="$c" column=best mode=dev seed="$seed" label="$label" train_seconds="$train_s" accuracy="$dev" \
      load_start="$l0" load_end="$l1"
  else
    start=$(now)
    "$MAL" evaluate --json "$model" "$CORPORA/${TEST[$c]}" > "$s.eval.json"
    eval_s=$(elapsed "$start")
    record corpus="$c" column=best mode=test seed="$seed" label="$label" train_seconds="$train_s" \
      vectors_seconds=0 eval_seconds="$eval_s" \
      accuracy="$("$PY_SYS" -c 'import json,sys; print(json.load(open(sys.argv[1]))["accuracy"])' "$s.eval.json")" \
      macro_f1="$("$PY_SYS" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("macro_f1"))' "$s.eval.json")" \
      rows_per_second="$("$PY_SYS" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"] / float(sys.argv[2]))' "$s.eval.json" "$eval_s")" \
      load_start="$l0" load_end="$l1" dev_accuracy="$dev"
  fi
  tail -1 "$RESULTS" >&2
}

# examples/nsmc-best.sh's ensemble as a candidate: with HOLDOUT=1 its members hold out the last 10% of the training
# rows (the dev split) and it scores the ensemble on them, which MODE=dev reads; MODE=test runs the script's default
# (every member on all the training rows, for the epochs early stopping kept) and mal evaluate on test.
ensemble_nsmc() {
  local c=nsmc label="$1" seed s l0 l1 start train_s eval_s chosen="BEST_nsmc"
  if [[ "$MODE" == dev && -n "${ONLY:-}" && "$label" != *"$ONLY"* ]]; then return; fi
  [[ "$MODE" == dev || "$label" == "${!chosen}" ]] || return 0
  for seed in $SEEDS; do
    s="$Q/$c/ensemble-seed$seed"
    say "$c best ($MODE), seed $seed: $label"
    l0="$(load)"
    # MODE=dev: the members hold out the last 15,000 training reviews and the script scores the ensemble on them;
    # MODE=test: the script's default, every member trained on all the training reviews.
    HOLDOUT="$([[ "$MODE" == dev ]] && echo 1 || echo 0)" OUT="$s" SEED="$seed" THREADS="$THREADS" MAL_CORPORA="$CORPORA" \
      examples/nsmc-best.sh > "$s.log" 2>&1 || { cat "$s.log" >&2; return 1; }
    l1="$(load)"
    # the members' training (word vectors included), as the script reports it
    train_s=$(sed -n 's/.* trained in \([0-9]*\) s;.*/\1/p' "$s.log")
    local dev
    dev=$(sed -n 's/^held-out training reviews: rows [0-9,]*  loss [0-9.]*  accuracy \([0-9.]*\).*/\1/p' "$s.log")
    dev="${dev:-null}"
    record_ensemble "$c" "$label" "$seed" "$s" "$s/nsmc.safetensors" "$train_s" "$dev" "$l0" "$l1"
  done
}

# ensemble CORPUS LABEL MEMBER...: each MEMBER "ROWS :: TRAIN OPTIONS" (quoted as on a command line) is trained with
# the last 10% of the training rows held out (the dev split; early stopping reads it), mal ensemble joins them with
# equal weights, and mal evaluate scores the ensemble on the held-out rows (its dev accuracy) and, MODE=test, on the
# raw test file. Train time is the members' together.
ensemble() {
  local c="$1" label="$2" chosen="BEST_$1" seed s l0 l1 start train_s eval_s dev member rows options i
  shift 2
  if [[ "$MODE" == dev && -n "${ONLY:-}" && "$label" != *"$ONLY"* ]]; then return; fi
  [[ "$MODE" == dev || "$label" == "${!chosen}" ]] || return 0
  local held="$Q/$c/held.tsv" n
  n=$(( $(tail -n +2 "$CORPORA/${TRAIN[$c]}" | wc -l) ))
  { head -1 "$CORPORA/${TRAIN[$c]}"; tail -n "$(( n - n * 9 / 10 ))" "$CORPORA/${TRAIN[$c]}"; } > "$held"
  for seed in $SEEDS; do
    s="$Q/$c/$(echo "best-$label-$MODE-seed$seed" | tr -c 'A-Za-z0-9\n-' '_')"
    say "$c best ($MODE), seed $seed: $label"
    l0="$(load)"
    start=$(now)
    local models=()
    i=0
    for member in "$@"; do
      i=$((i + 1))
      rows="${member%% :: *}"
      eval "options=(${member#* :: })"
      "$MAL" train -o "$s.member$i.safetensors" --threads "$THREADS" --seed "$seed" "${options[@]}" \
        --validation-split 0.1 "$Q/$c/$rows.tsv" 2> "$s.member$i.log" || { cat "$s.member$i.log" >&2; return 1; }
      models+=("$s.member$i.safetensors")
    done
    "$MAL" ensemble "${models[@]}" -o "$s.safetensors"
    train_s=$(elapsed "$start")
    l1="$(load)"
    dev=$("$MAL" evaluate --json "$s.safetensors" "$held" | "$PY_SYS" -c 'import json,sys; print(json.load(sys.stdin)["accuracy"])')
    record_ensemble "$c" "$label" "$seed" "$s" "$s.safetensors" "$train_s" "$dev" "$l0" "$l1"
  done
}

# Mal's best per corpus: every candidate on the dev split (MODE=dev), the chosen one (BEST_<corpus>, the label of the
# candidate with the best dev accuracy) on the test rows (MODE=test).
# candidate CORPUS LABEL ROWS [VECTORS] -- TRAIN OPTIONS
candidate() {
  local c="$1" label="$2" chosen="BEST_$1"
  if [[ "$MODE" == dev && -n "${ONLY:-}" && "$label" != *"$ONLY"* ]]; then return; fi   # ONLY=TEXT: those candidates
  if [[ "$MODE" == dev || "$label" == "${!chosen}" ]]; then
    shift 2
    run_mal "$c" best "$label" "$@"
  fi
}

BEST_nsmc="${BEST_nsmc:-nsmc-best.sh: an ensemble of 3 BiLSTMs (words, Unigram 32k sampled, BPE 32k over jamo) and a bag of character 1-3-grams}"
best_nsmc() {
  local c=nsmc tok="--split-particles --repeat 2"
  ensemble_nsmc "nsmc-best.sh: an ensemble of 3 BiLSTMs (words, Unigram 32k sampled, BPE 32k over jamo) and a bag of character 1-3-grams"
  vectors ko128 "$c" "$tok" 128 "$CORPORA/nsmc/reviews_unlabeled.txt"
  prepare w40k "$c" "$tok" "--max-size 40000 --split-unknown" "--maxlen 48"
  candidate "$c" "nsmc-best: w2v 128 + BiLSTM(64), split-unknown 40k, maxlen 48, early stopping" w40k ko128 -- \
    --mask-zero --epochs 3 --early-stopping 1
  candidate "$c" "nsmc-best + --lr-schedule cosine (3 epochs)" w40k ko128 -- \
    --mask-zero --epochs 3 --lr-schedule cosine --early-stopping 1
}

BEST_imdb="${BEST_imdb:-ensemble: NBOW over 1-3-grams + NBOW over 1-2-grams + NBOW over words}"
best_imdb() {
  local c=imdb tok="--lower"
  prepare w30k "$c" "$tok" "--max-size 30000 --split-unknown" "--maxlen 400"
  candidate "$c" "NBOW: Embedding(30000,64,mask_zero) GlobalAveragePooling1D, maxlen 400" w30k -- \
    --model "Embedding(30000,64,mask_zero) GlobalAveragePooling1D" --epochs 10 --lr 0.005 --early-stopping 1
  # word n-grams (tokenize --ngrams): fastText's bigrams and trigrams as tokens, a bag of embeddings over them
  prepare g3 "$c" "$tok --ngrams 3" "--max-size 1500000" "--maxlen 1500 --truncating post"
  candidate "$c" "NBOW over 1-3-grams: Embedding(1.5M,64,mask_zero) GlobalAveragePooling1D, maxlen 1500" g3 -- \
    --model "Embedding($(wc -l < "$Q/$c/g3.vocab.txt"),64,mask_zero) GlobalAveragePooling1D" --epochs 10 --lr 0.005 --early-stopping 1
  prepare g2 "$c" "$tok --ngrams 2" "--max-size 1000000" "--maxlen 1000 --truncating post"
  candidate "$c" "NBOW over 1-2-grams: Embedding(1M,64,mask_zero) GlobalAveragePooling1D, maxlen 1000" g2 -- \
    --model "Embedding($(wc -l < "$Q/$c/g2.vocab.txt"),64,mask_zero) GlobalAveragePooling1D" --epochs 10 --lr 0.005 --early-stopping 1
  ensemble "$c" "ensemble: NBOW over 1-3-grams + NBOW over 1-2-grams + NBOW over words" \
    "g3 :: --model 'Embedding($(wc -l < "$Q/$c/g3.vocab.txt"),64,mask_zero) GlobalAveragePooling1D' --epochs 10 --lr 0.005 --early-stopping 1" \
    "g2 :: --model 'Embedding($(wc -l < "$Q/$c/g2.vocab.txt"),64,mask_zero) GlobalAveragePooling1D' --epochs 10 --lr 0.005 --early-stopping 1" \
    "w30k :: --model 'Embedding(30000,64,mask_zero) GlobalAveragePooling1D' --epochs 10 --lr 0.005 --early-stopping 1"
  prepare w30k200 "$c" "$tok" "--max-size 30000 --split-unknown" "--maxlen 200"
  candidate "$c" "BiGRU(32): Embedding(30000,64,mask_zero) Bidirectional(GRU(32)), maxlen 200, 2 epochs" w30k200 -- \
    --model "Embedding(30000,64,mask_zero) Bidirectional(GRU(32))" --epochs 2
}

BEST_reuters="${BEST_reuters:-linear SVM solved by newton: TFIDF(35k, sublinear_tf, ignore_unseen) UnitNormalization, squared hinge, L2 by 5-fold CV}"
best_reuters() {
  local c=reuters tok="--lower"
  prepare w200 "$c" "$tok" "--max-size 30000" "--maxlen 200 --truncating post"
  candidate "$c" "NBOW: Embedding(30000,128,mask_zero) GlobalAveragePooling1D, maxlen 200" w200 -- \
    --model "Embedding(30000,128,mask_zero) GlobalAveragePooling1D" --epochs 15 --lr 0.005 --batch-size 32
  # every word of the training stories (35k) and up to 1,000 of each story's (the longest have 1,185; maxlen 200 cuts more than a tenth of them)
  prepare wall1000 "$c" "$tok" "" "--maxlen 1000 --truncating post"
  candidate "$c" "NBOW over every word: Embedding(35k,128,mask_zero) GlobalAveragePooling1D, maxlen 1000" wall1000 -- \
    --model "Embedding($(wc -l < "$Q/$c/wall1000.vocab.txt"),128,mask_zero) GlobalAveragePooling1D" --epochs 15 --lr 0.005 --batch-size 32
  # a linear SVM over TF-IDF bags (scikit-learn's TfidfVectorizer + LinearSVC, the classic baseline of topic
  # classification) as Keras writes one: TF-IDF of every word, L2-normalized, Dense(52) with the squared hinge and an
  # L2 penalty (scikit-learn's C = 1 / (2 λ rows classes) ≈ 1.5), the learning rate decayed to 0 so that it settles
  candidate "$c" "linear SVM over TF-IDF of every word: TFIDF(35k) UnitNormalization, squared hinge, L2 1e-6, 30 epochs cosine" wall1000 -- \
    --model "TFIDF($(wc -l < "$Q/$c/wall1000.vocab.txt")) UnitNormalization" --loss squared_hinge --kernel-l2 1e-6 \
    --lr 0.01 --lr-schedule cosine --epochs 30
  # the same model solved to its minimum (--optimizer newton, liblinear's method) with scikit-learn's counting
  # (sublinear_tf, ignore_unseen) and the penalty chosen by 5-fold cross-validation of the training rows; the four
  # TFIDF variants were compared by that cross-validation (docs/experiments.md)
  candidate "$c" "linear SVM solved by newton: TFIDF(35k, sublinear_tf, ignore_unseen) UnitNormalization, squared hinge, L2 by 5-fold CV" wall1000 -- \
    --model "TFIDF($(wc -l < "$Q/$c/wall1000.vocab.txt"), sublinear_tf, ignore_unseen) UnitNormalization" --loss squared_hinge \
    --optimizer newton --kernel-l2 1e-8,3e-8,1e-7,3e-7,1e-6 --cross-validate 5
  candidate "$c" "NBOW, maxlen 200, --balance-classes" w200 -- \
    --model "Embedding(30000,128,mask_zero) GlobalAveragePooling1D" --epochs 15 --lr 0.005 --batch-size 32 --balance-classes
  candidate "$c" "Kim CNN: Embedding(30000,64) Conv1D(128,3,relu) GlobalMaxPooling1D, maxlen 200" w200 -- \
    --model "Embedding(30000,64) Conv1D(128,3,relu) GlobalMaxPooling1D Dropout(0.5)" --epochs 6 --batch-size 32
  # word n-grams (tokenize --ngrams 2): a bag of embeddings over words and bigrams, alone and beside the words' one
  prepare r2 "$c" "$tok --ngrams 2" "--min-count 2" "--maxlen 400 --truncating post"
  local nbow="--model 'Embedding(30000,128,mask_zero) GlobalAveragePooling1D' --epochs 15 --lr 0.005 --batch-size 32"
  local nbow2="--model 'Embedding($(wc -l < "$Q/$c/r2.vocab.txt"),128,mask_zero) GlobalAveragePooling1D' --epochs 15 --lr 0.005 --batch-size 32"
  candidate "$c" "NBOW over 1-2-grams (min count 2), maxlen 400" r2 -- \
    --model "Embedding($(wc -l < "$Q/$c/r2.vocab.txt"),128,mask_zero) GlobalAveragePooling1D" --epochs 15 --lr 0.005 --batch-size 32
  ensemble "$c" "ensemble: NBOW over words + NBOW over 1-2-grams" "w200 :: $nbow" "r2 :: $nbow2"
}

BEST_sarcasm="${BEST_sarcasm:-ensemble: BiLSTM(32) Dense(24) + NBOW over 1-3-grams}"
best_sarcasm() {
  local c=sarcasm tok="--lower"
  prepare w40 "$c" "$tok" "--max-size 20000" "--maxlen 40 --padding post --truncating post"
  candidate "$c" "BiLSTM(32) Dense(24) on --lower tokens, early stopping" w40 -- \
    --vocab-size 20000 --arch bilstm --units 32 --embedding-dim 64 --dense 24 --mask-zero --epochs 5 --early-stopping 1 --batch-size 32
  candidate "$c" "BiLSTM(32) Dense(24) on --lower tokens, 2 epochs, cosine" w40 -- \
    --vocab-size 20000 --arch bilstm --units 32 --embedding-dim 64 --dense 24 --mask-zero --epochs 2 --lr-schedule cosine --batch-size 32
  candidate "$c" "BiLSTM(32) Dense(24) on --lower tokens, 2 epochs, cosine, dropout 0.3, label smoothing 0.1" w40 -- \
    --vocab-size 20000 --arch bilstm --units 32 --embedding-dim 64 --dense 24 --mask-zero --epochs 2 --lr-schedule cosine --batch-size 32 \
    --dropout 0.3 --label-smoothing 0.1
  candidate "$c" "Kim CNN: Embedding(20000,128) Conv1D(128,3,relu) GlobalMaxPooling1D, 3 epochs" w40 -- \
    --model "Embedding(20000,128) Conv1D(128,3,relu) GlobalMaxPooling1D Dropout(0.5)" --epochs 3
  candidate "$c" "Kim CNN: Embedding(20000,64) Conv1D(128,3,relu) GlobalMaxPooling1D, early stopping" w40 -- \
    --model "Embedding(20000,64) Conv1D(128,3,relu) GlobalMaxPooling1D Dropout(0.5)" --epochs 5 --early-stopping 1
  candidate "$c" "BiLSTM(32) + GlobalMaxPooling1D, label smoothing 0.1, cosine, early stopping" w40 -- \
    --model "Embedding(20000,64,mask_zero) Bidirectional(LSTM(32,return_sequences)) GlobalMaxPooling1D Dropout(0.5)" \
    --epochs 5 --early-stopping 1 --label-smoothing 0.1 --lr-schedule cosine --batch-size 32
  # word n-grams (tokenize --ngrams): a bag of embeddings over words, bigrams and trigrams, alone and beside the BiLSTM
  prepare s3 "$c" "$tok --ngrams 3" "" "--maxlen 120 --truncating post"
  prepare s2 "$c" "$tok --ngrams 2" "" "--maxlen 80 --truncating post"
  local nbow3="--model 'Embedding($(wc -l < "$Q/$c/s3.vocab.txt"),64,mask_zero) GlobalAveragePooling1D' --epochs 10 --lr 0.005 --early-stopping 1"
  local nbow2="--model 'Embedding($(wc -l < "$Q/$c/s2.vocab.txt"),64,mask_zero) GlobalAveragePooling1D' --epochs 10 --lr 0.005 --early-stopping 1"
  local bilstm="--vocab-size 20000 --arch bilstm --units 32 --embedding-dim 64 --dense 24 --mask-zero --epochs 5 --early-stopping 1 --batch-size 32"
  candidate "$c" "NBOW over 1-3-grams: Embedding(all,64,mask_zero) GlobalAveragePooling1D, early stopping" s3 -- \
    --model "Embedding($(wc -l < "$Q/$c/s3.vocab.txt"),64,mask_zero) GlobalAveragePooling1D" --epochs 10 --lr 0.005 --early-stopping 1
  candidate "$c" "linear SVM over TF-IDF of 1-3-grams: TFIDF(all) UnitNormalization, squared hinge, L2 1e-6, 10 epochs cosine" s3 -- \
    --model "TFIDF($(wc -l < "$Q/$c/s3.vocab.txt")) UnitNormalization" --loss squared_hinge --kernel-l2 1e-6 \
    --lr 0.01 --lr-schedule cosine --epochs 10
  ensemble "$c" "ensemble: BiLSTM(32) Dense(24) + NBOW over 1-3-grams" "w40 :: $bilstm" "s3 :: $nbow3"
  ensemble "$c" "ensemble: BiLSTM(32) Dense(24) + NBOW over 1-3-grams + NBOW over 1-2-grams" "w40 :: $bilstm" "s3 :: $nbow3" "s2 :: $nbow2"
}

# ---------------------------------------------------------------------------------------------------------------
say "quality ($MODE): $(lscpu | sed -n 's/^Model name: *//p'), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, load $(load)"
record info=start mode="$MODE" cpu="$(lscpu | sed -n 's/^Model name: *//p')" openblas_coretype="${OPENBLAS_CORETYPE:-unset}" \
  load="$(load)" date="$(date -u '+%Y-%m-%d %H:%M UTC')" mal="$("$MAL" --version 2>/dev/null || echo unknown)"
IFS=, read -r -a chosen <<< "$select"
for c in "${chosen[@]}"; do
  [[ -n "${TRAIN[$c]:-}" ]] || { echo "quality: unknown corpus '$c' (nsmc, imdb, reuters, sarcasm)" >&2; exit 64; }
  [[ -f "$CORPORA/${TRAIN[$c]}" ]] || { echo "quality: no $CORPORA/${TRAIN[$c]} (set MAL_CORPORA or run Corpora/fetch.sh)" >&2; exit 1; }
  mkdir -p "$Q/$c"
  if [[ " $COLUMNS_RUN " == *" fasttext "* ]]; then
    prepare_fasttext "$c"
    run_fasttext "$c" mal
    run_fasttext "$c" raw
  fi
  [[ " $COLUMNS_RUN " == *" best "* ]] && "best_$c"
  [[ " $COLUMNS_RUN " == *" seed "* ]] && seed_bilstm "$c"
done
record info=end load="$(load)" date="$(date -u '+%Y-%m-%d %H:%M UTC')"
"$PY_SYS" examples/quality/table.py "$RESULTS" | tee "$OUT/quality$([[ $MODE == dev ]] && echo -dev).md"
