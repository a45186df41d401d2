"""Interop of `mal vocab` with the real libraries (run through Scripts/interop.sh vocab).

  vocab.py fixtures OUTDIR   writes small files made by HF tokenizers and tf_keras, committed as test fixtures
  vocab.py check MAL         builds vocabularies with MAL, exports them, loads them with
                             tokenizers.Tokenizer.from_file and tf_keras tokenizer_from_json, and checks that the
                             ids those libraries give equal `mal vocab apply`'s
"""
import json, os, subprocess, sys, tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

TRAIN = [
    "i love my dog", "i love my cat", "you love my dog!", "do you think my dog is amazing?",
    "나는 영화가 정말 좋다", "이 영화 정말 정말 재밌다", "배우들의 연기가 좋다", "ㅋㅋㅋ 재밌다 ㅋㅋㅋ 👍",
]
HELDOUT = ["i love my dog and my bird", "영화가 정말 별로 ㅋㅋㅋ", "a brand new 👍 day"]


def fixtures(outdir):
    from tf_keras.preprocessing.text import Tokenizer as KerasTokenizer
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    keras = KerasTokenizer(oov_token="<OOV>", num_words=10)
    keras.fit_on_texts(TRAIN)
    with open(os.path.join(outdir, "keras-tokenizer.json"), "w", encoding="utf-8") as f:
        f.write(keras.to_json())
    words = [keras.texts_to_sequences([t])[0] for t in HELDOUT]

    hf = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    hf.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    hf.train_from_iterator(TRAIN, trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]"], min_frequency=1))
    with open(os.path.join(outdir, "hf-wordlevel.json"), "w", encoding="utf-8") as f:
        f.write(hf.to_str())
    expected = {
        "generator": "Scripts/interop/vocab.py fixtures (tf_keras %s, tokenizers %s)" % (
            __import__("tf_keras").__version__, __import__("tokenizers").__version__),
        "train": TRAIN, "heldout": HELDOUT,
        "keras_texts_to_sequences_heldout": words,
        "keras_tokens_heldout": [keras_tokens(t) for t in HELDOUT],
        "hf_ids_heldout": [hf.encode(t).ids for t in HELDOUT],
    }
    with open(os.path.join(outdir, "interop-expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)
        f.write("\n")


def keras_tokens(text):
    from tf_keras.preprocessing.text import text_to_word_sequence
    return text_to_word_sequence(text)


def run(mal, *args, input=None):
    return subprocess.run([mal, *args], input=input, capture_output=True, check=True, text=True).stdout


def check(mal, corpora):
    from tf_keras.preprocessing.text import tokenizer_from_json
    from tokenizers import Tokenizer

    failures = 0
    tmp = tempfile.mkdtemp(prefix="mal-interop-")
    for name, path, column in [("sample-ko", "Corpora/sample-ko.tsv", "document"),
                               ("sample-en", "Corpora/sample-en.tsv", "headline"),
                               ("nsmc-test", os.path.join(corpora, "nsmc/ratings_test.txt"), "document")]:
        if not os.path.exists(path):
            print(f"skipped {name}: {path} is absent")
            continue
        tokens = run(mal, "tokenize", "--keras", "--plain", path)
        rows = [r.split("\t") for r in tokens.splitlines()]
        col = rows[0].index(column)
        docs = [r[col] for r in rows[1:]]
        half = len(docs) // 2
        train, test = "\n".join(docs[:half]) + "\n", "\n".join(docs[half:]) + "\n"
        # HF: Mal's vocab.txt exported as tokenizer.json.
        vocab = os.path.join(tmp, name + ".txt")
        run(mal, "vocab", "build", "--format", "text", "--save", vocab, "--min-count", "2", input=train)
        hf_json = os.path.join(tmp, name + "-tokenizer.json")
        run(mal, "vocab", "export", vocab, "--format", "hf-json", "-o", hf_json)
        mal_ids = [[int(x) for x in line.split()] for line in
                   run(mal, "vocab", "apply", "--format", "text", "--load", vocab, input=test).splitlines()]
        hf = Tokenizer.from_file(hf_json)
        hf_ids = [e.ids for e in hf.encode_batch(test.splitlines())]
        ok = hf_ids == mal_ids
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: HF Tokenizer.from_file(mal export --format hf-json): "
              f"{sum(map(len, hf_ids))} ids over {len(hf_ids)} rows equal mal vocab apply")
        # Keras: Mal's Keras JSON (keras order, <OOV>, num_words) read by tokenizer_from_json.
        for num_words in [None, 500]:
            kjson = os.path.join(tmp, name + "-keras.json")
            args = ["vocab", "build", "--format", "text", "--order", "keras", "--unk", "<OOV>",
                    "--vocab-format", "keras-json", "--save", kjson]
            if num_words:
                args += ["--num-words", str(num_words)]
            run(mal, *args, input=train)
            with open(kjson, encoding="utf-8") as f:
                keras = tokenizer_from_json(f.read())
            keras_ids = keras.texts_to_sequences([" ".join(t.split()) for t in test.splitlines()])
            mal_k = [[int(x) for x in line.split()] for line in
                     run(mal, "vocab", "apply", "--format", "text", "--load", kjson, input=test).splitlines()]
            ok = keras_ids == mal_k
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: tf_keras tokenizer_from_json(mal --vocab-format keras-json"
                  f"{', num_words=%d' % num_words if num_words else ''}): ids equal mal vocab apply")
        # Keras fitted on the same tokens gives the same word_index as mal --order keras.
        from tf_keras.preprocessing.text import Tokenizer as KerasTokenizer
        fitted = KerasTokenizer(oov_token="<OOV>", filters="", lower=False)
        fitted.fit_on_texts(train.splitlines())
        mine = json.loads(json.loads(open(kjson, encoding="utf-8").read())["config"]["word_index"])
        ok = mine == fitted.word_index
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: word_index equals tf_keras Tokenizer.fit_on_texts "
              f"({len(mine)} words)")
    print("interop:", "all passed" if failures == 0 else f"{failures} FAILED")
    return failures


if __name__ == "__main__":
    if sys.argv[1] == "fixtures":
        fixtures(sys.argv[2])
    else:
        sys.exit(1 if check(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "../shared/corpora") else 0)
