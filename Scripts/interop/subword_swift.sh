#!/usr/bin/env bash
# huggingface/swift-transformers' Tokenizers (Swift, built on Linux) reads mal's tokenizer.json: ids against mal's.
#   Scripts/interop.sh subword_swift [REF]       (REF: a tag or commit of swift-transformers, default 1.1.9)
# Trains BPE, WordPiece and Unigram with `mal vocab build --subword KIND --max-size 8000 --vocab-format hf-json` on
# the same `mal tokenize` rows as the subword stage (the first 20,000 NSMC and 3,000 IMDB training reviews), then
# feeds the held-out lines (the first 5,000 NSMC and 3,000 IMDB test reviews) to Scripts/interop/swifttf's
# swifttf-ids, which loads the tokenizer.json folder with AutoTokenizer.from(modelFolder:) and prints
# encode(text:, addSpecialTokens: false), and to `mal vocab apply`. Prints lines compared and identical per corpus
# and kind with the first differing line. Exits 1 if swift-transformers does not build or does not load a file (its
# error printed); differing ids, which come from swift-transformers' own rules below, only with SWIFTTF_STRICT=1.
# swift-transformers needs a tokenizer_config.json beside tokenizer.json: it picks the model class from
# tokenizer_class, not from tokenizer.json, and takes unk_token from there. This script writes the smallest one that
# says what mal's tokenizer.json says: PreTrainedTokenizerFast (BPE), BertTokenizerFast with do_lower_case and
# tokenize_chinese_chars false (WordPiece; mal's file has no normalizer), T5TokenizerFast (Unigram), unk_token [UNK].
# Sources: SwiftPM here cannot reach GitHub, so swift-transformers, huggingface/swift-jinja and ibireme/yyjson come
# from bare git snapshots, $MAL_SNAPSHOTS/OWNER+NAME/repo (default ../.mirror, where the session tool fetch puts
# them), else from a `git clone --bare` of GitHub; apple/swift-collections, swift-crypto and swift-asn1 resolve as
# usual. swift-transformers REF is extracted (without blobs the snapshot lacks, e.g. a test resource) into the
# git-ignored out/swifttf/swift-transformers, which Scripts/interop/swifttf/Package.swift names by path; the other
# two are SwiftPM mirrors (out/swifttf/config/mirrors.json). Builds go to out/swifttf/build, at nice 19 with -j 1
# (about 3.5 minutes the first time on 2 cores, mostly swift-crypto). 1.1.9 is the newest release that resolves
# here: 1.2.0 and later depend on huggingface/swift-huggingface (>= 0.9.0 from 1.3.0) and its swift-xet, which have
# no snapshot (swift-huggingface's stops at 0.8.1; mattt/swift-xet is an Apple-only xcframework binary target).
# Needs the release build of mal and the corpora in $MAL_CORPORA (default ../shared/corpora); a missing corpus is
# skipped. The last run's files stay in out/swifttf/run.
# Seen with 1.1.9 and Swift 6.3.1 (it builds; every component mal writes loads): identical lines NSMC/IMDB BPE
# 4913/5000 and 2988/3000 (an unknown character is one [UNK] per UTF-8 byte: BPETokenizer hex-encodes pieces not in
# the vocabulary, its TODO for byte_fallback false), WordPiece 4969/5000 and 403/3000 (BertTokenizer splits at
# every punctuation character, its BasicTokenizer, whatever the pre_tokenizer: 7.52, it's), Unigram 5000/5000 and
# 2998/3000 (ties between the same pieces in another order: its lattice adds Float scores, HF and mal Double).
# HF tokenizers gives mal's ids on those lines; swift-transformers' main (eec09bd, 2026-06-29) has the same code.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
ref="${1:-1.1.9}"
snapshots="${MAL_SNAPSHOTS:-../.mirror}"
out=out/swifttf
package=Scripts/interop/swifttf

