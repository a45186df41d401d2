"""One row per measured target for the summary table of `Scripts/bench.sh` (Scripts/bench/summary_table.py).

A stage's Python part calls `record(...)` beside its own detailed output. The row goes, as one JSON line, to the
file named by $MAL_BENCH_SUMMARY, which Scripts/bench.sh sets for every run; without it `record` does nothing, so
the stage scripts still run on their own.
"""
import json
import os
import subprocess
import time

_commit = None


def _current_commit():
    """The commit the measured build comes from (the stages run at the repository's root)."""
    global _commit
    if _commit is None:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        _commit = result.stdout.strip() or "unknown"
    return _commit


def record(stage, task, mal, value, reference, reference_value, unit, *, higher_is_better=True,
           target_ratio=None, target_value=None, mal_rss_mib=None, reference_rss_mib=None, note=""):
    """Mal's `value` against `reference`'s `reference_value`, both in `unit` (e.g. "MB/s", "words/s", "s").

    The ratio is how many times faster (or better) Mal is: value / reference_value, or the inverse when lower
    is better (seconds). `target_ratio` (e.g. 10 for "≥ 10×") and `target_value` (e.g. 250 for "≥ 250 MB/s")
    are the issue's targets for this row, if it has any; the table marks each met or not.
    """
    path = os.environ.get("MAL_BENCH_SUMMARY")
    if not path:
        return
    if reference_value:
        ratio = value / reference_value if higher_is_better else reference_value / value
    else:
        ratio = None
    row = {
        "stage": stage, "task": task, "mal": mal, "value": value, "reference": reference,
        "reference_value": reference_value, "unit": unit, "higher_is_better": higher_is_better, "ratio": ratio,
        "target_ratio": target_ratio, "target_value": target_value, "mal_rss_mib": mal_rss_mib,
        "reference_rss_mib": reference_rss_mib, "note": note, "load": os.getloadavg()[0],
        "time": time.strftime("%H:%M:%S"), "commit": _current_commit(),
    }
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
