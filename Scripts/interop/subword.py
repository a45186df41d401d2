"""Subword vocabularies (`mal vocab --subword`) against HF tokenizers (BpeTrainer, WordPieceTrainer, Unigram) and
sentencepiece (unigram .model files).

  subword.py fixtures OUTDIR MAL CORPORA [hf|spm]
                                 writes the test fixtures: hf: the sample corpora tokenized by MAL, the
                                 tokenizer.json files HF trains on them (and on NSMC/IMDB samples), and HF's ids and
                                 decoded text for held-out lines; spm: the unigram and BPE .model files sentencepiece
                                 trains on 500 tokenized NSMC reviews and their ids for held-out lines; both when not
                                 given
  subword.py check MAL CORPORA   trains BPE with MAL and with HF on the same tokenized NSMC and IMDB samples,
                                 compares vocabularies and merges, and checks that Tokenizer.from_file(mal's
                                 tokenizer.json) encodes every line of held-out text to mal's ids (BPE, WordPiece,
                                 Unigram), that SentencePieceProcessor(mal's .model) does too (Unigram, BPE), and that
                                 mal applies sentencepiece's own unigram and BPE .model files with its ids
  subword.py train KIND SIZE FILE  trains HF on FILE (one tokenized document per line) and prints seconds:
                                 the reference side of Scripts/bench/subword.sh

Every input is `mal tokenize` output: tokens separated by spaces, so HF runs with a WhitespaceSplit
pre-tokenizer (Unigram: then Metaspace) and no normalizer, and sentencepiece with the identity normalizer and
split_by_whitespace, as the files Mal writes say.
"""
import json, os, subprocess, sys, tempfile, time

SPECIALS = ["[PAD]", "[UNK]"]
# Held-out lines for the sample fixture: characters outside the alphabet, NFD Hangul, a long word.
HELDOUT = [
    "영화 정말 재밌다 ㅋㅋ",
    "배우들 연기가 최고 !",
    "this movie was great , really",
    "\u1112\u1161\u11ab\u1100\u1173\u11af 영화",  # 한글 in NFD
    "漢字 ∑ 😀 unknown-chars",
    "a" * 120,
]


def hf_tokenizer(kind, size, min_frequency=0):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    if kind == "bpe":
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        trainer = trainers.BpeTrainer(vocab_size=size, special_tokens=SPECIALS, min_frequency=min_frequency,
                                      show_progress=False)
    else:
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.decoder = decoders.WordPiece(prefix="##", cleanup=False)
        trainer = trainers.WordPieceTrainer(vocab_size=size, special_tokens=SPECIALS, min_frequency=min_frequency,
                                            show_progress=False)
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return tok, trainer


def hf_train(kind, size, lines, min_frequency=0):
    tok, trainer = hf_tokenizer(kind, size, min_frequency)
    tok.train_from_iterator(lines, trainer)
    return tok


def run(mal, *args, input=None):
    return subprocess.run([mal, *args], input=input, capture_output=True, check=True, text=True).stdout


def tokenized_column(mal, path, column, limit):
    """The working column of `mal tokenize --plain` over the first `limit` rows of a TSV file."""
    with open(path, encoding="utf-8") as f:
        head = "".join(f.readline() for _ in range(limit + 1))
    out = run(mal, "tokenize", "--plain", "--column", column, input=head)
    rows = out.split("\n")[1:]
    index = out.split("\n")[0].split("\t").index(column)
    return [r.split("\t")[index] for r in rows if r]


def alphabet_size(lines):
    return len({c for line in lines for word in line.split() for c in word})


def spm_train(path, prefix, size, threads=1, model_type="unigram", hard_limit=True):
    """sentencepiece on FILE of tokenized lines, with Mal's reserved tokens at ids 0 and 1 and no <s> </s>."""
    import sentencepiece as spm
    spm.SentencePieceTrainer.train(
        input=path, model_prefix=prefix, vocab_size=size, model_type=model_type, character_coverage=1.0,
        split_by_whitespace=True, num_threads=threads, normalization_rule_name="identity", pad_id=0, unk_id=1,
        bos_id=-1, eos_id=-1, pad_piece=SPECIALS[0], unk_piece=SPECIALS[1], hard_vocab_limit=hard_limit,
        minloglevel=2)
    return prefix + ".model"


