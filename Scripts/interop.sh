#!/usr/bin/env bash
# Interop checks of Mal's files and outputs against the real Python libraries, installed into the git-ignored venv
# Scripts/.venv on first use. With no argument it runs every stage, like `all`.
set -euo pipefail
source "$(dirname "$0")/lib/dispatch.sh"
dispatch interop all "$@"
