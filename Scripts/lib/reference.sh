# Sourced first by every stage script in Scripts/bench/ and Scripts/interop/, right after `set -euo pipefail`:
#   source "$(dirname "$0")/../lib/reference.sh"
# It moves to the repository root (every path in the stage scripts is relative to it) and sets
#   $corpora  the real corpora: $MAL_CORPORA, default ../shared/corpora
#   $py       the python of the git-ignored venv (Scripts/.venv) that holds the reference tools
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
corpora="${MAL_CORPORA:-../shared/corpora}"
py=Scripts/.venv/bin/python

# swift_build CONFIGURATION [SWIFT-BUILD-ARGUMENTS…]: swift build -c CONFIGURATION (SwiftPM's progress lines
# dropped), then sets $bin to the folder that holds the products.
swift_build() {
  local configuration="$1"
  shift
  swift build -c "$configuration" "$@" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
  bin="$(swift build -c "$configuration" --show-bin-path)"
}

# release_mal, debug_mal: build the package in that configuration and set $mal to the mal binary.
release_mal() { swift_build release; mal="$bin/mal"; }
debug_mal() { swift_build debug; mal="$bin/mal"; }

# need_python CHECK PIP-ARGUMENTS…: creates Scripts/.venv if missing, then pip-installs PIP-ARGUMENTS unless the
# Python statement CHECK (e.g. "import numpy, keras") already runs there.
need_python() {
  local check="$1"
  shift
  [ -x "$py" ] || python3 -m venv Scripts/.venv
  "$py" -c "$check" 2>/dev/null || Scripts/.venv/bin/pip install -q "$@"
}

# work_dir: sets $work to a new temporary folder, removed when the script exits.
work_dir() {
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
}

# quiet_tf COMMAND…: runs COMMAND with TensorFlow's start-up chatter (oneDNN, CUDA, absl, …) dropped from its stderr.
quiet_tf() {
  "$@" 2> >(grep -vE 'oneDNN|^I0000|cuda|TF-TRT|computation placer|absl::InitializeLog|WARNING: All log messages' >&2)
}