# source_repo OWNER NAME: sets $repo to a bare git repository of github.com/OWNER/NAME (a snapshot, else a clone
# kept in $out/git/NAME.git).
source_repo() {
  repo="$snapshots/$1+$2/repo"
  [ -d "$repo" ] && return 0
  repo="$out/git/$2.git"
  [ -d "$repo" ] && return 0
  if ! git clone -q --bare "https://github.com/$1/$2.git" "$repo" 2>/dev/null; then
    echo "subword_swift: no snapshot $snapshots/$1+$2/repo and no clone of https://github.com/$1/$2.git;" \
      "fetch it (github:$1/$2) or set MAL_SNAPSHOTS" >&2
    exit 1
  fi
}

mkdir -p "$out/git" "$out/config"
source_repo huggingface swift-transformers
if ! commit="$(git -C "$repo" rev-parse --verify -q "$ref^{commit}")"; then
  echo "subword_swift: $repo has no $ref" >&2
  exit 1
fi
# The source tree of $ref; `git archive` of a snapshot stops at a blob it lacks, so those paths are left out.
missing=()
while read -r object path; do
  git -C "$repo" cat-file -e "$object" 2>/dev/null || missing+=(":(exclude)$path")
done < <(git -C "$repo" ls-tree -r --format='%(objectname) %(path)' "$commit")
if [ "$(cat "$out/swift-transformers.commit" 2>/dev/null)" != "$commit" ]; then
  rm -rf "$out/swift-transformers"
  mkdir -p "$out/swift-transformers"
  git -C "$repo" archive "$commit" -- . ${missing[@]+"${missing[@]}"} 2>/dev/null |
    tar -x -C "$out/swift-transformers"
  echo "$commit" > "$out/swift-transformers.commit"
fi
echo "swift-transformers $ref ($commit)${missing[*]:+, without ${missing[*]#:(exclude)}};" \
  "$(swift --version 2>&1 | head -1)"

# Its dependencies that are not among the machine's Swift packages: mirrors named NAME (SwiftPM's package identity
# is the last path component) that point at the bare repositories.
mirrors=()
for dependency in huggingface/swift-jinja ibireme/yyjson; do
  source_repo "${dependency%/*}" "${dependency#*/}"
  ln -sfn "$(cd "$repo" && pwd)" "$out/git/${dependency#*/}"
  mirrors+=("{\"original\": \"https://github.com/$dependency.git\", \"mirror\": \"$PWD/$out/git/${dependency#*/}\"}")
done
(IFS=,; echo "{\"object\": [${mirrors[*]}], \"version\": 1}") > "$out/config/mirrors.json"

swifttf=(--package-path "$package" --scratch-path "$out/build" --config-path "$out/config")
start=$SECONDS
if ! nice -n 19 swift build -j 1 -c release "${swifttf[@]}" > "$out/build.log" 2>&1; then
  grep -E 'error:' "$out/build.log" | sort -u | head -20 >&2
  echo "subword_swift: swift-transformers $ref does not build here with $(swift --version 2>&1 | head -1)" \
    "(log: $out/build.log)" >&2
  exit 1
fi
ids="$(swift build -c release "${swifttf[@]}" --show-bin-path)/swifttf-ids"
echo "built swifttf-ids in $((SECONDS - start)) s"

release_mal
# The files of the last run stay in out/swifttf/run: NAME-KIND/ holds tokenizer.json, tokenizer_config.json and both
# tools' ids (mal.txt, swift.txt), beside the tokenized rows NAME.txt and NAME-test.txt.
work="$out/run"
rm -rf "$work"
mkdir -p "$work"

# column FILE NAME ROWS: the column NAME of `mal tokenize --plain` over the first ROWS rows of FILE.
column() {
  head -n "$(($3 + 1))" "$1" | "$mal" tokenize --plain --column "$2" |
    awk -F '\t' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }'
}

