"""Measure a model on the checks of issues 13-14: eval with and without its lexicon, everyday
real posts, a lexicon whose acronyms are everyday words, and the real election files.

    .venv/bin/python -m bench.lexicon_rules --model models/default
    .venv/bin/python -m bench.lexicon_rules --model models/default --ambiguity always

Real files are read from ../shared/realdata (evaluation only); rows that need it are skipped
with a note when it is absent. Prints one markdown table row per check; ``--json`` adds the
figures as JSON. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from screening import paths
from screening.data import realdata
from screening.lexicon import matcher
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import load_bundle
from screening.model.evaluate import binary_metrics

HERE = Path(__file__).parent
ACRONYMS = HERE / "data" / "acronyms.yaml"


def real_texts(name: str) -> list[str]:
    return realdata.read_texts(name)["text"].tolist()


def real_dev() -> pd.DataFrame:
    """data/real_dev.csv with each reference resolved to its text in the real-data folder."""
    return realdata.resolve(pd.read_csv(paths.DATA_DIR / "real_dev.csv"))


def everyday_labelled() -> pd.DataFrame:
    """Every post of the everyday real files with a label: data/real_everyday.csv's agreed
    labels for the 1,508 posts with election vocabulary, 0 for the rest (no election
    vocabulary, so no partisan tendency), -1 where the two labellers disagreed."""
    labels = pd.read_csv(paths.DATA_DIR / "real_everyday.csv")
    parts = []
    for name in realdata.EVERYDAY_FILES:
        frame = realdata.read_texts(name)
        mine = labels[labels.file == name][["line", "label"]]
        frame = frame.merge(mine, on="line", how="left")
        frame["label"] = frame["label"].fillna(0)
        frame.loc[frame.line.isin(mine.line[mine.label.isna()]), "label"] = -1
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["label"] = out["label"].astype(int)
    return out


def acronym_posts() -> pd.DataFrame:
    rows = []
    for f in sorted((HERE / "data" / "raw").glob("acr_*.jsonl")):
        rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line]
    return pd.DataFrame(rows)


def lexicon(path: Path, args: argparse.Namespace) -> CandidateLexicon:
    return CandidateLexicon.from_yaml(path).with_rules(
        ambiguity=args.ambiguity, tolerant=not args.exact
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(paths.MODELS_DIR / "default"))
    ap.add_argument("--ambiguity", default="cue", choices=("cue", "caps", "always"))
    ap.add_argument("--exact", action="store_true", help="no spelling variants or typos")
    ap.add_argument("--window", type=int, default=None, help="words between a cue and a term")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.window is not None:
        matcher.CUE_WINDOW = args.window
    bundle = load_bundle(args.model)
    model, thr = bundle.model, bundle.threshold
    out: dict[str, Any] = {"model": args.model, "threshold": thr, "ambiguity": args.ambiguity}

    def score(texts: list[str], lex: CandidateLexicon | None) -> np.ndarray:
        return model.screen(texts, lex).score if texts else np.zeros(0)

    ev = pd.read_csv(paths.DATA_DIR / "eval.csv")
    ev_lex = lexicon(paths.DATA_DIR / "candidates_eval.yaml", args)
    for key, lex in (("eval", ev_lex), ("eval_no_lexicon", None)):
        m = binary_metrics(ev.label, score(ev.text.tolist(), lex), thr)
        out[key] = {k: m[k] for k in ("precision", "recall", "f1", "average_precision")}
    acr = acronym_posts()
    if len(acr):
        acr_lex = lexicon(ACRONYMS, args)
        for key, lex in (("acronyms_no_lexicon", None), ("acronyms", acr_lex)):
            s = score(acr.text.tolist(), lex)
            out[key] = {
                "everyday_flagged": float((s[acr.label == 0] >= thr).mean()),
                "campaign_flagged": float((s[acr.label == 1] >= thr).mean()),
                "n": len(acr),
            }
    if realdata.REALDATA_DIR.is_dir():
        every = everyday_labelled()
        s = score(every.text.tolist(), None)
        flag = s >= thr
        clean = (every.label == 0).to_numpy()
        partisan = (every.label == 1).to_numpy()
        out["everyday_real"] = {
            "n": len(every),
            "flagged": float(flag.mean()),
            # flags on posts that are not partisan (agreed label 0, or no election vocabulary)
            "false_flags": float(flag[clean].mean()),
            "partisan_posts": int(partisan.sum()),
            "partisan_found": float(flag[partisan].mean()),
        }
        every = every.text.tolist()
        acr_lex = lexicon(ACRONYMS, args)
        words = re.compile(
            r"(?<!\w)(amin|bisa|pas|raja|berkah|siaga|aman|maju|sabar|jaya)(?!\w)", re.I
        )
        with_words = [t for t in every if words.search(t)]
        s0, s1 = score(with_words, None), score(with_words, acr_lex)
        out["everyday_real_acronym_words"] = {
            "n": len(with_words),
            "flagged_no_lexicon": float((s0 >= thr).mean()),
            "flagged_acronym_lexicon": float((s1 >= thr).mean()),
        }
        dev = real_dev()
        lexicons = {
            f: lexicon(path, args)
            for f in realdata.ELECTION_LEXICONS
            if (path := realdata.lexicon_for(f))
        }
        s0 = score(dev.text.tolist(), None)
        s1 = np.zeros(len(dev))
        for f, group in dev.groupby("file"):
            s1[group.index] = score(group.text.tolist(), lexicons[f])
        for key, sc in (("real_dev_no_lexicon", s0), ("real_dev", s1)):
            m = binary_metrics(dev.label, sc, thr)
            out[key] = {k: m[k] for k in ("precision", "recall", "f1", "average_precision")}
            out[key]["n"] = len(dev)
        for cat, group in dev[dev.label == 1].groupby("category"):
            if cat:
                out.setdefault("real_dev_recall_by_category", {})[cat] = float(
                    (s1[group.index] >= thr).mean()
                )
        for f, lex in lexicons.items():
            texts = real_texts(f)
            out[f] = {
                "n": len(texts),
                "flagged_no_lexicon": float((score(texts, None) >= thr).mean()),
                "flagged_lexicon": float((score(texts, lex) >= thr).mean()),
            }
    else:
        out["note"] = f"{realdata.REALDATA_DIR} is absent: real-post rows skipped"
    print(json.dumps(out, indent=1) if args.json else _table(out))


def _table(out: dict[str, Any]) -> str:
    lines = [
        f"model {out['model']}  threshold {out['threshold']:.3f}  ambiguity {out['ambiguity']}"
    ]
    for key, val in out.items():
        if isinstance(val, dict):
            lines.append(
                key
                + ": "
                + "  ".join(
                    f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in val.items()
                )
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
