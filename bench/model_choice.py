"""Compare classifiers on the same normalised text (issue 14, item 4), out-of-writer.

    .venv/bin/python -m bench.model_choice [--only lr,nblr] [--json]

For each variant: 5 folds grouped by writer on data/train.csv give out-of-writer decision
values; a sigmoid (Platt) fitted on them calibrates the variant, the model's gates (no election
vocabulary x0.25, no cue x0.85) are applied, and the best-F1 threshold is chosen on those
out-of-writer scores. The variant is then fitted on all of data/train.csv and measured at that
threshold on data/eval.csv (its own lexicon), the real yardstick data/real_dev.csv (each
election's lexicon; looked at while choosing, so not a blind test) and every post of the
everyday real files (false flags: flags on posts not labelled partisan).

Real posts are read from ../shared/realdata (evaluation only). Nothing is written.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC

from bench.lexicon_rules import everyday_labelled, real_dev
from screening import paths
from screening.data import realdata
from screening.data.dataset import load_labelled
from screening.lexicon.candidates import CandidateLexicon
from screening.model.context import has_election_context
from screening.model.estimator import build_features
from screening.model.evaluate import binary_metrics
from screening.model.nblr import NBLogisticRegression
from screening.model.thresholds import best_f1_threshold
from screening.text.cues import has_cue
from screening.text.normalize import normalize_many

GATE, CUE_GATE = 0.25, 0.85
SHAPE = False  # --shape: add the raw-text shape columns (title case, capitals, links)
WORD = __import__("re").compile(r"[^\W\d_]{2,}")


def shape(raw: list[str], weight: float = 1.0) -> sp.csr_matrix:
    """(n, 6) indicators of a post's written shape, lost by lower-casing: headline title case,
    some title case, shouting, some capitals, a link, "via @"."""
    rows = []
    for t in raw:
        words = WORD.findall(t)
        n = len(words)
        title = sum(w[0].isupper() and w[1:].islower() for w in words) / n if n else 0.0
        caps = sum(w.isupper() for w in words) / n if n else 0.0
        low = t.lower()
        rows.append(
            [
                n >= 4 and title >= 0.5,
                n >= 4 and 0.25 <= title < 0.5,
                n >= 3 and caps >= 0.6,
                n >= 3 and 0.2 <= caps < 0.6,
                "http" in low or "www." in low,
                "via @" in low,
            ]
        )
    return sp.csr_matrix(np.asarray(rows, dtype=np.float32) * weight)


def design(fu: Any, texts: list[str], raw: list[str]) -> sp.csr_matrix:
    Z = fu.transform(texts)
    return sp.hstack([Z, shape(raw)], format="csr") if SHAPE else Z


@dataclass
class Part:
    """Normalised texts of one measured set, its labels and its gate factors."""

    texts: list[str]
    y: np.ndarray
    gate: np.ndarray
    raw: list[str]


def part(raw: list[str], texts: list[str], y: np.ndarray) -> Part:
    no_ctx = np.array([not has_election_context(t) for t in texts])
    no_cue = np.array([not has_cue(t) for t in texts])
    gate = np.where(no_ctx, GATE, np.where(no_cue, CUE_GATE, 1.0))
    return Part(texts, np.asarray(y, dtype=int), gate, raw)


Fitter = Callable[[sp.csr_matrix, np.ndarray, "Features"], Callable[[sp.csr_matrix], np.ndarray]]


@dataclass
class Features:
    word_cols: np.ndarray  # column indices of the word block
    char_cols: np.ndarray


def lr(C: float = 8.0) -> Fitter:
    def fit(X: sp.csr_matrix, y: np.ndarray, f: Features) -> Callable:
        m = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(X, y)
        return m.decision_function

    return fit


def nblr(C: float = 8.0, alpha: float = 1.0, power: float = 1.0) -> Fitter:
    """The model's NB-scaled logistic regression (screening.model.nblr) with these options."""

    def fit(X: sp.csr_matrix, y: np.ndarray, f: Features) -> Callable:
        return NBLogisticRegression(C=C, alpha=alpha, power=power).fit(X, y).decision_function

    return fit


def svm(C: float = 0.5) -> Fitter:
    def fit(X: sp.csr_matrix, y: np.ndarray, f: Features) -> Callable:
        return LinearSVC(C=C, class_weight="balanced").fit(X, y).decision_function

    return fit


def sgd(alpha: float = 2e-5, loss: str = "modified_huber") -> Fitter:
    def fit(X: sp.csr_matrix, y: np.ndarray, f: Features) -> Callable:
        m = SGDClassifier(
            loss=loss, alpha=alpha, class_weight="balanced", max_iter=50, random_state=0
        )
        return m.fit(X, y).decision_function

    return fit