# pieces FOLDER WHO: ids at-2 … at+5 of line $first of FOLDER/WHO.txt, each as the id and its piece (mal vocab
# decode, one id at a time).
pieces() {
  sed -n "${first}p" "$1/$2.txt" | tr ' ' '\n' | sed -n "$((at > 2 ? at - 2 : 1)),$((at + 5))p" |
    while read -r id; do
      printf '%s=%s ' "$id" "$(echo "$id" | "$mal" vocab decode --format text --load "$1/tokenizer.json")"
    done
}

failures=0
differences=0
for spec in "nsmc nsmc/ratings_train.txt nsmc/ratings_test.txt document 20000 5000" \
  "imdb imdb/train.tsv imdb/test.tsv review 3000 3000"; do
  read -r name train test field train_rows test_rows <<< "$spec"
  if [ ! -f "$corpora/$train" ] || [ ! -f "$corpora/$test" ]; then
    echo "skipped $name: $corpora/$train or $corpora/$test is missing"
    continue
  fi
  column "$corpora/$train" "$field" "$train_rows" > "$work/$name.txt"
  column "$corpora/$test" "$field" "$test_rows" > "$work/$name-test.txt"
  for kind in bpe wordpiece unigram; do
    folder="$work/$name-$kind"
    mkdir -p "$folder"
    "$mal" vocab build "$work/$name.txt" --subword "$kind" --max-size 8000 --vocab-format hf-json \
      --save "$folder/tokenizer.json"
    case "$kind" in
      bpe) config='{"tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "[UNK]"}' ;;
      wordpiece) config='{"tokenizer_class": "BertTokenizerFast", "unk_token": "[UNK]", "do_lower_case": false,
        "tokenize_chinese_chars": false}' ;;
      unigram) config='{"tokenizer_class": "T5TokenizerFast", "unk_token": "[UNK]"}' ;;
    esac
    echo "$config" > "$folder/tokenizer_config.json"
    "$mal" vocab apply --format text --load "$folder/tokenizer.json" "$work/$name-test.txt" > "$folder/mal.txt"
    if ! "$ids" "$folder" < "$work/$name-test.txt" > "$folder/swift.txt" 2> "$folder/swift.err"; then
      echo "$name $kind: swift-transformers cannot use mal's tokenizer.json:" \
        "$(grep -m 1 -E 'Fatal error|cannot load' "$folder/swift.err" || head -3 "$folder/swift.err")"
      failures=$((failures + 1))
      continue
    fi
    # lines compared, identical lines, the first differing line and the first differing id in it (1-based)
    read -r lines same first at < <(awk '
      FNR == NR { mine[FNR] = $0; n = FNR; next }
      { m = FNR; if (mine[FNR] == $0) { same++; next } }
      !first { first = FNR; a = split(mine[FNR], x, " "); b = split($0, y, " ")
        for (at = 1; at <= a && at <= b && x[at] == y[at]; at++) {} }
      END { if (!first && m < n) { first = m + 1; at = 1 }
        print (n > m ? n : m), same + 0, first + 0, at + 0 }' "$folder/mal.txt" "$folder/swift.txt")
    echo "$name $kind: $lines lines compared, $same identical"
    if [ "$same" -ne "$lines" ]; then
      differences=$((differences + 1))
      echo "  first difference: line $first of $name-test.txt, id $at:" \
        "$(sed -n "${first}p" "$work/$name-test.txt" | cut -c1-200)"
      for who in mal swift; do
        printf '    %-6s ids %s: %s\n' "$who" "$((at > 2 ? at - 2 : 1))-$((at + 5))" "$(pieces "$folder" "$who")"
      done
    fi
  done
done
[ "$failures" -eq 0 ] || exit 1
# Differing ids are swift-transformers' known behaviour (see the header): reported, not a failure, unless asked.
if [ "$differences" -gt 0 ] && [ "${SWIFTTF_STRICT:-0}" = 1 ]; then exit 1; fi
