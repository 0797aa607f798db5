"""Does retraining on one election's reviewer labels help on another election? (`make adapt`)

For each election of the real yardstick (data/real_dev.csv: Banten 2024 YouTube comments, the
2024 presidential race's tweets, Jakarta 2017), its labelled real posts play the reviewers'
labels: `screening.model.retrain.retrain` trains on the bundled data plus those labels (typed
by that election's lexicon) in a temporary folder. The base model and the retrained one are then
measured on the *other* elections' labelled posts (each typed by its own lexicon) and on the
everyday real files (data/real_everyday.csv labels). The retrained models are thrown away: the
bundled model and data/ never train on ../shared/realdata.

    python -m bench.adapt [--model models/default] [--json out.json] [--only banten]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.lexicon_rules import everyday_labelled, real_dev
from screening import paths
from screening.data import realdata
from screening.errors import ScreeningError
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import Bundle, load_bundle
from screening.model.evaluate import binary_metrics
from screening.model.retrain import retrain

ELECTIONS = {
    "banten": ["banten_2024_youtube.csv"],
    "pilpres2024": ["pemilu2024_anies.csv", "pemilu2024_ganjar.csv", "pemilu2024_prabowo.csv"],
    "dki2017": ["pilkada_dki_2017.csv"],
}


def _scores(bundle: Bundle, df: pd.DataFrame) -> np.ndarray:
    out = np.zeros(len(df))
    for f, g in df.groupby("file"):
        lx = realdata.lexicon_for(str(f))
        lex = CandidateLexicon.from_yaml(lx) if lx else None
        out[df.index.get_indexer(g.index)] = bundle.model.screen(g.text.tolist(), lex).score
    return out


def measure(
    bundle: Bundle, test: pd.DataFrame, everyday: pd.DataFrame, everyday_base: np.ndarray | None
) -> dict[str, Any]:
    """Figures of ``bundle`` at its threshold on ``test`` (labelled real election posts) and
    the everyday real posts (false flags: label-0 posts flagged)."""
    s = _scores(bundle, test.reset_index(drop=True))
    fig = binary_metrics(test["label"].to_numpy(), s, bundle.threshold)
    e = (
        bundle.model.screen(everyday.text.tolist()).score
        if everyday_base is None
        else everyday_base
    )
    flagged = e >= bundle.threshold
    neg = everyday.label.to_numpy() == 0
    return {
        "threshold": round(bundle.threshold, 4),
        "f1": round(float(fig["f1"]), 4),
        "average_precision": round(float(fig["average_precision"]), 4),
        "precision": round(float(fig["precision"]), 4),
        "recall": round(float(fig["recall"]), 4),
        "everyday_flagged": round(float(flagged.mean()), 5),
        "everyday_false_flags": round(float(flagged[neg].mean()), 5),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=paths.MODELS_DIR / "default")
    ap.add_argument("--json", type=Path, default=None, help="Write the figures here too.")
    ap.add_argument("--only", choices=sorted(ELECTIONS), action="append", default=None)
    args = ap.parse_args(argv)
    try:
        dev = real_dev()
        everyday = everyday_labelled()
    except ScreeningError as exc:
        print(f"adapt: real data not available ({exc}); nothing measured", file=sys.stderr)
        return 0
    everyday = everyday[everyday.label >= 0].reset_index(drop=True)
    base = load_bundle(args.model)
    base_everyday = base.model.screen(everyday.text.tolist()).score
    results: dict[str, Any] = {}
    for name in args.only or list(ELECTIONS):
        files = ELECTIONS[name]
        own = dev[dev.file.isin(files)]
        test = dev[~dev.file.isin(files)]
        lex_path = realdata.lexicon_for(files[0])
        with tempfile.TemporaryDirectory() as tmp:
            labels = Path(tmp) / f"labels_{name}.csv"
            own[["text", "label", "category", "file"]].to_csv(labels, index=False)
            res = retrain(
                labels,
                base,
                Path(tmp) / "models" / "adapted",
                labels_lexicon=CandidateLexicon.from_yaml(lex_path) if lex_path else None,
                force=True,
                progress=lambda m, tag=name: print(f"  [{tag}] {m}", file=sys.stderr, flush=True),
            )
            new = load_bundle(res.new_dir)
            card = new.card
            results[name] = {
                "labels": len(own),
                "test_posts": len(test),
                "test_files": sorted(test.file.unique()),
                "base": measure(base, test, everyday, base_everyday),
                "retrained": measure(new, test, everyday, None),
                "label_weight": card.get("label_weight"),
                "learning_curve": card.get("learning_curve"),
                "guard": {
                    "would_be_made_current": res.reason != "forced",
                    "everyday_bundled": res.everyday,
                },
            }
        r = results[name]
        print(
            f"{name}: {r['labels']} labels -> other elections ({r['test_posts']} posts): "
            f"F1 {r['base']['f1']:.3f} -> {r['retrained']['f1']:.3f}, "
            f"AP {r['base']['average_precision']:.3f} -> "
            f"{r['retrained']['average_precision']:.3f}; "
            f"everyday flagged {100 * r['base']['everyday_flagged']:.2f}% -> "
            f"{100 * r['retrained']['everyday_flagged']:.2f}% (false flags "
            f"{100 * r['base']['everyday_false_flags']:.2f}% -> "
            f"{100 * r['retrained']['everyday_false_flags']:.2f}%); weight "
            f"{r['label_weight']['chosen']:g}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
