#!/usr/bin/env bash
# Runs Mal's libFuzzer targets (the package in Fuzz/, built with -sanitize=fuzzer,address) on its readers.
#   Scripts/fuzz.sh TARGET [SECONDS] [-- LIBFUZZER-FLAG...]   one target for SECONDS (default 60), at most 10 million
#                                                            executions; e.g. `-- -runs=1000` or `-- -jobs=2`
#   Scripts/fuzz.sh all [SECONDS]                            every target, one after the other
#   Scripts/fuzz.sh --list | --help
# Seeds come from real files: slices of the corpora ($MAL_CORPORA, default ../shared/corpora), Corpora/, the test
# fixtures, and small files the release `mal` writes (vocabularies in each format, .vec/.bin vectors, a model); they
# are made on first use in Fuzz/seeds/TARGET. What the fuzzer learns grows in Fuzz/corpus/TARGET; crashing, leaking
# and slow inputs go to Fuzz/artifacts/TARGET/. All three folders are git-ignored. The run ends with one line:
#   TARGET: N executions in Ss or less (E exec/s), coverage C, F findings
# and exits 1 if it found something. Results and how to keep a finding as a test: docs/reliability.md, "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(FuzzRecords FuzzTokenizer FuzzVocabulary FuzzVectors FuzzModel FuzzLayerSpec FuzzJSON FuzzIDRow FuzzSubword)
corpora="${MAL_CORPORA:-../shared/corpora}"

usage() {
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
  echo "targets: ${targets[*]}"
}

# build TARGET: the sanitized fuzz binary. SwiftPM names an executable's entry point after its module, so each
# target's @main hands the arguments to libFuzzer (FuzzSupport.runFuzzer); -parse-as-library lets it.
build() {
  swift build --package-path Fuzz -c release --product "$1" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 | grep -v -e '^\[' -e '__asan_extra_spill_area' >&2
}

# seed DIR NAME PREFIX FILE: FILE's bytes, after the option bytes PREFIX (printf escapes), as DIR/NAME.
seed() {
  printf "$3" > "$1/$2"
  cat "$4" >> "$1/$2"
}

# malFiles DIR: small files the release mal writes, into DIR: vocabularies, vectors, a model.
malFiles() {
  local dir="$1" mal=.build/release/mal
  [ -x "$mal" ] || swift build -c release --product mal 2>&1 | grep -v '^\[' >&2
  head -200 Corpora/sample-ko.tsv | "$mal" tokenize > "$dir/tokens.tsv"
  "$mal" vocab --save "$dir/vocab.txt" < "$dir/tokens.tsv" | "$mal" pad --maxlen 12 > "$dir/ids.tsv"
  "$mal" vocab --save "$dir/vocab.tsv" < "$dir/tokens.tsv" > /dev/null
  local format
  for format in keras-json hf-json; do
    "$mal" vocab export "$dir/vocab.txt" --format "$format" -o "$dir/vocab.$format"
  done
  "$mal" vocab build --subword bpe --max-size 500 --save "$dir/bpe.json" < "$dir/tokens.tsv"
  "$mal" vocab build --subword wordpiece --max-size 500 --save "$dir/wordpiece.json" < "$dir/tokens.tsv"
  "$mal" vocab build --subword wordpiece --max-size 500 --save "$dir/wordpiece.txt" < "$dir/tokens.tsv"
  tail -n +3 "$dir/tokens.tsv" | cut -f2 > "$dir/words.txt"
  "$mal" word2vec train -o "$dir/vectors.vec" --dim 4 --min-count 3 --epochs 1 --threads 1 --seed 1 \
    "$dir/words.txt" 2> /dev/null
  "$mal" word2vec train -o "$dir/vectors.bin" --dim 4 --min-count 3 --epochs 1 --threads 1 --seed 1 \
    "$dir/words.txt" 2> /dev/null
  "$mal" train -o "$dir/model.safetensors" --epochs 1 --units 2 --embedding-dim 2 --seed 1 < "$dir/ids.tsv" 2> /dev/null
  head -200 Corpora/sample-ko.tsv | "$mal" tokenize | "$mal" vocab --save "$dir/raw-vocab.txt" \
    | "$mal" pad --maxlen 8 | "$mal" train -o "$dir/raw-model.safetensors" --epochs 1 --units 2 --embedding-dim 2 \
    --seed 1 2> /dev/null
}

