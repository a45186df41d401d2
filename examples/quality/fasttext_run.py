#!/usr/bin/env python3
"""fastText supervised, for examples/quality.sh: train, test, time, one JSON line on stdout.

  fasttext_run.py normalize < rows.tsv > rows.ft          TSV (id, text, label) -> fastText lines,
                                                          text normalized as fastText's own
                                                          classification-example.sh does
  fasttext_run.py plain < rows.tsv > rows.ft              TSV -> fastText lines, text as it is
                                                          (for text Mal already tokenized)
  fasttext_run.py train TRAIN.ft --test TEST.ft [--valid VALID.ft --autotune SECONDS]
                  [--epoch N --lr X --word-ngrams N --dim N --min-count N --bucket N --loss softmax]
                  [--threads 2 --seed 1 --save MODEL.bin]

With --autotune, fastText's own autotune searches the settings for --autotune seconds on VALID (a slice
held out of the training rows, never the test rows); the settings it found are then used to train again
on all of TRAIN (when TRAIN is not the autotune's training file, --refit-on), and that model is tested.
Accuracy = P@1 (one label per row). Timing: train_seconds is train_supervised's wall time; test_seconds
is model.test's (reading the file, predicting, scoring), as `fasttext test` does.
"""
import argparse, json, re, sys, time


def normalize(text):
    # fastText's classification-example.sh, normalize_text():
    # sed -e "s/'/ ' /g" -e 's/"//g' -e 's/\./ \. /g' -e 's/<br \/>/ /g' -e 's/,/ , /g' -e 's/(/ ( /g'
    #     -e 's/)/ ) /g' -e 's/\!/ \! /g' -e 's/\?/ \? /g' -e 's/\;/ /g' -e 's/\:/ /g' | tr -s " "
    # | tr '[:upper:]' '[:lower:]'
    text = text.replace("'", " ' ").replace('"', "").replace(".", " . ").replace("<br />", " ")
    text = text.replace(",", " , ").replace("(", " ( ").replace(")", " ) ").replace("!", " ! ")
    text = text.replace("?", " ? ").replace(";", " ").replace(":", " ")
    return re.sub(" +", " ", text).lower().strip()


def convert(transform):
    header = True
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.startswith("#mal "):
            continue
        if header:
            header = False
            continue
        fields = line.split("\t")
        text, label = fields[1], fields[2]
        sys.stdout.write(f"__label__{label} {transform(text)}\n")


def train(a):
    import fasttext
    settings = dict(epoch=a.epoch, lr=a.lr, wordNgrams=a.word_ngrams, dim=a.dim, minCount=a.min_count,
                    bucket=a.bucket, loss=a.loss, thread=a.threads, seed=a.seed, verbose=0)
    result = {"train": a.train, "test": a.test}
    start = time.perf_counter()
    if a.autotune:
        tuned = fasttext.train_supervised(input=a.refit_from or a.train, autotuneValidationFile=a.valid,
                                          autotuneDuration=a.autotune, thread=a.threads, seed=a.seed, verbose=0)
        found = tuned.f.getArgs()
        settings = dict(epoch=found.epoch, lr=found.lr, wordNgrams=found.wordNgrams, dim=found.dim,
                        minCount=found.minCount, bucket=found.bucket, minn=found.minn, maxn=found.maxn,
                        loss=str(found.loss).split(".")[-1], thread=a.threads, seed=a.seed,
                        verbose=0)
        result["autotune_seconds"] = time.perf_counter() - start
        result["autotune_valid"] = tuned.test(a.valid)[1]
        start = time.perf_counter()
    model = fasttext.train_supervised(input=a.train, **settings)
    result["train_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    n, p1, r1 = model.test(a.test, k=1)
    result["test_seconds"] = time.perf_counter() - start
    result.update(rows=n, accuracy=p1, rows_per_second=n / result["test_seconds"],
                  settings={k: v for k, v in settings.items() if k not in ("verbose",)})
    if a.save:
        model.save_model(a.save)
    print(json.dumps(result))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["normalize", "plain", "train"])
    p.add_argument("train", nargs="?")
    p.add_argument("--test")
    p.add_argument("--valid")
    p.add_argument("--autotune", type=int, default=0)
    p.add_argument("--refit-from", help="train the autotune on this file (a part of TRAIN), then refit on TRAIN")
    p.add_argument("--epoch", type=int, default=5)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--word-ngrams", type=int, default=1)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument("--bucket", type=int, default=2000000)
    p.add_argument("--loss", default="softmax")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--save")
    a = p.parse_args()
    if a.command == "normalize":
        convert(normalize)
    elif a.command == "plain":
        convert(lambda t: t)
    else:
        train(a)


if __name__ == "__main__":
    main()
