#!/usr/bin/env bash
# Builds the release tarball dist/mal-VERSION-linux-x86_64.tar.gz: one `mal` binary that runs on a Linux x86_64
# machine with no Swift toolchain (for Spark executors, Hadoop nodes, containers), with its stage-name links,
# shell completions and man pages. VERSION is MalVersion.number (Sources/MalCLI/Version.swift); `mal --version`
# also prints the commit, which this script bakes in.
#
# Linking: the Swift standard library, Foundation and Dispatch statically (--static-swift-stdlib); utf8proc and
# OpenBLAS statically from the archives Debian's libutf8proc-dev and libopenblas-dev ship (through a folder that
# holds only those archives, so the linker cannot pick the shared objects). What is left is glibc, libstdc++ and
# libgcc_s, which every Debian/Ubuntu machine has; `ldd` in the check below lists them.
#
#   Scripts/release.sh            build, pack, then check the packed binary (ldd, a run with the toolchain hidden)
#   Scripts/release.sh --check    only check an existing tarball
# The build uses its own folder, .build-release (git-ignored), so it does not disturb `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(sed -n 's/^ *public static let number = "\(.*\)"$/\1/p' Sources/MalCLI/Version.swift)"
[ -n "$version" ] || { echo "release: no version number in Sources/MalCLI/Version.swift" >&2; exit 1; }
name="mal-$version-linux-x86_64"
tarball="dist/$name.tar.gz"
scratch=.build-release
flags=()

build() {
  local missing=() package
  for package in pkg-config libutf8proc-dev libopenblas-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "release: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi

  # The commit, baked in through a git-ignored generated file that only a -D MAL_BUILD_COMMIT build compiles.
  local commit
  commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-dirty"; fi
  cat > Sources/MalCLI/BuildCommit.generated.swift <<EOF
// Written by Scripts/release.sh; git-ignored. Compiled only with -D MAL_BUILD_COMMIT.
#if MAL_BUILD_COMMIT
enum MalBuildCommit { static let commit = "$commit" }
#endif
EOF

  # Only the archives: the linker takes libX.a from the first -L folder that has libX.so or libX.a.
  local archives="$scratch/static-libs"
  mkdir -p "$archives"
  ln -sf "$(readlink -f /usr/lib/x86_64-linux-gnu/libutf8proc.a)" "$archives/libutf8proc.a"
  ln -sf "$(readlink -f /usr/lib/x86_64-linux-gnu/libopenblas.a)" "$archives/libopenblas.a"

  echo "release: building mal $version ($commit) with the Swift runtime and the C libraries linked statically" >&2
  flags=(--scratch-path "$scratch" --static-swift-stdlib -Xswiftc -DMAL_BUILD_COMMIT
    -Xlinker -L"$PWD/$archives" -Xlinker -lpthread -Xlinker -lm)
  swift build -c release --product mal "${flags[@]}" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
  local binary
  binary="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/mal"

  local stage="$scratch/pack/$name"
  rm -rf "$scratch/pack"
  mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
    "$stage/share/zsh/site-functions" "$stage/share/fish/vendor_completions.d"
  cp "$binary" "$stage/bin/mal"
  strip "$stage/bin/mal"
  # The stage names, as Scripts/setup.sh makes them in bin/: the binary answers to the name it is called by.
  local s
  for s in $("$stage/bin/mal" --stage-names); do ln -sf mal "$stage/bin/$s"; done
  "$stage/bin/mal" --generate-completion-script bash > "$stage/share/bash-completion/completions/mal"
  "$stage/bin/mal" --generate-completion-script zsh > "$stage/share/zsh/site-functions/_mal"
  "$stage/bin/mal" --generate-completion-script fish > "$stage/share/fish/vendor_completions.d/mal.fish"
  man_pages "$stage/share/man/man1" "$stage/bin/mal"
  cp README.md "$stage/"
  # The newest glibc and libstdc++ symbol versions the binary asks for: the oldest systems it runs on.
  local glibc glibcxx
  glibc="$(objdump -T "$stage/bin/mal" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | sed 's/GLIBC_//')"
  glibcxx="$(objdump -T "$stage/bin/mal" | grep -o 'GLIBCXX_[0-9.]*' | sort -uV | tail -1 | sed 's/GLIBCXX_//')"
  cat > "$stage/INSTALL" <<EOF
mal $version ($commit), Linux x86_64. Needs glibc $glibc or newer and libstdc++ (GLIBCXX_$glibcxx: GCC 11 or
newer) with libgcc_s, as Debian 12 and Ubuntu 22.04 and later have; no Swift toolchain, no utf8proc, no OpenBLAS.

  tar -xzf $name.tar.gz && export PATH="\$PWD/$name/bin:\$PATH"
  mal --version

Man pages: share/man/man1 (MANPATH="\$PWD/$name/share/man:\$MANPATH"). Completions: share/bash-completion,
share/zsh/site-functions, share/fish/vendor_completions.d.
EOF
  mkdir -p dist
  tar -C "$scratch/pack" -czf "$tarball" "$name"
  echo "release: $tarball ($(du -h "$tarball" | cut -f1))" >&2
}

