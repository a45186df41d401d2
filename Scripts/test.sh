#!/usr/bin/env bash
# Sets Mal up (Scripts/setup.sh) and runs every test. Tests that need the real corpora in ../shared/corpora
# (or $MAL_CORPORA) are skipped, with the reason printed, where that folder is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift test
