"""Train model variants for the design-choice table: ``python -m bench.variants OUT_DIR NAME
KEY=VALUE ...`` trains the bundled data with those PartisanModel parameters into OUT_DIR/NAME
(e.g. ``lexicon_dropout=0.25 typed_mentions=False``), then ``bench.lexicon_rules`` measures it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from screening.model.training import TrainConfig, train


def main() -> None:
    out, name, *pairs = sys.argv[1:]
    params = {k: ast.literal_eval(v) for k, v in (p.split("=", 1) for p in pairs)}
    card = train(TrainConfig(model_params=params), Path(out) / name, overwrite=True)
    ev = card["metrics"]["eval"]
    print(f"{name}: threshold {card['threshold']:.3f}  eval F1 {ev['f1']:.3f}")


if __name__ == "__main__":
    main()
