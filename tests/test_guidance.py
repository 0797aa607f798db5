"""The guidance file loads, is consistent, and bad files are reported by key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from screening import paths
from screening.data.guidance import CATEGORIES, load_guidance
from screening.errors import ScreeningError

ARTICLES = paths.ROOT.parent / "shared" / "articles"


def test_bundled_guidance() -> None:
    g = load_guidance(paths.GUIDANCE)
    assert tuple(g.categories) == CATEGORIES
    for cat in g.categories.values():
        assert cat.rules and cat.legal_basis
        assert all(r.id.split("-")[0] == cat.rules[0].id.split("-")[0] for r in cat.rules)
    assert {"NEG-INGAT", "NEG-KATA", "NEG-INFO", "NEG-BERITA"} <= g.hard_negative_ids
    assert "NEG-UMUM" not in g.hard_negative_ids


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="../shared/articles is absent")
def test_every_rule_cites_an_existing_article() -> None:
    names = {p.name for p in ARTICLES.glob("*.txt")}
    for rule in load_guidance(paths.GUIDANCE).rules.values():
        assert set(rule.sources) <= names, rule.id


def test_bad_key_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load(paths.GUIDANCE.read_text(encoding="utf-8"))
    data["categories"]["simbol"]["rules"][1]["sorce"] = data["categories"]["simbol"]["rules"][
        1
    ].pop("source")
    p = tmp_path / "g.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScreeningError) as err:
        load_guidance(p)
    assert "categories.simbol.rules[1]" in str(err.value)
    assert "sorce" in str(err.value)


def test_missing_category_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load(paths.GUIDANCE.read_text(encoding="utf-8"))
    del data["categories"]["identitas"]
    p = tmp_path / "g.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScreeningError, match="identitas"):
        load_guidance(p)
