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
from urllib.parse import quote, urlsplit

import pandas as pd
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from screening.bundle import now_iso
from screening.guidance import CATEGORIES
from screening.review.store import DECISIONS, Decision, Store

PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>screening review</title><style>
body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
.post{white-space:pre-wrap;font-size:1.15em;border:1px solid #ccc;padding:1em;border-radius:6px;background:#fafafa}
.meta{color:#555;font-size:.9em} button{font-size:1em;margin:.3em .4em .3em 0;padding:.5em 1em}
kbd{border:1px solid #aaa;border-radius:3px;padding:0 .3em;font-size:.85em}
</style></head><body>
{% if not reviewer %}
<h1>screening review</h1>
<form method="get" action="/"><label>Reviewer name <input name="reviewer" autofocus></label>
<button type="submit">Start</button></form>
{% elif item is none %}
<h1>Done, {{ reviewer }}</h1><p>Every post in this queue has your decision ({{ total }} posts).</p>
{% else %}
<p class="meta">Reviewer <b>{{ reviewer }}</b> · post {{ position }} of {{ total }} ·
{{ decided }} decided · sample: {{ item.sample }}</p>
<div class="post" id="post">{{ item.text }}</div>
<p class="meta">score {{ "%.3f"|format(item.score) }} · model category <b>{{ item.category }}</b>
· post id {{ item.post_id }}</p>
<p class="meta" id="reasons">{{ item.reasons }}</p>
<p class="meta"><i>{{ item.guidance }}</i></p>
<form method="post" action="/decide" id="form">
<input type="hidden" name="token" value="{{ token }}">
<input type="hidden" name="reviewer" value="{{ reviewer }}">
<input type="hidden" name="post_id" value="{{ item.post_id }}">
<label>Category <select name="category" id="category">
{% for c in categories %}<option value="{{ c }}" {% if c == item.category %}selected{% endif %}>{{ loop.index }} {{ c }}</option>{% endfor %}
</select></label>
<label>Note <input name="note" id="note" size="40"></label><br>
<button name="decision" value="partisan" id="btn-partisan">Partisan <kbd>p</kbd></button>
<button name="decision" value="not_partisan" id="btn-not_partisan">Not partisan <kbd>n</kbd></button>
<button name="decision" value="unsure" id="btn-unsure">Unsure <kbd>u</kbd></button>
</form>
<p class="meta">Keys: <kbd>p</kbd> <kbd>n</kbd> <kbd>u</kbd> decide, <kbd>1</kbd>-<kbd>6</kbd> category.
A flag is a lead, not a finding.</p>
<script>
document.addEventListener('keydown', function (e) {
  if (e.target.tagName === 'INPUT') return;
  var map = {p: 'partisan', n: 'not_partisan', u: 'unsure'};
  if (map[e.key]) { document.getElementById('btn-' + map[e.key]).click(); }
  var n = parseInt(e.key, 10), sel = document.getElementById('category');
  if (n >= 1 && n <= sel.options.length) { sel.selectedIndex = n - 1; }
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
    queue: pd.DataFrame, db: str, host: str = "127.0.0.1", port: int | None = None
) -> Starlette:
    """The review app for one queue (as built by :func:`screening.review.queue.build_queue`).

    ``host``/``port``: the address the server listens on; requests must name it (or a loopback
    name) in their Host header. ``port=None`` accepts any port (for embedding in tests).
    """
    template = Environment(autoescape=True).from_string(PAGE)
    token = secrets.token_urlsafe(32)
    items = queue.to_dict(orient="records")
    by_id = {str(i["post_id"]): i for i in items}

    def decided_ids(reviewer: str) -> set[str]:
        with Store(db) as store:
            key = reviewer.strip().lower()
            return {r["post_id"] for r in store.current() if r["reviewer_key"] == key}

    async def page(request: Request) -> Response:
        reviewer = request.query_params.get("reviewer", "").strip()
        done = decided_ids(reviewer) if reviewer else set()
        pending = [i for i in items if str(i["post_id"]) not in done]
        item = pending[0] if pending else None
        html = template.render(
            reviewer=reviewer,
            item=item,
            token=token,
            categories=CATEGORIES,
            total=len(items),
            decided=len(done & set(by_id)),
            position=(len(items) - len(pending) + 1),
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
        if not reviewer or decision not in DECISIONS or item is None or category not in CATEGORIES:
            return PlainTextResponse("invalid decision", status_code=400)
        with Store(db) as store:
            store.add(
                [
                    Decision(
                        post_id=str(item["post_id"]),
                        text=str(item["text"]),
                        reviewer=reviewer,
                        decision=decision,
                        decided_at=now_iso(),
                        category=category if decision == "partisan" else None,
                        note=str(form.get("note", "")) or None,
                        score=float(item["score"]),
                        model_version=str(item.get("model_version", "")) or None,
                        threshold=float(item["threshold"]),
                        sample=str(item.get("sample", "")) or None,
                        source="review serve",
                    )
                ]
            )
        return RedirectResponse(f"/?reviewer={quote(reviewer)}", status_code=303)

    return Starlette(
        routes=[Route("/", page), Route("/decide", decide, methods=["POST"])],
        middleware=[
            Middleware(HostCheck, names=host_names(host), port=port, any_ip=host in WILDCARD_HOSTS)
        ],
    )
