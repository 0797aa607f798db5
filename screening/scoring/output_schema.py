"""The columns scoring adds to every input row: their order, their dtypes, and what a
rejected row holds in them. Defined once for the local engine's rows
(:func:`screening.scoring.local.assemble`) and the Dask engine's rows, reject rows and
``meta`` (:mod:`screening.scoring.distributed`)."""

from __future__ import annotations

from typing import Any

import numpy as np

# in output order, after the input's own columns
OUTPUT_DTYPES: dict[str, Any] = {
    "score": np.float64,
    "flagged": bool,
    "category": object,
    "category_score": np.float64,
    "duplicate_of": object,  # input line of the first identical text; '' for a first one
    "reasons": object,
    "input_line": np.int64,
}
OUTPUT_COLUMNS = tuple(OUTPUT_DTYPES)

# a row the Dask engine rejects keeps its input columns and its input_line, and holds these
REJECTED_ROW: dict[str, Any] = {
    "score": np.nan,
    "flagged": False,
    "category": "",
    "category_score": np.nan,
    "duplicate_of": "",
    "reasons": "",
}