# makeSeeds: Fuzz/seeds/TARGET for every target, unless already made.
makeSeeds() {
  local root=Fuzz/seeds
  # The stamp names the targets the seeds were made for: a new target makes them all again.
  [ "$(cat "$root/.done" 2>/dev/null)" = "${targets[*]}" ] && return 0
  echo "fuzz: making seeds in $root" >&2
  rm -rf "$root"
  local target work="$root/mal-files" i=0 line
  for target in "${targets[@]}"; do mkdir -p "$root/$target"; done
  mkdir -p "$work"
  malFiles "$work"
  head -c 2000 "$corpora/nsmc/ratings_train.txt" > "$work/nsmc.tsv"
  head -c 3000 "$corpora/imdb/test.tsv" > "$work/imdb.tsv"
  printf '\xef\xbb\xbf' > "$work/bom-crlf.tsv"
  sed 's/$/\r/' "$work/nsmc.tsv" >> "$work/bom-crlf.tsv"

  # Records: option bytes format, column, header, bad UTF-8 (0 each: auto, automatic, no header, replace).
  for f in "$work/nsmc.tsv" "$work/imdb.tsv" "$work/bom-crlf.tsv" "$work/tokens.tsv" "$work/ids.tsv" \
    Corpora/sample-mixed.txt Corpora/sample-ko-ids.tsv; do
    seed "$root/FuzzRecords" "auto-${f##*/}" '\0\0\1\0' "$f"
    seed "$root/FuzzRecords" "strict-${f##*/}" '\0\0\1\1' "$f"
  done
  # Tokenizer: option bytes mode, normalization, flags; one line of text each.
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" > "$work/line"
    seed "$root/FuzzTokenizer" "line-$i" "\\$(printf %o $((i % 6)))\\$(printf %o $((i % 3)))\\$(printf %o $((i * 37 % 256)))" "$work/line"
  done < <(cut -f2 "$work/nsmc.tsv" | head -30; cut -f2 "$work/imdb.tsv" | head -5 | cut -c1-400; cat Corpora/sample-mixed.txt)
  # Vocabulary: option bytes format (0 detects), reserved tokens, num_words.
  seed "$root/FuzzVocabulary" txt '\1\0\0' "$work/vocab.txt"
  seed "$root/FuzzVocabulary" counts '\2\0\0' "$work/vocab.tsv"
  seed "$root/FuzzVocabulary" keras '\3\0\0' "$work/vocab.keras-json"
  seed "$root/FuzzVocabulary" hf '\4\0\0' "$work/vocab.hf-json"
  seed "$root/FuzzVocabulary" detect-counts '\0\0\0' "$work/vocab.tsv"
  seed "$root/FuzzVocabulary" keras-fixture '\0\0\0' Tests/MalVocabTests/Fixtures/keras-tokenizer.json
  seed "$root/FuzzVocabulary" hf-fixture '\0\0\0' Tests/MalVocabTests/Fixtures/hf-wordlevel.json
  # Vectors: option byte 0 text, 1 binary.
  seed "$root/FuzzVectors" text '\0' "$work/vectors.vec"
  seed "$root/FuzzVectors" binary '\1' "$work/vectors.bin"
  # Models: the files as they are.
  cp "$work/model.safetensors" "$work/raw-model.safetensors" "$root/FuzzModel/"
  cp Tests/MalModelTests/Fixtures/legacy-v1.safetensors Tests/MalRecurrentTests/Fixtures/python.safetensors "$root/FuzzModel/"
  # Layer strings: the documented examples.
  printf '%s' 'Embedding(20000,128,mask_zero) Bidirectional(LSTM(64,return_sequences)) Bidirectional(LSTM(32)) Dense(24,relu) Dense(1,sigmoid)' > "$root/FuzzLayerSpec/readme"
  printf '%s' 'Embedding(195,16) LSTM(8)' > "$root/FuzzLayerSpec/help"
  printf '%s' 'Embedding(100, 8, name=emb); GRU(units=4, reset_after=false, go_backwards) Dropout(0.5) GlobalMaxPooling1D Dense(3,softmax,use_bias=false)' > "$root/FuzzLayerSpec/options"
  printf '%s' 'SimpleRNN(4,tanh,return_sequences) Bidirectional(GRU(2),merge_mode=ave) GlobalAveragePooling1D() Dense(1)' > "$root/FuzzLayerSpec/pooling"
  # JSON: the vocabulary files, a #mal line and a model header.
  cp "$work/vocab.keras-json" "$work/vocab.hf-json" "$root/FuzzJSON/"
  head -1 "$work/ids.tsv" | cut -c6- > "$root/FuzzJSON/provenance"
  dd if="$work/raw-model.safetensors" bs=1 skip=8 count="$(od -An -tu4 -N4 "$work/raw-model.safetensors" | tr -d ' ')" \
    of="$root/FuzzJSON/model-header" status=none
  # Id rows: option bytes depth, maxlen, padding, truncating, value; rows from the sample and from pad.
  i=0
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" > "$work/line"
    seed "$root/FuzzIDRow" "row-$i" "\\$(printf %o $((i % 4)))\\$(printf %o $((i % 5)))\\$((i % 2))\\$((i / 2 % 2))\\0" "$work/line"
  done < <(tail -n +3 "$work/ids.tsv" | cut -f2 | head -20; tail -n +2 Corpora/sample-ko-ids.tsv | cut -f2 | head -10)
  # Subword vocabularies: option byte 0 a file, 1 the bytes as a model file stores them.
  seed "$root/FuzzSubword" bpe '\0' "$work/bpe.json"
  seed "$root/FuzzSubword" bpe-stored '\1' "$work/bpe.json"
  seed "$root/FuzzSubword" wordpiece '\0' "$work/wordpiece.json"
  seed "$root/FuzzSubword" wordpiece-txt '\0' "$work/wordpiece.txt"
  seed "$root/FuzzSubword" hf-fixture '\0' Tests/MalVocabTests/Fixtures/hf-wordlevel.json
  echo "${targets[*]}" > "$root/.done"
}

