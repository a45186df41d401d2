#!/usr/bin/env bash
# Sets Mal up on Debian or Ubuntu with Swift installed: the C libraries it links (only those missing),
# a release build, and `mal` plus its stage names (tokenize, …) as symlinks in bin/.
# Safe to run again: it installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in pkg-config libutf8proc-dev libopenblas-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
mkdir -p bin
ln -sf ../.build/release/mal bin/mal
for stage in $(bin/mal --stage-names); do
  ln -sf mal "bin/$stage"
done
echo "setup: mal and its stages are in $(pwd)/bin; add it to PATH with: export PATH=\"\$PWD/bin:\$PATH\"" >&2
