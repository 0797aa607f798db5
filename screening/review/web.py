"""A local review page: a reviewer walks the queue and each decision is saved at once.

Server-rendered (Starlette + Jinja2 with autoescaping, no front-end build). Safe by default:
it binds to 127.0.0.1, escapes all post text (a post containing ``<script>`` shows as text),
rejects cross-site form posts (every form carries a per-process secret token, and a POST whose
Origin is not exactly ``http://HOST:PORT`` of this server is refused), and answers only requests
whose Host header names the address it was started on (400 otherwise, before any handler runs):
a DNS-rebinding page (``evil.example`` re-pointed at 127.0.0.1) sends ``Host: evil.example`` and
so can neither read the token nor record a decision. Decisions go to the append-only store, so
the page resumes where a reviewer left off (their first queue post without a decision).
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from typing import Any
from urllib.parse import urlencode, urlsplit

import pandas as pd
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from screening.data.guidance import CATEGORIES, Guidance, load_guidance
from screening.i18n import LANGS, t
from screening.io.files import now_iso
from screening.paths import GUIDANCE
from screening.review.sheet import AUTHOR_COLUMNS, DATE_COLUMNS, LINK_COLUMNS, reason_terms
from screening.review.store import DECISIONS, Decision, Store

PAGE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('page.title') }}</title><style>
body{font-family:system-ui,"Noto Color Emoji",sans-serif;max-width:900px;margin:1em auto;padding:0 1em;color:#222;line-height:1.4}
.post{white-space:pre-wrap;font-size:1.15em;border:1px solid #ccc;padding:1em;border-radius:6px;background:#fafafa;overflow-wrap:anywhere}
.meta{color:#555;font-size:.9em} .row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
button{font-size:1em;padding:.6em 1.1em;border-radius:5px;border:1px solid #888;background:#fff;cursor:pointer}
button:focus,a:focus,select:focus,textarea:focus{outline:3px solid #1a73e8}
#btn-partisan{background:#fde8e8} #btn-not_partisan{background:#e8f5e9}
.saved{background:#e8f5e9;border:1px solid #9c9;padding:.4em .8em;border-radius:5px}
textarea{width:100%;max-width:40em;font:inherit} kbd{border:1px solid #aaa;border-radius:3px;padding:0 .3em;font-size:.85em}
.top{display:flex;justify-content:space-between;flex-wrap:wrap;gap:.5em}
</style></head><body>
<div class="top"><b>{{ t('page.title') }}</b>
<a href="{{ here(lang=other) }}" id="lang-switch" hreflang="{{ other }}">{{ t('page.other_lang') }}</a></div>
{% if not reviewer %}
<form method="get" action="/"><input type="hidden" name="lang" value="{{ lang }}">
<label>{{ t('page.reviewer_name') }} <input name="reviewer" autofocus required></label>
<button type="submit">{{ t('page.start') }}</button></form>
{% else %}
{% if saved %}<p class="saved" id="saved" role="status">{{ t('page.saved', post=saved.post, decision=saved.decision) }}
· <a href="{{ here(post=saved.post) }}" id="undo">{{ t('page.change_last') }}</a></p>{% endif %}
{% if author %}<p class="meta">{{ t('page.filter', author=author) }} · <a href="{{ here(author='') }}">{{ t('page.all_accounts') }}</a></p>{% endif %}
{% if item is none %}
<h1>{{ t('page.done', reviewer=reviewer) }}</h1><p>{{ t('page.done_text', total=total) }}</p>
{% else %}
<p class="meta" id="progress">{{ t('page.progress', reviewer=reviewer|e, position=position, total=total, decided=decided)|safe }}</p>
{% if current %}<p class="meta" id="current"><b>{{ t('page.current', decision=current) }}</b></p>{% endif %}
<div class="post" id="post">{{ item.text }}</div>
<p class="meta" id="context">
{% if item.link %}<a href="{{ item.link }}" target="_blank" rel="noopener noreferrer" id="link">{{ t('page.link') }}</a> · {% endif %}
{% if item.author %}{{ t('page.author') }} <a href="{{ here(author=item.author) }}" id="author">{{ item.author }}</a> · {% endif %}
{% if item.date %}{{ t('page.date') }} <span id="date">{{ item.date }}</span>{% endif %}</p>
<p class="meta">{{ t('page.score') }} {{ "%.3f"|format(item.score) }} · {{ t('page.model_category') }} <b>{{ item.category }}</b>
· {{ t('page.sample') }} {{ item.sample }} · {{ t('page.post_id') }} <span id="post-id">{{ item.post_id }}</span></p>
<p class="meta" id="reasons">{{ t('page.reasons') }}: {{ item.terms }}</p>
{% if item.guidance_text %}<details id="guidance"><summary>{{ t('page.guidance', category=item.category) }}</summary>
<p>{{ item.guidance_text }}</p><p><b>{{ t('page.legal') }}:</b> {{ item.legal }}</p></details>{% endif %}
<form method="post" action="/decide" id="form">
<input type="hidden" name="token" value="{{ token }}">
<input type="hidden" name="reviewer" value="{{ reviewer }}">
<input type="hidden" name="post_id" value="{{ item.post_id }}">
<input type="hidden" name="lang" value="{{ lang }}">
<input type="hidden" name="author" value="{{ author }}">
<p><label>{{ t('page.your_category') }} <select name="category" id="category">
<option value="" selected>{{ t('page.choose') }}</option>
{% for c in categories %}<option value="{{ c }}">{{ loop.index }} {{ c }}</option>{% endfor %}
</select></label></p>
<p><label>{{ t('page.note') }}<br><textarea name="note" id="note" rows="2"></textarea></label></p>
<div class="row">
<button type="submit" name="decision" value="partisan" id="btn-partisan">{{ t('page.partisan') }} <kbd>p</kbd></button>
<button type="submit" name="decision" value="not_partisan" id="btn-not_partisan">{{ t('page.not_partisan') }} <kbd>n</kbd></button>
<button type="submit" name="decision" value="unsure" id="btn-unsure">{{ t('page.unsure') }} <kbd>u</kbd></button>
</div></form>
<p class="row">{% if previous %}<a href="{{ here(post=previous) }}" id="previous">{{ t('page.previous') }}</a>{% endif %}
{% if current %}<a href="{{ here(post='') }}" id="next">{{ t('page.next_pending') }}</a>{% endif %}</p>
{% endif %}
<p class="meta">{{ t('page.keys')|safe }} {{ t('page.lead') }}</p>
<script>
document.getElementById('note') && document.getElementById('note').addEventListener('keydown', function (e) {
  if (e.key === 'Enter' && !e.shiftKey) { e.stopPropagation(); }  // a new line, never a decision
});
document.addEventListener('keydown', function (e) {
  var tag = e.target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey) return;
  var map = {p: 'partisan', n: 'not_partisan', u: 'unsure'};
  if (map[e.key]) { e.preventDefault(); document.getElementById('btn-' + map[e.key]).click(); return; }
  if (e.key === 'b') { var prev = document.getElementById('previous'); if (prev) { prev.click(); } return; }
  if (e.key === 'g') { var d = document.getElementById('guidance'); if (d) { d.open = !d.open; } return; }
  var n = parseInt(e.key, 10), sel = document.getElementById('category');
  if (sel && n >= 1 && n < sel.options.length) { sel.selectedIndex = n; }
});
</script>
{% endif %}
</body></html>"""


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def host_names(host: str) -> frozenset[str]:
    """The lower-case names a client may use in its Host header for a server bound to ``host``:
    the loopback names, ``host`` itself, and for a wildcard bind (0.0.0.0 / ::) this machine's
    host name too (IP literals are also accepted there, see :class:`HostCheck`)."""
    names = {*LOOPBACK_NAMES, host.strip("[]").lower()}
    if host in WILDCARD_HOSTS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return frozenset(names - {""})


