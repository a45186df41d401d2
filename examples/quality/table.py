"""Markdown tables of examples/quality.sh's results (one JSON object per line).

    python3 examples/quality/table.py examples/out/quality/results-test.jsonl [more.jsonl ...]

Test results: one row per corpus, the accuracy of each column (mean over seeds, range in brackets), then the
configurations with training time, prediction speed and load. Dev results: every candidate's accuracy on the
dev split, per corpus.
"""
import json
import sys

CORPORA = ["nsmc", "imdb", "reuters", "sarcasm"]
NAMES = {"nsmc": "NSMC (ratings_test, 50,000)", "imdb": "IMDB (test.tsv, 23,000)",
         "reuters": "Reuters R52 (test.tsv, 2,568)", "sarcasm": "Sarcasm headlines (test.tsv, 6,709)"}
COLUMNS = [("best", "Mal best"), ("fasttext-mal", "fastText, Mal's tokens"),
           ("fasttext-raw", "fastText, own tokens"), ("seed", "Mal seed-style BiLSTM")]

rows, info = [], []
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        (info if "info" in r else rows).append(r)


def cell(rs):
    if not rs:
        return "–"
    accs = [r["accuracy"] for r in rs]
    text = f"{sum(accs) / len(accs):.4f}"
    if len(rs) > 1:
        text += f" ({min(accs):.4f}–{max(accs):.4f}, {len(rs)} seeds)"
    return text


def mean(rs, key):
    values = [r[key] for r in rs if isinstance(r.get(key), (int, float))]
    return sum(values) / len(values) if values else None


test = [r for r in rows if r.get("mode") == "test"]
dev = [r for r in rows if r.get("mode") == "dev"]
starts = [i for i in info if i["info"] == "start"]
if starts:
    s = starts[0]
    print(f"{s.get('date', '')}; CPU {s.get('cpu', '?')}, 2 threads; OPENBLAS_CORETYPE={s.get('openblas_coretype')}; "
          f"load {s.get('load')} at the start" + "".join(f", {i['load']} at the end" for i in [i for i in info if i["info"] == "end"][-1:]))
    print()
if test:
    print("| corpus | " + " | ".join(name for _, name in COLUMNS) + " |")
    print("|---|" + "---:|" * len(COLUMNS))
    for c in CORPORA:
        if any(r["corpus"] == c for r in test):
            cells = [cell([r for r in test if r["corpus"] == c and r["column"] == col]) for col, _ in COLUMNS]
            print(f"| {NAMES[c]} | " + " | ".join(cells) + " |")
    print()
    print("| corpus | column | configuration | seeds | test accuracy | train s | predict rows/s | load (1/5/15 min) |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for c in CORPORA:
        for col, name in COLUMNS:
            rs = [r for r in test if r["corpus"] == c and r["column"] == col]
            for label in dict.fromkeys(r["label"] for r in rs):
                group = [r for r in rs if r["label"] == label]
                train = mean(group, "train_seconds")
                vectors = mean(group, "vectors_seconds")
                train_text = f"{train:.0f}" if train is not None else "–"
                if vectors:
                    train_text += f" (+ {vectors:.0f} word2vec)"
                speed = mean(group, "rows_per_second")
                points = [x for r in group for x in (r.get("load_start"), r.get("load_end")) if x]
                loads = " → ".join(dict.fromkeys(points[:1] + points[-1:]))
                print(f"| {c} | {name} | {label} | {len(group)} | {cell(group).split(' (')[0]} | {train_text} | "
                      f"{speed:,.0f} | {loads} |" if speed else f"| {c} | {name} | {label} | {len(group)} | "
                      f"{cell(group).split(' (')[0]} | {train_text} | – | {loads} |")
    print()
if dev:
    print("| corpus | column | candidate | dev accuracy | epochs | train s | load |")
    print("|---|---|---|---:|---:|---:|---|")
    for c in CORPORA:
        for r in [r for r in dev if r["corpus"] == c]:
            t = r.get("train_seconds")
            print(f"| {c} | {r['column']} | {r['label']} | {r['accuracy']:.4f} | {r.get('epochs', '')} | "
                  f"{f'{t:.0f}' if t else ''} | {r.get('load_start', r.get('load', ''))} |")