def spm_fixture(outdir, mal, corpora):
    """Small unigram and BPE .model files from sentencepiece itself and their ids for held-out lines: what Mal must
    reproduce."""
    import sentencepiece as spm
    train = tokenized_column(mal, os.path.join(corpora, "nsmc/ratings_train.txt"), "document", 500)
    heldout = tokenized_column(mal, os.path.join(corpora, "nsmc/ratings_test.txt"), "document", 300) + HELDOUT
    with tempfile.TemporaryDirectory() as work:
        text = os.path.join(work, "train.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("\n".join(train) + "\n")
        for kind in ["unigram", "bpe"]:
            model = spm_train(text, os.path.join(work, kind), 2000, model_type=kind, hard_limit=False)
            with open(model, "rb") as f:
                data = f.read()
            with open(os.path.join(outdir, "spm-%s-nsmc.model" % kind), "wb") as f:
                f.write(data)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(outdir, "spm-unigram-nsmc.model"))
    bpe = spm.SentencePieceProcessor(model_file=os.path.join(outdir, "spm-bpe-nsmc.model"))
    expected = {
        "generator": "Scripts/interop.sh subword fixtures spm (sentencepiece %s)" % spm.__version__,
        "trained_on": "the first 500 rows of nsmc/ratings_train.txt, mal tokenize, vocab_size 2000 (unigram, bpe)",
        "heldout": heldout, "ids": sp.encode(heldout),
        "decoded": [sp.decode(i) for i in sp.encode(heldout)],
        "bpe_ids": bpe.encode(heldout),
    }
    with open(os.path.join(outdir, "spm-expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)
        f.write("\n")


def fixtures(outdir, mal, corpora, which="all"):
    if which in ("spm", "all"):
        spm_fixture(outdir, mal, corpora)
    if which in ("hf", "all"):
        hf_fixtures(outdir, mal, corpora)


def hf_fixtures(outdir, mal, corpora):
    import tokenizers
    sample = tokenized_column(mal, "Corpora/sample-ko.tsv", "document", 10**6) \
        + tokenized_column(mal, "Corpora/sample-en.tsv", "headline", 10**6)
    with open(os.path.join(outdir, "subword-sample.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(sample) + "\n")
    size = len(SPECIALS) + alphabet_size(sample) + 300
    expected = {
        "generator": "Scripts/interop.sh subword fixtures (tokenizers %s)" % tokenizers.__version__,
        "sample_vocab_size": size, "heldout": HELDOUT,
    }
    for kind in ["bpe", "wordpiece"]:
        tok = hf_train(kind, size, sample)
        with open(os.path.join(outdir, "hf-%s-sample.json" % kind), "w", encoding="utf-8") as f:
            f.write(tok.to_str())
        ids = [tok.encode(line).ids for line in HELDOUT]
        expected["%s_ids" % kind] = ids
        expected["%s_decoded" % kind] = [tok.decode(i, skip_special_tokens=False) for i in ids]
    # Real text: HF's BPE on the first rows of NSMC and IMDB, tokenized by mal (the tests tokenize the same rows).
    for name, path, column, rows, size in [
        ("nsmc", "nsmc/ratings_train.txt", "document", 3000, 2500),
        ("imdb", "imdb/train.tsv", "review", 300, 2000),
    ]:
        lines = tokenized_column(mal, os.path.join(corpora, path), column, rows)
        tok = hf_train("bpe", size, lines)
        with open(os.path.join(outdir, "hf-bpe-%s.json" % name), "w", encoding="utf-8") as f:
            f.write(tok.to_str())
        expected["%s" % name] = {"file": path, "column": column, "rows": rows, "vocab_size": size,
                                 "ids_first_rows": [tok.encode(l).ids for l in lines[:5]]}
    with open(os.path.join(outdir, "subword-expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)
        f.write("\n")


def compare(kind, name, mine, theirs):
    """Prints how Mal's tokenizer.json differs from HF's; returns True when vocab (with ids) and merges are equal."""
    a, b = mine["model"], theirs["model"]
    va, vb = a["vocab"], b["vocab"]
    same_vocab = va == vb
    line = "%s %s: %d vs %d pieces, vocab %s" % (kind, name, len(va), len(vb), "identical" if same_vocab else
        "differs: %d pieces only in Mal's, %d only in HF's, %d shared with other ids" % (
            len(set(va) - set(vb)), len(set(vb) - set(va)), sum(1 for t in va if t in vb and va[t] != vb[t])))
    if kind == "bpe":
        ma = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in a["merges"]]
        mb = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in b["merges"]]
        first = next((i for i, (x, y) in enumerate(zip(ma, mb)) if x != y), None)
        line += "; merges %s" % ("identical (%d)" % len(ma) if ma == mb else "differ from #%s (%d vs %d)" % (
            first if first is not None else min(len(ma), len(mb)), len(ma), len(mb)))
        same_vocab = same_vocab and ma == mb
    print(line)
    return same_vocab


def same_ids(label, expected, mal_output, count):
    """Compares a library's ids with mal's output lines; prints one line; returns 1 on a difference."""
    mine = [list(map(int, l.split())) for l in mal_output.split("\n")[:-1]]
    bad = [i for i, (x, y) in enumerate(zip(mine, expected)) if x != y]
    if len(mine) != len(expected) or bad:
        print("  FAIL %s: %d of %d lines differ (first: line %s)" % (label, len(bad), count, bad[:1]))
        return 1
    print("  %s: mal's ids on all %d lines" % (label, count))
    return 0


def check_mal_model(mal, label, model, kind, size, text, lines, held, heldout):
    """Trains KIND with mal into the .model MODEL; checks that SentencePieceProcessor gives mal's ids on the held-out
    and the training lines. Returns the processor and the number of failures."""
    import sentencepiece as spm
    ids = run(mal, "vocab", "--save", model, "--subword", kind, "--max-size", str(size), text)
    sp = spm.SentencePieceProcessor(model_file=model)
    failures = same_ids("%s: SentencePieceProcessor(mal's .model)" % label,
                        sp.encode(heldout), run(mal, "vocab", "--load", model, held), len(heldout))
    failures += same_ids("%s: SentencePieceProcessor(mal's .model) on the training lines" % label,
                         sp.encode(lines), ids, len(lines))
    return sp, failures


def check_bpe_model(mal, work, name, text, lines, held, heldout, size):
    """BPE as a sentencepiece .model: Mal's (trained on ▁-marked words) through SentencePieceProcessor, Mal's
    vocabulary against HF's BpeTrainer behind Metaspace, merging by piece score (sentencepiece) against merging by
    pair rank (HF), and sentencepiece's own BPE .model through mal."""
    import sentencepiece as spm
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    failures = 0
    model = os.path.join(work, "%s-bpe.model" % name)
    sp, fails = check_mal_model(mal, "bpe %s" % name, model, "bpe", size, text, lines, held, heldout)
    failures += fails
    hf = Tokenizer(models.BPE(unk_token="[UNK]", fuse_unk=True))
    hf.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always", split=True)])
    hf.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=size, special_tokens=SPECIALS, show_progress=False))
    with open(model[:-len(".model")] + ".vocab", encoding="utf-8") as f:
        mine = {l.split("\t")[0]: i for i, l in enumerate(f)}
    same = mine == hf.get_vocab()
    print("  bpe %s .model: pieces and ids %s HF BpeTrainer's behind Metaspace" % (name, "equal" if same else "differ from"))
    failures += 0 if same else 1
    by_rank = [e.ids for e in hf.encode_batch(heldout)]
    by_score = sp.encode(heldout)
    print("  bpe %s: merging by piece score (sentencepiece) and by pair rank (HF) cut %d of %d held-out lines "
          "differently" % (name, sum(1 for a, b in zip(by_rank, by_score) if a != b), len(heldout)))
    theirs = spm_train(text, os.path.join(work, "%s-spm-bpe" % name), size, model_type="bpe")
    sp = spm.SentencePieceProcessor(model_file=theirs)
    failures += same_ids("bpe %s: mal --load sentencepiece's own BPE .model" % name,
                         sp.encode(heldout), run(mal, "vocab", "--load", theirs, held), len(heldout))
    return failures


def check(mal, corpora):
    from tokenizers import Tokenizer
    import sentencepiece as spm
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for name, path, column, rows, size, test_path, test_rows in [
            ("nsmc", "nsmc/ratings_train.txt", "document", 20000, 8000, "nsmc/ratings_test.txt", 5000),
            ("imdb", "imdb/train.tsv", "review", 3000, 8000, "imdb/test.tsv", 3000),
        ]:
            if not os.path.exists(os.path.join(corpora, path)):
                print("skipped %s: %s is missing" % (name, os.path.join(corpora, path)))
                continue
            lines = tokenized_column(mal, os.path.join(corpora, path), column, rows)
            text = os.path.join(work, name + ".txt")
            with open(text, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            heldout = tokenized_column(mal, os.path.join(corpora, test_path), column, test_rows)
            held = os.path.join(work, name + "-test.txt")
            with open(held, "w", encoding="utf-8") as f:
                f.write("\n".join(heldout) + "\n")
            for kind in ["bpe", "wordpiece", "unigram"]:
                saved = os.path.join(work, "%s-%s.json" % (name, kind))
                run(mal, "vocab", "build", text, "--subword", kind, "--max-size", str(size), "--save", saved,
                    "--vocab-format", "hf-json")
                if kind != "unigram":
                    with open(saved, encoding="utf-8") as f:
                        mine = json.load(f)
                    theirs = json.loads(hf_train(kind, size, lines).to_str())
                    if not compare(kind, name, mine, theirs) and kind == "bpe":
                        failures += 1
                if kind == "wordpiece":
                    # HF against itself: its `##` numbering (hash-map order) changes between runs.
                    again = json.loads(hf_train(kind, size, lines).to_str())["model"]["vocab"]
                    first = theirs["model"]["vocab"]
                    print("  for scale, two HF WordPieceTrainer runs: %d pieces only in one, %d only in the other" % (
                        len(set(first) - set(again)), len(set(again) - set(first))))
                # HF applies Mal's file: the same ids for every held-out line.
                hf = Tokenizer.from_file(saved)
                failures += same_ids("%s %s: Tokenizer.from_file(mal's tokenizer.json)" % (kind, name),
                                     [e.ids for e in hf.encode_batch(heldout)], run(mal, "vocab", "--load", saved, held),
                                     len(heldout))
            # sentencepiece applies Mal's .model, and Mal applies sentencepiece's own.
            model = os.path.join(work, "%s-unigram.model" % name)
            failures += check_mal_model(mal, "unigram %s" % name, model, "unigram", size, text, lines, held, heldout)[1]
            theirs = spm_train(text, os.path.join(work, "%s-spm" % name), size)
            sp = spm.SentencePieceProcessor(model_file=theirs)
            failures += same_ids("unigram %s: mal --load sentencepiece's own .model" % name,
                                 sp.encode(heldout), run(mal, "vocab", "--load", theirs, held), len(heldout))
            with open(theirs[:-len(".model")] + ".vocab", encoding="utf-8") as f:
                spm_pieces = {l.split("\t")[0] for l in f}
            with open(model[:-len(".model")] + ".vocab", encoding="utf-8") as f:
                mal_pieces = {l.split("\t")[0] for l in f}
            print("  unigram %s, %d pieces: %d shared with sentencepiece's own vocabulary" % (
                name, size, len(spm_pieces & mal_pieces)))
            failures += check_bpe_model(mal, work, name, text, lines, held, heldout, size)
            # --jamo: pieces over NFD text; the tokenizer.json names the NFD normalizer, so HF decomposes the
            # held-out lines itself, and NFD input gives the same ids as syllables.
            import unicodedata
            decomposed = [unicodedata.normalize("NFD", line) for line in heldout]
            for kind in ["bpe", "wordpiece", "unigram"]:
                saved = os.path.join(work, "%s-%s-jamo.json" % (name, kind))
                run(mal, "vocab", "build", text, "--subword", kind, "--jamo", "--max-size", str(size), "--save", saved)
                hf = Tokenizer.from_file(saved)
                mine = run(mal, "vocab", "--load", saved, held)
                failures += same_ids("%s %s --jamo: Tokenizer.from_file(mal's tokenizer.json)" % (kind, name),
                                     [e.ids for e in hf.encode_batch(heldout)], mine, len(heldout))
                failures += same_ids("%s %s --jamo: the same, on NFD input" % (kind, name),
                                     [e.ids for e in hf.encode_batch(decomposed)], mine, len(heldout))
    if failures:
        sys.exit("subword interop: %d failure(s)" % failures)


def train(kind, size, path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = time.perf_counter()
    tok = hf_train(kind, int(size), lines)
    seconds = time.perf_counter() - start
    print("%.3f %d" % (seconds, tok.get_vocab_size()))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "fixtures":
        fixtures(*sys.argv[2:6])
    elif mode == "check":
        check(*sys.argv[2:4])
    elif mode == "train":
        train(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
