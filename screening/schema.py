"""Schema validation of the YAML files (guidance, candidate lexicons) with readable errors."""

from __future__ import annotations

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