# man_pages FOLDER BINARY: one man page per command (mal.1, mal.tokenize.1, …) from swift-argument-parser's
# generate-manual, the tool behind its GenerateManual plugin, which reads `BINARY --experimental-dump-help`.
# The tool is called directly: the plugin (`swift package generate-manual`) would first build every product of
# the package again in a configuration of its own. Needs nothing from the network once the package resolves.
man_pages() {
  local folder="$1" binary="$2"
  # The same flags as mal's build, so that swift-argument-parser is compiled once for both.
  if swift build -c release --product generate-manual "${flags[@]}" >"$scratch/manual.log" 2>&1 \
    && "$(swift build -c release --scratch-path "$scratch" --show-bin-path)/generate-manual" "$binary" \
      --multi-page --output-directory "$folder" >>"$scratch/manual.log" 2>&1; then
    echo "release: $(ls "$folder" | wc -l) man pages" >&2
  else
    echo "release: generate-manual failed (see $scratch/manual.log); packing without man pages" >&2
  fi
}

# check: unpack the tarball into a new folder and run it there as a machine without Swift would.
check() {
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  tar -C "$work" -xzf "$tarball"
  local mal="$work/$name/bin/mal"
  echo "release: ldd $name/bin/mal:" >&2
  ldd "$mal" | sed 's/^/  /' >&2
  if ldd "$mal" | grep -qiE 'swift|Foundation|dispatch|BlocksRuntime|utf8proc|openblas|gfortran'; then
    echo "release: FAIL: the binary still loads a Swift runtime or C library that a worker may not have" >&2
    return 1
  fi
  # Hide the toolchain from the loader and from PATH: a private mount namespace with an empty folder over it.
  local toolchain
  toolchain="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")"
  local run=(env -i PATH=/usr/bin:/bin "$work/$name/bin/tokenize")
  local hide=()
  if unshare -m true 2>/dev/null; then
    hide=(unshare -m sh -c "mount -t tmpfs none '$toolchain' && \"\$@\"" sh)
  else
    echo "release: unshare -m is not allowed here: running with PATH and LD_LIBRARY_PATH cleared instead" >&2
  fi
  local got expected
  got="$(printf '배우들의 연기가 좋았어요ㅋㅋㅋㅋ 10점!\n' | "${hide[@]}" "${run[@]}" --split-particles --repeat 2)"
  expected="배우들 의 연기 가 좋았어요 ㅋㅋ 10 점 !"
  if [ "$got" != "$expected" ]; then
    echo "release: FAIL: tokenize from the tarball with $toolchain hidden gave '$got', expected '$expected'" >&2
    return 1
  fi
  # A whole pipeline from the tarball: the statically linked OpenBLAS trains, the model predicts every review.
  local reviews="$PWD/Corpora/sample-ko.tsv" rows
  cat > "$work/pipeline.sh" <<PIPELINE
set -e
cd "$work"
bin="$work/$name/bin"
"\$bin/tokenize" < "$reviews" | "\$bin/vocab" --save vocab.txt --max-size 2000 | "\$bin/pad" --maxlen 20 > ids.tsv
"\$bin/mal" train -o model.safetensors --epochs 2 --units 4 --embedding-dim 8 --seed 1 --threads 2 < ids.tsv 2> train.log
"\$bin/mal" predict model.safetensors --plain < ids.tsv | tail -n +2 | wc -l
PIPELINE
  rows="$("${hide[@]}" env -i PATH=/usr/bin:/bin sh "$work/pipeline.sh")" \
    || { echo "release: FAIL: tokenize | vocab | pad | train | predict from the tarball failed" >&2; return 1; }
  expected="$(tail -n +2 "$reviews" | grep -c .)"
  if [ "$rows" != "$expected" ]; then
    echo "release: FAIL: predict from the tarball wrote $rows rows for $expected reviews" >&2
    return 1
  fi
  "${hide[@]}" env -i "$mal" --version >&2
  [ ${#hide[@]} -eq 0 ] || "${hide[@]}" sh -c "test ! -e '$toolchain/usr/bin/swift'" \
    || { echo "release: FAIL: the toolchain was not hidden" >&2; return 1; }
  echo "release: ok: the packed binary tokenizes, trains and predicts with $toolchain hidden${hide[*]:+ (empty tmpfs over it)}" >&2
}

case "${1:-}" in
  --check) check ;;
  "") build && check ;;
  *) echo "usage: Scripts/release.sh [--check]" >&2; exit 64 ;;
esac
