# Sourced by the bench-* and interop-* scripts (from the repository root): mal's release build and the
# git-ignored venv (Scripts/.venv) that holds the reference tools.

# Builds mal in release mode (SwiftPM's progress lines dropped) and sets $mal to the binary.
release_mal() {
  swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
  mal="$(swift build -c release --show-bin-path)/mal"
}

# need_python CHECK PIP-ARGUMENTS…: creates Scripts/.venv if missing, then pip-installs PIP-ARGUMENTS unless the
# Python statement CHECK (e.g. "import numpy, keras") already runs there.
need_python() {
  local check="$1"
  shift
  [ -x Scripts/.venv/bin/python ] || python3 -m venv Scripts/.venv
  Scripts/.venv/bin/python -c "$check" 2>/dev/null || Scripts/.venv/bin/pip install -q "$@"
}
