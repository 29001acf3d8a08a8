"""The security headers every answer of the app carries, and the policies they state.

:class:`SecurityHeaders` (an ASGI middleware, outermost in ``server.py``) adds to each
HTTP response — the explorer, ``/graphql``, GraphiQL, ``/healthz``, static files and
every refusal — the headers a browser needs to keep other sites and injected markup out:

===============================  ==========================================================
``Content-Security-Policy``      :data:`SITE_POLICY`: scripts, styles, fonts and requests
                                 from this origin only, no inline script, no plugins, no
                                 ``<base>``, and ``frame-ancestors 'none'`` (no framing)
``X-Content-Type-Options``       ``nosniff``: a JSON or text answer is never run as script
``X-Frame-Options``              ``DENY``, for browsers older than ``frame-ancestors``
``Referrer-Policy``              ``no-referrer``: a link out carries no URL of the API
===============================  ==========================================================

A route that needs another policy sets its own ``Content-Security-Policy`` header, which
is kept: GraphiQL (:class:`web.http.GraphQLView`) loads its scripts from this origin
(:mod:`web.graphiql`) and runs one inline script, allowed by its hash
(:func:`page_sources`) on that page only, so the rest of the site keeps a policy
without ``'unsafe-inline'``.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The stylesheet cytoscape.js inserts into the explorer page when it draws the graph
#: (``BRp.init`` in its source). Allowed by its hash, so that no other inline style is.
CYTOSCAPE_STYLESHEET = ".__________cytoscape_container { position: relative; }"


def source_hash(text: str) -> str:
    """The CSP hash source that allows an inline ``<script>`` or ``<style>`` of ``text``.

    Examples
    --------
    >>> source_hash("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(directives: dict[str, list[str]]) -> str:
    """The header value of these directives, in their order.

    Examples
    --------
    >>> content_security_policy({"default-src": ["'self'"], "frame-ancestors": ["'none'"]})
    "default-src 'self'; frame-ancestors 'none'"
    """
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


#: The policy of every page but GraphiQL's: the explorer's ES modules and stylesheet, the
#: npm packages under /vendor/ and /graphql are all on this origin.
SITE_POLICY = content_security_policy(
    {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", source_hash(CYTOSCAPE_STYLESHEET)],
        "img-src": ["'self'", "data:"],  # the explorer's empty favicon is a data: URL
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
)

#: Added to every HTTP response; a header the route already set is left as it is.
HEADERS = {
    "Content-Security-Policy": SITE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """Adds :data:`HEADERS` to every HTTP response of the app it wraps."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = dict(HEADERS if headers is None else headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def page_sources(html: str) -> tuple[list[str], list[str]]:
    """The CSP sources that allow exactly the scripts and the stylesheets of ``html``.

    An inline ``<script>`` or ``<style>`` is allowed by the hash of its text, a
    ``<script src=…>`` or a ``<link rel=stylesheet href=…>`` by its full URL: a policy
    of these sources lets nothing else run on the page, not even another file of the
    same CDN.

    Examples
    --------
    >>> scripts, styles = page_sources(
    ...     "<style>p{}</style><script src='https://cdn.example/a.js'></script>"
    ...     "<script>alert(1)</script>"
    ... )
    >>> scripts == ["https://cdn.example/a.js", source_hash("alert(1)")]
    True
    >>> styles == [source_hash("p{}")]
    True
    """
    collector = _SourceCollector()
    collector.feed(html)
    collector.close()
    return collector.scripts, collector.styles


class _SourceCollector(HTMLParser):
    """Collects the sources of each ``<script>`` and stylesheet of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._inside: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(str(attributes["src"]))
        elif tag == "script":
            self._inside, self._text = self.scripts, []
        elif tag == "style":
            self._inside, self._text = self.styles, []
        elif tag == "link" and (attributes.get("rel") or "").lower() == "stylesheet":
            self.styles.append(str(attributes.get("href")))

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._inside is not None and tag in ("script", "style"):
            self._inside.append(source_hash("".join(self._text)))
            self._inside = None