def split(C_word: float = 8.0, C_char: float = 8.0) -> Fitter:
    """Separate word and character LRs, log-odds averaged (still one linear model)."""

    def fit(X: sp.csr_matrix, y: np.ndarray, f: Features) -> Callable:
        out = []
        for cols, C in ((f.word_cols, C_word), (f.char_cols, C_char)):
            Xs = X[:, cols]
            m = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(Xs, y)
            w = np.zeros(X.shape[1])
            w[cols] = m.coef_[0]
            out.append((w, m.intercept_[0]))
        w = (out[0][0] + out[1][0]) / 2
        b = (out[0][1] + out[1][1]) / 2
        return lambda Z: np.asarray(Z @ w).ravel() + b

    return fit


def blend(*fitters: Fitter) -> Fitter:
    """Mean of the members' standardised decision values."""

    def fit(X: sp.csr_matrix, y: np.ndarray, f: Features) -> Callable:
        members = [fr(X, y, f) for fr in fitters]
        scales = [np.std(m(X)) or 1.0 for m in members]
        return lambda Z: np.mean([m(Z) / s for m, s in zip(members, scales, strict=True)], axis=0)

    return fit


VARIANTS: dict[str, Fitter] = {
    "lr": lr(),
    "lr_C4": lr(4.0),
    "lr_C16": lr(16.0),
    "nblr": nblr(),
    "nblr_C2": nblr(2.0),
    "nblr_sqrt": nblr(8.0, power=0.5),
    "svm": svm(),
    "svm_C0.1": svm(0.1),
    "sgd_mh": sgd(),
    "split": split(),
    "lr+nblr": blend(lr(), nblr()),
    "lr+svm": blend(lr(), svm()),
}


def featurize(fit_texts: list[str], **kw: Any) -> tuple[Any, Features]:
    fu = build_features(**kw)
    fu.fit(fit_texts)
    sizes = [len(t.get_feature_names_out()) for _, t in fu.transformer_list]
    word = np.arange(sizes[0])
    char = np.arange(sizes[0], sizes[0] + sizes[1])
    return fu, Features(word, char)


