"""Provenance of a scored file: which model, threshold and lexicon produced it.

`screening score` writes ``OUTPUT.meta.json`` beside every output (a file, or the directory of
Parquet parts the Dask engine writes). Review queues read it back, so a file scored by an old
model is reviewed against that model's threshold and version, not the model that is current
when the queue is built; `review stats` then reports precision per the model that really
flagged the posts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from screening import __version__
from screening.errors import ScreeningError
from screening.io.files import now_iso, sha256_file, write_json_atomic
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import Bundle

SIDECAR_SUFFIX = ".meta.json"
FORMAT = "screening-provenance/1"


def model_version(bundle: Bundle) -> str:
    """``<bundle name>@<first 12 hex digits of the model's sha256>``: names a model exactly."""
    name = bundle.card.get("name", bundle.path.name)
    return f"{name}@{bundle.card['model_sha256'][:12]}"


def sidecar_for(output: str | Path) -> Path:
    """Where the provenance record of ``output`` lives: ``OUTPUT.meta.json`` beside it."""
    p = Path(output)
    return p.with_name(p.name + SIDECAR_SUFFIX)


@dataclass(frozen=True)
class Provenance:
    """What scored a file. ``threshold_source`` is ``"model card"`` or ``"--threshold"``;
    ``lexicon``/``lexicon_sha256`` are None when no candidate lexicon was used."""

    model_version: str
    model_path: str
    model_sha256: str
    threshold: float
    threshold_source: str
    lexicon: str | None
    lexicon_sha256: str | None
    scored_at: str
    tool_version: str = __version__
    format: str = FORMAT

    @classmethod
    def of_run(
        cls, bundle: Bundle, threshold: float | None, lexicon: CandidateLexicon | None
    ) -> Provenance:
        """The record of a run scoring with ``bundle``, an optional threshold override and an
        optional lexicon (its file is hashed when it came from one)."""
        source = lexicon.source if lexicon is not None else None
        lex_sha = sha256_file(source) if source and Path(source).is_file() else None
        return cls(
            model_version=model_version(bundle),
            model_path=str(bundle.path),
            model_sha256=str(bundle.card["model_sha256"]),
            threshold=bundle.threshold_for(threshold),
            threshold_source="model card" if threshold is None else "--threshold",
            lexicon=source,
            lexicon_sha256=lex_sha,
            scored_at=now_iso(),
        )

    def short(self) -> str:
        """One line for summaries: model, threshold and lexicon."""
        lex = "none" if self.lexicon is None else f"{self.lexicon}"
        if self.lexicon_sha256:
            lex += f" (sha256 {self.lexicon_sha256[:12]})"
        return (
            f"model {self.model_version}   threshold {self.threshold:.3f} "
            f"({self.threshold_source})   lexicon {lex}"
        )


def write_sidecar(output: str | Path, record: Provenance) -> Path:
    """Write ``OUTPUT.meta.json`` atomically; returns its path."""
    path = sidecar_for(output)
    write_json_atomic(path, asdict(record))
    return path


def read_sidecar(scored: str | Path) -> Provenance | None:
    """The provenance record of a scored file or directory; None when it has none. Raises
    :class:`ScreeningError` for a record that is not one this tool wrote."""
    path = sidecar_for(scored)
    if not path.is_file():
        return None
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a screening provenance record")
        known = {k: data[k] for k in Provenance.__dataclass_fields__ if k in data}
        record = Provenance(**known)
        float(record.threshold)
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise ScreeningError(f"{path}: unreadable provenance record ({exc})") from exc
    return record
