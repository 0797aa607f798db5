"""`screening explain`: why a post gets its score."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import Candidates, ModelDir, open_lexicon, open_model
from screening.data.guidance import load_guidance
from screening.errors import ScreeningError
from screening.io.readers import find_text_column, read_table
from screening.model.explain import reasons
from screening.paths import GUIDANCE


def command(
    text: Annotated[
        str | None, typer.Argument(help="The post to explain.", show_default=False)
    ] = None,
    input: Annotated[
        Path | None,
        typer.Option("--input", "-i", help="Export to take the post from.", show_default=False),
    ] = None,
    post_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Value of the id column (id, id_str, post_id) or the input line number.",
            show_default=False,
        ),
    ] = None,
    model: ModelDir = None,
    candidates: Candidates = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="How many contributing terms to show.")
    ] = 8,
) -> None:
    """Print a post's score, category, the terms that pushed the score up (log-odds weights),
    and the guidance text and legal basis of its category.

    Example:  screening explain "Ayo coblos nomor 2 ✌" --candidates pilkada.yaml
    """
    if (text is None) == (input is None):
        raise ScreeningError("give either TEXT or --input FILE --id ID")
    if input is not None:
        text = _post_from_file(input, post_id)
    assert text is not None
    bundle = open_model(model)
    if not text.strip():
        typer.echo("empty text: nothing to score (a post with no words is never flagged)")
        return
    lexicon = open_lexicon(candidates)
    s = bundle.model.screen([text], lexicon)
    score, category = float(s.score[0]), str(s.category[0])
    g = load_guidance(GUIDANCE)
    is_flagged = score >= bundle.threshold
    flagged = "FLAGGED" if is_flagged else "not flagged"
    typer.echo(f"score {score:.3f} ({flagged} at threshold {bundle.threshold:.3f})")
    if is_flagged:
        typer.echo(f"category {category} (category score {float(s.category_score[0]):.3f})")
    typer.echo("terms that raised the score (log-odds contribution):")
    for term, w in reasons(bundle.model, [text], lexicon, k=top)[0]:
        typer.echo(f"  +{w:.3f}  {term}")
    factor = float(bundle.model.gate_factors([text], lexicon)[0])
    if factor < 1.0:
        why = (
            "no election vocabulary at all"
            if abs(factor - float(bundle.model.get_params()["context_gate"])) < 1e-9
            else "election words but no election cue (vote, candidacy, office, candidate)"
        )
        typer.echo(f"election context: {why}; the score was multiplied by {factor:.2f}")
    if is_flagged:
        cat = g.categories[category]
        typer.echo(f"\nguidance, {category}: {cat.text_id}\n  ({cat.text_en})")
        typer.echo(f"legal basis: {g.legal_text(category)}")
    typer.echo("\nA score is a lead for a human reviewer, never a finding.")


def _post_from_file(path: Path, post_id: str | None) -> str:
    if post_id is None:
        raise ScreeningError("--input needs --id ID")
    table = read_table(path)
    frame = table.frame
    col = find_text_column(list(frame.columns))
    for id_col in ("id", "id_str", "post_id", "Id", "ID"):
        if id_col in frame.columns:
            hit = frame[frame[id_col] == post_id]
            if len(hit):
                return str(hit[col].iloc[0])
    if post_id.isdigit():
        hit = frame[frame["line"] == int(post_id)]
        if len(hit):
            return str(hit[col].iloc[0])
    raise ScreeningError(f"no post with id {post_id!r} in {path}")
