"""Reviewer-facing strings in Indonesian (the default) and English, from one catalogue
(``screening/resources/i18n.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("id", "en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("screening").joinpath("resources/i18n.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {str(k): {str(lang): str(v) for lang, v in row.items()} for k, row in data.items()}


def t(key: str, lang: str = "id", **values: Any) -> str:
    """The string ``key`` in ``lang`` (``id`` or ``en``) with ``values`` filled in."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return catalogue()[key][lang].format(**values)
