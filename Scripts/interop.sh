#!/usr/bin/env bash
# Interop checks against the real Python libraries (installed into the git-ignored Scripts/.venv):
# runs every Scripts/interop/NAME.sh, or just the ones named (Scripts/interop.sh vocab pad).
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for script in Scripts/interop/*.sh; do
    [ -e "$script" ] || continue
    name="${script#Scripts/interop/}"
    names+=("${name%.sh}")
  done
fi
[ ${#names[@]} -gt 0 ] || { echo "interop: no Scripts/interop/*.sh yet" >&2; exit 0; }
for name in "${names[@]}"; do
  echo "== interop: $name" >&2
  "Scripts/interop/$name.sh"
done