class HostCheck:
    """ASGI middleware: answer 400 to any request whose Host header is not one of ``names``
    (with ``port``, when given), before any route runs.

    A DNS-rebinding page is served from a name the attacker controls, so its requests carry
    that name in Host; checking Host is what keeps such a page from reading the form token.
    ``any_ip``: also accept any IP-address literal (for wildcard binds, where the address a
    reviewer uses is not known in advance; a rebinding attack cannot produce an IP literal).
    """

    def __init__(
        self, app: ASGIApp, names: frozenset[str], port: int | None, any_ip: bool = False
    ) -> None:
        self.app = app
        self.names = names
        self.port = port
        self.any_ip = any_ip

    def allowed(self, header: str) -> bool:
        """Whether a Host header value (``name``, ``name:port`` or ``[v6]:port``) is ours."""
        try:
            parts = urlsplit("//" + header)
            name, port = parts.hostname, parts.port
        except ValueError:  # a malformed port or bracket
            return False
        if not name or parts.username is not None or parts.path or parts.query:
            return False
        if self.port is not None and (port or 80) != self.port:
            return False
        if name in self.names:
            return True
        if not self.any_ip:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            hosts = [v for k, v in scope["headers"] if k == b"host"]
            if len(hosts) != 1 or not self.allowed(hosts[0].decode("latin-1")):
                response = PlainTextResponse(
                    "refused: the Host header does not name this server", status_code=400
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    queue: pd.DataFrame,
    db: str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    lang: str = "id",
) -> Starlette:
    """The review app for one queue (as built by :func:`screening.review.queue.build_queue`).

    ``host``/``port``: the address the server listens on; requests must name it (or a loopback
    name) in their Host header. ``port=None`` accepts any port (for embedding in tests).
    ``lang``: the page's default language (``id`` or ``en``; ``?lang=`` switches it).
    """
    env = Environment(autoescape=True)
    template = env.from_string(PAGE)
    token = secrets.token_urlsafe(32)
    guidance = load_guidance(GUIDANCE)
    items = [_item(r, guidance) for r in queue.to_dict(orient="records")]
    order = [str(i["post_id"]) for i in items]
    by_id = {str(i["post_id"]): i for i in items}

    def current(reviewer: str, language: str) -> dict[str, str]:
        """post id -> the reviewer's current decision, in words of ``language`` (reviewers
        compared without case)."""
        with Store(db) as store:
            key = reviewer.strip().lower()
            return {
                str(r["post_id"]): t(f"decision.{r['decision']}", language)
                + (f" ({r['category']})" if r["decision"] == "partisan" and r["category"] else "")
                for r in store.current()
                if r["reviewer_key"] == key
            }

    async def page(request: Request) -> Response:
        q = request.query_params
        language = q.get("lang", lang) if q.get("lang", lang) in LANGS else lang
        reviewer = q.get("reviewer", "").strip()
        author = q.get("author", "").strip()
        mine = current(reviewer, language) if reviewer else {}
        shown = [i for i in order if not author or by_id[i]["author"] == author]
        wanted = q.get("post", "")
        item: dict[str, Any] | None
        if wanted in by_id:
            item = by_id[wanted]
        else:
            item = next((by_id[i] for i in shown if i not in mine), None)
        position = (
            (shown.index(str(item["post_id"])) + 1) if item and str(item["post_id"]) in shown else 0
        )
        previous = shown[position - 2] if position >= 2 else None
        saved_id = q.get("saved", "")
        params = {"reviewer": reviewer, "lang": language, "author": author}

        def here(**change: str) -> str:
            merged = {**params, **change}
            return "/?" + urlencode({k: v for k, v in merged.items() if v})

        html = template.render(
            t=lambda key, **kw: t(key, language, **kw),
            lang=language,
            other="en" if language == "id" else "id",
            here=here,
            reviewer=reviewer,
            author=author,
            item=item,
            token=token,
            categories=CATEGORIES,
            total=len(shown),
            decided=len(set(mine) & set(shown)),
            position=position,
            previous=previous,
            current=mine.get(str(item["post_id"])) if item else None,
            saved={"post": saved_id, "decision": mine[saved_id]} if saved_id in mine else None,
        )
        return HTMLResponse(html, headers={"X-Frame-Options": "DENY", "Cache-Control": "no-store"})

    async def decide(request: Request) -> Response:
        # exactly this server's scheme, host and port: no https:// look-alike, no prefix match
        origin = request.headers.get("origin")
        if origin is not None and origin.lower() != f"http://{request.headers['host']}".lower():
            return PlainTextResponse("cross-site request refused", status_code=403)
        form = await request.form()
        if not secrets.compare_digest(str(form.get("token", "")), token):
            return PlainTextResponse("missing or wrong form token", status_code=403)
        reviewer = str(form.get("reviewer", "")).strip()
        decision = str(form.get("decision", ""))
        item = by_id.get(str(form.get("post_id", "")))
        category = str(form.get("category", ""))
        if not reviewer or decision not in DECISIONS or item is None:
            return PlainTextResponse("invalid decision", status_code=400)
        if category and category not in CATEGORIES:
            return PlainTextResponse("invalid category", status_code=400)
        with Store(db) as store:
            store.add(
                [
                    Decision(
                        post_id=str(item["post_id"]),
                        text=str(item["text"]),
                        reviewer=reviewer,
                        decision=decision,
                        decided_at=now_iso(),
                        category=(category or None) if decision == "partisan" else None,
                        note=str(form.get("note", "")) or None,
                        score=float(item["score"]),
                        model_version=str(item.get("model_version", "")) or None,
                        threshold=float(item["threshold"]),
                        sample=str(item.get("sample", "")) or None,
                        source="review serve",
                    )
                ]
            )
        back = {
            "reviewer": reviewer,
            "saved": str(item["post_id"]),
            "lang": str(form.get("lang", "")),
            "author": str(form.get("author", "")),
        }
        query = urlencode({k: v for k, v in back.items() if v})
        return RedirectResponse(f"/?{query}", status_code=303)

    return Starlette(
        routes=[Route("/", page), Route("/decide", decide, methods=["POST"])],
        middleware=[
            Middleware(HostCheck, names=host_names(host), port=port, any_ip=host in WILDCARD_HOSTS)
        ],
    )


def _item(row: dict[str, Any], guidance: Guidance) -> dict[str, Any]:
    """A queue row with what the page shows: link, author and date from the export's first
    such column, reasons as terms, the model category's guidance and legal basis."""
    out = dict(row)
    out["link"] = next(
        (
            str(row[c])
            for c in LINK_COLUMNS
            if str(row.get(c) or "").startswith(("http://", "https://"))
        ),
        "",
    )
    out["author"] = next((str(row[c]) for c in AUTHOR_COLUMNS if str(row.get(c) or "").strip()), "")
    out["date"] = next((str(row[c]) for c in DATE_COLUMNS if str(row.get(c) or "").strip()), "")
    out["terms"] = reason_terms(str(row.get("reasons") or ""))
    cat = guidance.categories.get(str(row.get("category", "")))
    out["guidance_text"] = f"{cat.text_id} ({cat.text_en})" if cat else ""
    out["legal"] = guidance.legal_text(cat.name) if cat else ""
    return out
