#!/usr/bin/env bash
# Benchmarks of Mal's release build on the real corpora ($MAL_CORPORA, default ../shared/corpora), each beside the
# Python reference tools in the same run; the tools go into the git-ignored venv Scripts/.venv on first use.
# With no argument it prints this help; `all` runs every stage, one after the other (that takes
# long: word2vec and recurrent train real models). Results: docs/performance.md.
set -euo pipefail
source "$(dirname "$0")/lib/dispatch.sh"
dispatch bench help "$@"