def platt(d: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    m = LogisticRegression(C=1e6).fit(d.reshape(-1, 1), y)
    return lambda v: m.predict_proba(np.asarray(v).reshape(-1, 1))[:, 1]


def measure(
    name: str, fitter: Fitter, train: Part, groups: np.ndarray, sets: dict[str, Part], kw: dict
) -> dict[str, Any]:
    y = train.y
    oof = np.zeros(len(y))
    texts = np.asarray(train.texts, dtype=object)
    raw = np.asarray(train.raw, dtype=object)
    for fit_idx, hold_idx in StratifiedGroupKFold(5, shuffle=True, random_state=0).split(
        texts, y, groups
    ):
        fu, f = featurize(texts[fit_idx].tolist(), **kw)
        dec = fitter(design(fu, texts[fit_idx].tolist(), raw[fit_idx].tolist()), y[fit_idx], f)
        oof[hold_idx] = dec(design(fu, texts[hold_idx].tolist(), raw[hold_idx].tolist()))
    cal = platt(oof, y)
    p_oof = cal(oof) * train.gate
    thr = best_f1_threshold(y, p_oof)
    out: dict[str, Any] = {"variant": name, "threshold": round(thr, 3)}
    m = binary_metrics(y, p_oof, thr)
    out["oow_f1"], out["oow_ap"] = m["f1"], m["average_precision"]
    fu, f = featurize(train.texts, **kw)
    dec = fitter(design(fu, train.texts, train.raw), y, f)
    for key, s in sets.items():
        p = cal(dec(design(fu, s.texts, s.raw))) * s.gate
        if key == "everyday":
            flag = p >= thr
            out["everyday_ff"] = float(flag[s.y == 0].mean())
            out["everyday_found"] = float(flag[s.y == 1].mean())
            continue
        m = binary_metrics(s.y, p, thr)
        out[f"{key}_f1"], out[f"{key}_ap"] = m["f1"], m["average_precision"]
        out[f"{key}_p"], out[f"{key}_r"] = m["precision"], m["recall"]
    return out


def load_sets() -> tuple[Part, np.ndarray, dict[str, Part]]:
    df = load_labelled(paths.TRAIN_CSV)
    lex = CandidateLexicon.from_yaml(paths.TRAIN_LEXICON)
    raw = df["text"].tolist()
    train = part(raw, normalize_many(raw, lex, typed=True), df["label"].to_numpy())
    groups = df["writer"].astype(str).to_numpy(dtype=object)
    ev = load_labelled(paths.EVAL_CSV)
    ev_lex = CandidateLexicon.from_yaml(paths.EVAL_LEXICON)
    sets = {
        "eval": part(
            ev.text.tolist(), normalize_many(ev.text.tolist(), ev_lex, typed=True), ev.label
        )
    }
    if realdata.REALDATA_DIR.is_dir():
        dev = real_dev()
        texts = [""] * len(dev)
        for f, g in dev.groupby("file"):
            lx = CandidateLexicon.from_yaml(realdata.lexicon_for(str(f)))
            for i, t in zip(g.index, normalize_many(g.text.tolist(), lx, typed=True), strict=True):
                texts[i] = t
        sets["real"] = part(dev.text.tolist(), texts, dev.label)
        every = everyday_labelled()
        every = every[every.label >= 0].reset_index(drop=True)
        sets["everyday"] = part(
            every.text.tolist(), normalize_many(every.text.tolist(), None, typed=True), every.label
        )
    return train, groups, sets


COLUMNS = (
    "variant threshold oow_f1 oow_ap eval_f1 eval_ap real_f1 real_ap real_p real_r "
    "everyday_ff everyday_found"
).split()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated variant names")
    ap.add_argument("--char", default="3,5", help="character n-gram range")
    ap.add_argument("--word", default="1,2", help="word n-gram range")
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--shape", action="store_true", help="add the shape columns")
    ap.add_argument("--category", action="store_true", help="compare category heads instead")
    args = ap.parse_args()
    kw = {
        "word_ngrams": tuple(int(x) for x in args.word.split(",")),
        "char_ngrams": tuple(int(x) for x in args.char.split(",")),
        "min_df": args.min_df,
    }
    global SHAPE
    SHAPE = args.shape
    train, groups, sets = load_sets()
    if "real" not in sets:
        print(f"note: {realdata.REALDATA_DIR} is absent: real-post columns are left empty")
    if args.category:
        if "real" not in sets:
            raise SystemExit("the category comparison needs the real yardstick")
        cats = load_labelled(paths.TRAIN_CSV)["category"].to_numpy(dtype=object)
        print("| head | out-of-writer accuracy | real accuracy |")
        category_choice(train, cats, groups, real_dev(), sets["real"], kw)
        return
    names = [n for n in args.only.split(",") if n] or list(VARIANTS)
    print("| " + " | ".join(COLUMNS) + " |", flush=True)
    rows = []
    for n in names:
        r = measure(n, VARIANTS[n], train, groups, sets, kw)
        rows.append(r)
        cells = [
            r[c] if isinstance(r.get(c), str) else f"{r.get(c, float('nan')):.3f}" for c in COLUMNS
        ]
        print("| " + " | ".join(cells) + " |", flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))


def category_choice(
    train: Part, cats: np.ndarray, groups: np.ndarray, dev: pd.DataFrame, real: Part, kw: dict
) -> None:
    """Category head options: out-of-writer accuracy on the training positives, and accuracy
    on the real yardstick's agreed partisan posts with a category."""
    options: dict[str, dict[str, Any]] = {
        "C4_balanced": {"C": 4.0, "class_weight": "balanced"},
        "C1_balanced": {"C": 1.0, "class_weight": "balanced"},
        "C16_balanced": {"C": 16.0, "class_weight": "balanced"},
        "C4_none": {"C": 4.0, "class_weight": None},
    }
    pos = np.flatnonzero(train.y == 1)
    texts = np.asarray(train.texts, dtype=object)
    rpos = np.flatnonzero((real.y == 1) & dev["category"].fillna("").astype(bool).to_numpy())
    rcats = dev["category"].to_numpy()[rpos]
    # one vocabulary for all options (fitted without labels on the training texts)
    fu, _ = featurize(train.texts, **kw)
    Z = fu.transform(texts[pos].tolist())
    R = fu.transform([real.texts[i] for i in rpos])
    for name, opt in options.items():
        pred = np.empty(len(pos), dtype=object)
        for fit_i, hold_i in StratifiedGroupKFold(5, shuffle=True, random_state=0).split(
            pos, cats[pos], groups[pos]
        ):
            m = LogisticRegression(max_iter=5000, **opt).fit(Z[fit_i], cats[pos[fit_i]])
            pred[hold_i] = m.predict(Z[hold_i])
        rp = LogisticRegression(max_iter=5000, **opt).fit(Z, cats[pos]).predict(R)
        print(
            f"| {name} | {np.mean(pred == cats[pos]):.3f} | {np.mean(rp == rcats):.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
