"""Prints the rows that the stages of one `Scripts/bench.sh` run recorded (Scripts/bench/summary.py) as one
Markdown table, headed by what the numbers depend on: the machine, its vector units, the OpenBLAS kernels in
use, the commit and the load average.

    python3 Scripts/bench/summary_table.py SUMMARY.jsonl
"""
import ctypes
import json
import os
import platform
import subprocess
import sys


def cpu_model_and_flags():
    model, flags = platform.processor() or "unknown CPU", set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model in ("", "unknown CPU", platform.processor()):
                    model = value.strip()
                elif key == "flags":
                    flags = set(value.split())
    except OSError:
        pass
    return model, flags


def openblas_kernels():
    """The core OpenBLAS chose for this environment (what Mal's matrix products run on), or why it is unknown."""
    for name in ("libopenblas.so.0", "libopenblas.so"):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return f"{lib.openblas_get_corename().decode()} ({lib.openblas_get_config().decode().strip()})"
    return "unknown (libopenblas.so.0 not found)"


def number(value, unit=""):
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.3f} s"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def target_text(row):
    parts = []
    if row.get("target_ratio") is not None:
        parts.append(f"≥ {row['target_ratio']:g}×")
    if row.get("target_value") is not None:
        parts.append(f"≥ {number(row['target_value'], row['unit'])}")
    return ", ".join(parts)


def met(row):
    checks = []
    if row.get("target_ratio") is not None:
        checks.append(row["ratio"] is not None and row["ratio"] >= row["target_ratio"])
    if row.get("target_value") is not None:
        checks.append(row["value"] >= row["target_value"])
    if not checks:
        return ""
    return "yes" if all(checks) else "**no**"


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.startswith("{")]
    model, flags = cpu_model_and_flags()
    vectors = ", ".join(f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl") if f in flags) or "none seen"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    loads = [r["load"] for r in rows]
    print(f"- machine: {model}, {os.cpu_count()} cores; vector units: {vectors}")
    print(f"- OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE') or 'unset'}; "
          f"OpenBLAS kernels: {openblas_kernels()}")
    measured = sorted({r["commit"] for r in rows if r.get("commit")})
    if measured:
        print(f"- measured at commit {', '.join(measured)}; release builds")
    else:
        print(f"- commit {commit or 'unknown'}{' (with uncommitted changes)' if dirty else ''}; release builds")
    if loads:
        print(f"- load average (1 min) when the rows were taken: {min(loads):.1f}–{max(loads):.1f}; "
              f"rows from {rows[0]['time']} to {rows[-1]['time']}")
    print()
    print("| stage | measurement | Mal | reference | Mal is | target | met | peak RSS Mal / reference | load |")
    print("|---|---|---|---|---:|---|---|---|---:|")
    for r in rows:
        mal = f"{r['mal']}: {number(r['value'], r['unit'])}"
        reference = f"{r['reference']}: {number(r['reference_value'], r['unit'])}" if r["reference"] else "–"
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else "–"
        rss = ""
        if r.get("mal_rss_mib") is not None or r.get("reference_rss_mib") is not None:
            rss = f"{number(r.get('mal_rss_mib'))} / {number(r.get('reference_rss_mib'))} MiB"
        task = r["task"] + (f" ({r['note']})" if r.get("note") else "")
        print(f"| {r['stage']} | {task} | {mal} | {reference} | {ratio} | {target_text(r)} | {met(r)} | {rss} "
              f"| {r['load']:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1])