# run TARGET SECONDS FLAG...: one campaign, then its summary line; returns 1 on findings.
run() {
  local target="$1" seconds="$2"
  shift 2
  build "$target"
  makeSeeds
  local corpus="Fuzz/corpus/$target" artifacts="Fuzz/artifacts/$target" log
  mkdir -p "$corpus" "$artifacts"
  log="$(mktemp)"
  echo "== fuzz: $target for ${seconds}s" >&2
  # The Swift backtracer would race ASan's report; libFuzzer's own stack traces are enough.
  SWIFT_BACKTRACE=enable=no Fuzz/.build/release/"$target" -max_total_time="$seconds" -runs=10000000 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" ${@+"$@"} "$corpus" "Fuzz/seeds/$target" 2>&1 \
    | tee "$log" | grep -E --line-buffered '^#[0-9]+ +(pulse|DONE)|ERROR|SUMMARY|Test unit written' >&2 || true
  local runs rate cov findings
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
  findings="$(grep -c 'Test unit written' "$log" || true)"
  rm -f "$log"
  echo "$target: ${runs:-?} executions in ${seconds}s or less (${rate:-?} exec/s), coverage ${cov:-?}, $findings findings"
  [ "$findings" -eq 0 ]
}

case "${1:-}" in
  "" | --help | -h) usage; [ -n "${1:-}" ] || exit 64; exit 0 ;;
  --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
esac
target="$1"
shift
seconds=60
if [ $# -gt 0 ] && [ "$1" != -- ]; then seconds="$1"; shift; fi
if [ $# -gt 0 ]; then
  [ "$1" = -- ] || { echo "fuzz: libFuzzer flags go after --, not '$1'" >&2; exit 64; }
  shift
fi
case "$seconds" in '' | *[!0-9]*) echo "fuzz: SECONDS must be a whole number, not '$seconds'" >&2; exit 64 ;; esac
if [ "$target" = all ]; then
  status=0
  for target in "${targets[@]}"; do run "$target" "$seconds" ${@+"$@"} || status=1; done
  exit "$status"
fi
for t in "${targets[@]}"; do
  [ "$t" = "$target" ] && { run "$target" "$seconds" ${@+"$@"}; exit; }
done
echo "fuzz: unknown target '$target'; targets: ${targets[*]} (or all; --help for more)" >&2
exit 64
