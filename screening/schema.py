"""Schema validation of the YAML files (guidance, candidate lexicons) and of model cards,
with readable errors."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import jsonschema

from screening.errors import ScreeningError


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate(data: Any, schema: Mapping[str, Any], source: str) -> None:
    """Raise ScreeningError naming the file, the bad key's path and what is wrong.

    All errors are reported, one per line, so a user fixes a file in one pass.
    """
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{source}: {_path(e.absolute_path)}: {e.message}" for e in errors[:20]]
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise ScreeningError("invalid file\n" + "\n".join(lines) + more)


# ---- model cards (card.json) -------------------------------------------------------------

# A model file name: one path component, no separator, not "." or ".." (the bundle loader
# also checks that the resolved file sits in the bundle directory, for symlinks).
MODEL_FILE_PATTERN = r"^(?!\.\.?$)[^/\\\x00]+$"

_STR = {"type": "string"}
_OBJ = {"type": "object"}

# Every key the code reads from a card, with the type it relies on. Other keys are allowed
# (a card is also documentation), so newer cards stay readable.
CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "model_sha256", "threshold"],
    "properties": {
        "format": _STR,
        "name": _STR,
        "created": _STR,
        "intended_use": _STR,
        "uses_to_avoid": {"type": "array", "items": _STR},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "threshold_source": _STR,
        "threshold_history": {"type": "array", "items": _OBJ},
        "model_file": {"type": "string", "pattern": MODEL_FILE_PATTERN},
        "model_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "training_data": {
            "type": "object",
            "properties": {"rows": {"type": "integer", "minimum": 0}, "path": _STR},
        },
        "metrics": {
            "type": "object",
            "properties": {"eval": _OBJ, "out_of_fold_train": _OBJ},
        },
        "parent": {
            "type": ["object", "null"],
            "properties": {"path": _STR, "model_sha256": _STR},
        },
        "label_files": {
            "type": "array",
            "items": {"type": "object", "required": ["path"], "properties": {"path": _STR}},
        },
    },
}


def _finite_number(checker: Any, instance: Any) -> bool:
    """JSON "number" without NaN and ±Infinity (Python's json module reads both; they are
    not JSON and no threshold or count can be one). Booleans are not numbers, as in JSON."""
    return (
        isinstance(instance, int | float)
        and not isinstance(instance, bool)
        and math.isfinite(instance)
    )


_CardValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
)

_UNPRINTABLE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x1f\x7f-\x9f]")
MAX_MESSAGE_CHARS = 200


def _short(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` on one line without terminal escapes or control characters, cut to ``limit``
    characters: schema messages echo the offending value, which may be huge or hostile."""
    text = _UNPRINTABLE.sub("?", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_card(card: Any, source: str) -> None:
    """Validate a parsed card.json against :data:`CARD_SCHEMA`.

    Raises ScreeningError on ONE line naming ``source`` (the card's path), the first bad key
    and what is wrong, with the echoed value cut short; the first error only, because a card
    is written by the tool and one bad key already means it was edited or damaged.
    """
    errors = sorted(
        _CardValidator(CARD_SCHEMA).iter_errors(card),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        e = errors[0]
        key = _path(e.absolute_path)
        if e.validator == "required":  # the path is the parent; name the missing key itself
            missing = [k for k in e.validator_value if k not in e.instance]
            key, what = (missing[0] if missing else key), "is missing"
        elif e.validator == "pattern" and key == "model_file":
            what = "must be a plain file name inside the bundle directory"
        else:
            what = e.message
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ScreeningError(
            f"{_short(source, 1000)}: invalid card: '{_short(key)}': {_short(what)}{more}"
        )
