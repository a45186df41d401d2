#!/usr/bin/env bash
# Linear models over TF-IDF bags with scikit-learn: the reference behind docs/experiments.md's Reuters note
# (what a max-margin linear model reaches where Mal's bag of embeddings stops).
#   examples/linear-reference.sh              Reuters R52 and NSMC (about 6 minutes on 2 cores)
#   examples/linear-reference.sh reuters      one corpus
# Corpora: $MAL_CORPORA (default ../shared/corpora). scikit-learn goes into the git-ignored venv
# examples/.venv (SK_VENV overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
corpora="${MAL_CORPORA:-../shared/corpora}"
venv="${SK_VENV:-examples/.venv}"
[ -d "$corpora/reuters" ] || { echo "linear-reference: no $corpora/reuters (set MAL_CORPORA)" >&2; exit 1; }
if ! "$venv/bin/python" -c "import sklearn" 2>/dev/null; then
  echo "linear-reference: creating $venv with scikit-learn" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet scikit-learn >&2
fi
exec "$venv/bin/python" examples/quality/linear_reference.py "$corpora" "$@"
