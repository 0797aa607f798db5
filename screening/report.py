"""A self-contained HTML evaluation report a supervisor can open in any browser.

One file, no network: figures are PNGs embedded as base64, styles inline. Post text is
escaped (a post containing ``<script>`` shows as text). A small inline script sets
``data-figures-loaded`` on <body> once every figure has decoded, so a headless-browser test
can check that the figures actually render.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from screening.i18n import t
from screening.io.files import now_iso

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:.3em .6em}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.9em} img{max-width:100%;border:1px solid #eee}
.post{white-space:pre-wrap;max-width:760px}
"""
_SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-figures-loaded', String(ok));
});
"""


def _num(v: Any) -> str:
    if v is None:
        return "n/a"
    return f"{v:.3f}" if isinstance(v, float) else html.escape(str(v))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_num(c)}</td>'
            if isinstance(c, int | float) or c is None
            else f"<td>{html.escape(str(c))}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _img(png: bytes, alt: str) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}">'


def render(
    figures: dict[str, Any],
    model_card: dict[str, Any],
    errors: dict[str, list[dict[str, Any]]],
    pr_png: bytes,
    reliability_png: bytes,
    *,
    lang: str = "id",
) -> str:
    """The report as one HTML string, in ``lang`` (``id``, the default, or ``en``). Error
    items may carry ``reasons`` (the terms that raised their score)."""

    def tr(key: str, **kw: Any) -> str:
        return t(f"report.{key}", lang, **kw)

    m = figures
    cm = m["confusion_matrix"]
    headline = _table(
        [
            tr("posts"),
            tr("partisan"),
            tr("threshold"),
            "precision",
            "recall",
            "F1",
            "AP",
            "ROC AUC",
            "Brier",
            "ECE",
        ],
        [
            [
                m["n"],
                m["positives"],
                m["threshold"],
                m["precision"],
                m["recall"],
                m["f1"],
                m["average_precision"],
                m["roc_auc"],
                m["brier"],
                m["ece"],
            ]
        ],
    )
    before = m.get("before_calibration", {})
    calibration = _table(
        ["", "Brier", "ECE", "AP"],
        [
            [
                tr("before"),
                before.get("brier"),
                before.get("ece"),
                before.get("average_precision"),
            ],
            [tr("after"), m["brier"], m["ece"], m["average_precision"]],
        ],
    )
    confusion = _table(
        ["", tr("flagged"), tr("not_flagged")],
        [[tr("partisan"), cm["tp"], cm["fn"]], [tr("not_partisan"), cm["fp"], cm["tn"]]],
    )
    cats = _table(
        [tr("category"), tr("partisan_posts"), tr("recall"), tr("cat_acc")],
        [
            [c, v["n"], v["recall"], v["category_accuracy"]]
            for c, v in m.get("per_category", {}).items()
        ],
    )

    def posts(items: list[dict[str, Any]]) -> str:
        rows = "".join(
            f'<tr><td class="num">{e["score"]:.3f}</td>'
            f'<td class="post">{html.escape(e["text"])}</td>'
            f"<td>{html.escape(str(e.get('reasons', '')))}</td></tr>"
            for e in items
        )
        head = f"<tr><th>{tr('score')}</th><th>{tr('post')}</th><th>{tr('reasons')}</th></tr>"
        return f"<table>{head}{rows}</table>" if items else f"<p>{tr('none')}</p>"

    title = html.escape(tr("title", name=Path(str(m.get("data", ""))).name))
    sha = str(model_card.get("model_sha256", ""))[:12]
    about = html.escape(
        tr(
            "about",
            model=m.get("model", ""),
            created=model_card.get("created", ""),
            sha=sha,
            lexicon=m.get("lexicon") or "-",
            now=now_iso(),
        )
    )
    sections = [
        f"<h1>{title}</h1>",
        f'<p class="note">{about}</p>',
        f"<h2>{tr('headline')}</h2>{headline}",
        f"<h2>{tr('pr')}</h2>{_img(pr_png, 'precision-recall')}",
        f'<h2>{tr("calibration")}</h2><p class="note">{html.escape(tr("calibration_note"))}</p>',
        calibration + _img(reliability_png, "reliability diagram"),
        f"<h2>{tr('confusion')}</h2>{confusion}",
        f"<h2>{tr('by_category')}</h2>{cats}",
        f"<h2>{tr('errors')}</h2>",
        f"<h3>{tr('fp')}</h3>",
        posts(errors["false_positives"]),
        f"<h3>{tr('fn')}</h3>",
        posts(errors["false_negatives"]),
    ]
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
