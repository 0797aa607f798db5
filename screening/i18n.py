"""Reviewer-facing strings in Indonesian (the default) and English, from one catalogue
(``screening/resources/i18n.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from screening import paths
from screening.lexicon.candidates import load_yaml_file

LANGS = ("id", "en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    # the guarded loader every YAML read goes through (tests/test_adversarial_config.py)
    data = load_yaml_file(paths.RESOURCES / "i18n.yaml", "string catalogue")
    return {str(k): {str(lang): str(v) for lang, v in row.items()} for k, row in data.items()}


def t(key: str, lang: str = "id", **values: Any) -> str:
    """The string ``key`` in ``lang`` (``id`` or ``en``) with ``values`` filled in."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return catalogue()[key][lang].format(**values)


def pairs(prefix: str, names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{name: (Indonesian, English)}`` for the catalogue keys ``<prefix>.<name>``: the
    headers and words that are written in one language and read back in either."""
    return {n: (t(f"{prefix}.{n}", "id"), t(f"{prefix}.{n}", "en")) for n in names}
