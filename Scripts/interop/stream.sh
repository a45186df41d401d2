#!/usr/bin/env bash
# Mal's rows in the readers docs/formats/stream.md names: pandas and Python's csv module on --plain output and on the
# default output (with its #mal line: pandas skiprows=1, csv after one readline), cut -s, and the loud pandas error
# when the #mal line is not skipped. pandas goes into the git-ignored venv Scripts/.venv on first use.
# Run as `Scripts/interop.sh stream`.
set -euo pipefail
source "$(dirname "$0")/../lib/reference.sh"
release_mal
need_python "import pandas" pandas
work_dir
"$py" Scripts/interop/stream.py "$mal" "$work"
