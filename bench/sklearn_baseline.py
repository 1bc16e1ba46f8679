#!/usr/bin/python3
"""TF-IDF + logistic regression sentiment baseline (scikit-learn).

Reads a train and a test TSV (header ``sentence<TAB>label``, label 0/1), trains on
train, scores accuracy on test and prints exactly one JSON line on stdout:

    {"name": "tfidf-logreg", "accuracy": ..., "train_seconds": ..., "n_test": ...,
     "params": {...}}

Everything else (progress, errors) goes to stderr so the caller can parse stdout
as-is. Deterministic: no randomness except liblinear's coordinate order and the CV
folds, both seeded.

Choices, and why:
- ``token_pattern=\\S+``: the benchmark text is already Penn-Treebank tokenized, and
  sklearn's default pattern (two or more word characters) would drop ``n't``, ``!``,
  ``?`` and ``a``, i.e. negation and punctuation. Chosen on that ground, not on
  accuracy: at C=16 it measured -0.6 points on the dev set and +0.8 on the test set
  against the default pattern, which is within noise for 872/1821 sentences.
- ``min_df=2``: drops n-grams seen once; the vocabulary shrinks ~8% and dev accuracy
  moves by one sentence.
- ``C=16`` by default, fixed. It is what 5-fold CV on the training set picks from
  the grid 1, 2, 4, 8, 16 (``--cv`` re-runs that selection: ~70 s on an idle
  2-core machine), and what the GLUE dev set picks too. CV on SST-2's train split
  is optimistic (its 67k rows are phrases of ~6.9k sentences, so folds share
  sentences), which biases it towards weak regularisation; agreement with the dev
  set is why the value is kept. The test set was not used to choose C.

Run with Debian's interpreter, which has scikit-learn: ``/usr/bin/python3``.
"""
import argparse
import json
import sys
import time

CV_GRID = [1.0, 2.0, 4.0, 8.0, 16.0]
DEFAULT_C = 16.0
DEFAULT_MIN_DF = 2
SEED = 0


class InputError(Exception):
    pass


def load_tsv(path):
    """Returns (texts, labels); raises InputError naming file and line on malformed rows."""
    texts, labels = [], []
    try:
        f = open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise InputError(f"{path}: cannot open: {e.strerror}") from e
    with f:
        header = f.readline().rstrip("\r\n")
        if header != "sentence\tlabel":
            raise InputError(f"{path}:1: expected header 'sentence\\tlabel', got {header!r}")
        for lineno, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            # rsplit: the label is the last field; a stray tab inside the text must not shift it.
            parts = line.rsplit("\t", 1)
            if len(parts) != 2 or parts[1] not in ("0", "1"):
                raise InputError(f"{path}:{lineno}: expected '<sentence>\\t<0|1>', got {line[:80]!r}")
            texts.append(parts[0])
            labels.append(int(parts[1]))
    if not texts:
        raise InputError(f"{path}: no examples")
    return texts, labels


def build_pipeline(c, min_df):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, token_pattern=r"\S+"),
        LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=SEED),
    )


def select_c(texts, labels, min_df):
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    search = GridSearchCV(
        build_pipeline(DEFAULT_C, min_df),
        {"logisticregression__C": CV_GRID},
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED),
        scoring="accuracy",
        n_jobs=1,
    )
    search.fit(texts, labels)
    scores = {str(c): round(float(s), 6) for c, s in zip(CV_GRID, search.cv_results_["mean_test_score"])}
    return float(search.best_params_["logisticregression__C"]), scores


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, help="training TSV")
    parser.add_argument("--test", required=True, help="test TSV")
    parser.add_argument("--C", type=float, default=None, help=f"inverse regularisation (default {DEFAULT_C:g})")
    parser.add_argument("--cv", action="store_true", help="choose C by 5-fold CV on train over %s" % CV_GRID)
    parser.add_argument("--min-df", type=int, default=DEFAULT_MIN_DF)
    args = parser.parse_args(argv)
    if args.cv and args.C is not None:
        parser.error("--C and --cv are mutually exclusive")

    try:
        import sklearn
    except ImportError:
        print("scikit-learn not importable by %s: run .ci/install-system-deps.sh" % sys.executable, file=sys.stderr)
        return 3

    try:
        train_x, train_y = load_tsv(args.train)
        test_x, test_y = load_tsv(args.test)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    params = {
        "ngram_range": [1, 2],
        "sublinear_tf": True,
        "min_df": args.min_df,
        "token_pattern": r"\S+",
        "solver": "liblinear",
        "sklearn_version": sklearn.__version__,
        "n_train": len(train_x),
    }
    if args.cv:
        started = time.perf_counter()
        c, cv_scores = select_c(train_x, train_y, args.min_df)
        params.update(c_selection="cv5", cv_grid=CV_GRID, cv_accuracy=cv_scores,
                      cv_seconds=round(time.perf_counter() - started, 3))
    else:
        c = DEFAULT_C if args.C is None else args.C
        params["c_selection"] = "fixed"
    params["C"] = c

    model = build_pipeline(c, args.min_df)
    started = time.perf_counter()
    model.fit(train_x, train_y)
    train_seconds = time.perf_counter() - started
    params["n_features"] = len(model.named_steps["tfidfvectorizer"].vocabulary_)

    accuracy = float(model.score(test_x, test_y))
    print(json.dumps({
        "name": "tfidf-logreg",
        "accuracy": accuracy,
        "train_seconds": round(train_seconds, 3),
        "n_test": len(test_x),
        "params": params,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
