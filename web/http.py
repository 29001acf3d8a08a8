"""``/graphql`` as the GraphQL-over-HTTP spec describes it, on top of strawberry's view.

Strawberry parses, validates and executes; this module adds only what it lacks:

* **Media types.** ``application/graphql-response+json`` when the ``Accept`` header
  prefers it (or is missing, as the spec says since 2025): a request that fails before
  execution is then a 400 with no ``data`` entry. ``application/json`` otherwise (curl's
  ``*/*``), with 200 for every well-formed request. 406 when ``Accept`` allows neither.
* **Refusals as GraphQL errors.** Strawberry answers plain text; here every refusal is a
  ``{"errors": [{"message": …, "extensions": {"code": …}}]}`` body with the status the
  spec names: 415 for a body that is not JSON, 400 for malformed JSON, 405
  (``Allow: POST``) for a mutation sent by GET, 401 (``WWW-Authenticate: Bearer``) for a
  missing or wrong token; the code comes from :mod:`schema.error_codes`
  (:func:`refusal_code`).
* **Tokens.** A present but unknown token is refused for every request; a mutation (or,
  with ``CTG_API_READ_REQUIRES_TOKEN=1``, any request) needs a valid one; the caller's
  name goes into :class:`schema.context.Context`. A refused request runs nothing.
* **GraphiQL** only for a browser (``Accept: text/html``), not for curl's ``*/*``; with
  header persistence off (strawberry's page keeps the headers editor, and so a
  curator's ``Authorization: Bearer`` token, in the browser's localStorage), its files
  served by this app from the pinned npm packages (:mod:`web.graphiql`, so it works
  without internet), and a Content-Security-Policy of its own that allows files of
  this origin and the page's one inline script and style by hash (:func:`graphiql_page`).
* :class:`RequestBodyLimit`: the body read whole before anything else sees the request;
  413 for a body over the limit (without reading it all), 408 for one too slow to come.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationType,
    Visitor,
    visit,
)
from graphql.language import OperationDefinitionNode
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionResult, SubscriptionExecutionResult

from graph.reader import GraphReader
from schema import MAX_TOKENS
from schema.context import Context
from schema.error_codes import ErrorCode
from schema.limits import parse_query
from web.graphiql import GraphiQLFiles, PageFile, local_page
from web.headers import content_security_policy, page_sources
from web.settings import INTROSPECTION_VARIABLE, TOKENS_VARIABLE, ApiTokens

logger = logging.getLogger("ctg.graphql")

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
REALM = 'Bearer realm="ctg-graph"'


class Refusal(HTTPException):
    """A request turned down before anything runs, with the headers its status calls for
    and its ``extensions.code`` (by default the one of its status, :func:`refusal_code`)."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(status_code, reason)
        self.headers = dict(headers or {})
        self.code = code


class GraphQLView(GraphQL[Context, None]):
    """``/graphql``: POST and GET queries, GraphiQL for browsers, tokens for mutations."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        tokens: ApiTokens,
        read_requires_token: bool = False,
        introspection: str = "public",
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.tokens = tokens
        self.read_requires_token = read_requires_token
        self.introspection = introspection
        self.graphiql_html, self.graphiql_policy, files = graphiql_page(super().graphql_ide_html)
        #: serves the page's npm files, at ``/vendor/graphiql/…`` (``server.py``)
        self.graphiql_files = GraphiQLFiles(files)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media_type = response_media_type(request.headers.get("accept"))
        try:
            if media_type is None and not self.should_render_graphql_ide(
                self.request_adapter_class(request)
            ):
                raise Refusal(
                    406,
                    f"Accept {request.headers['accept']!r} allows no media type this API "
                    f"answers in; accept {GRAPHQL_RESPONSE_JSON} or {JSON}.",
                )
            response = await self.run(request)
        except HTTPException as refusal:
            response = refusal_response(refusal, media_type or JSON)
        await response(scope, receive, send)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # strawberry also serves the page for */*, so `curl /graphql` would get HTML
        return (
            request.method == "GET"
            and request.query_params.get("query") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(
            self.graphiql_html,
            headers={"Content-Security-Policy": self.graphiql_policy, "Cache-Control": "no-cache"},
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        caller = None
        authorization = request.headers.get("authorization")
        if authorization is not None:
            match = self.tokens.match(bearer_token(authorization))
            if match is not None and match.expired():
                assert match.expires is not None
                raise Refusal(
                    401,
                    f"This API token expired on {match.expires.isoformat()}. Ask the API's "
                    "operator for a new one; nothing of this request has run.",
                    {"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
                )
            caller = None if match is None else match.name
            if caller is None:
                raise Refusal(
                    401,
                    "The Authorization header does not carry a valid API token. Send "
                    "'Authorization: Bearer <token>' with a token from the API's operator, "
                    "or no Authorization header at all.",
                    {"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
                )
        reader: GraphReader = request.state.reader
        return Context.create(reader, caller=caller)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            sent = request.content_type
            media_type, _ = parse_content_type(sent or "")
            if media_type.lower() != JSON:
                what = f"Content-Type {sent!r}" if sent else "No Content-Type"
                raise Refusal(
                    415,
                    f"{what}: send the GraphQL request as a JSON object with "
                    f"'Content-Type: {JSON}', e.g. "
                    '{"query": "{ territory(code: \\"15\\") { name } }"}.',
                    {"Accept-Post": JSON},
                )
            # strawberry reads the body as a mapping: a JSON string or number would be a 500
            body = self.parse_json(await request.get_body())
            if not isinstance(body, dict | list):
                raise Refusal(400, 'The body must be a JSON object such as {"query": "…"}.')
            refuse_lone_surrogates(body)
        return await super().parse_http_body(request)

    def parse_query_params(self, params: Mapping[str, str | None]) -> dict[str, Any]:
        parsed = super().parse_query_params(params)
        refuse_lone_surrogates(parsed)
        return parsed

    def parse_json(self, data: str | bytes) -> Any:
        # strawberry says only "Unable to parse", and a non-UTF-8 body would be a 500
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            raise Refusal(400, f"The JSON is malformed: {error.msg} at {where}.") from error
        except UnicodeDecodeError as error:
            raise Refusal(400, "The JSON is not UTF-8 text.") from error
        except RecursionError as error:
            raise Refusal(
                400, "The JSON is nested too deeply to be a GraphQL request; flatten it."
            ) from error

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        operations = request_data if isinstance(request_data, list) else [request_data]
        mutation = any(requests_mutation(op.query, op.operation_name) for op in operations)
        if mutation and request_adapter.method == "GET":
            raise Refusal(
                405,
                "Mutations cannot be sent with GET (a link or a prefetch could run them); "
                f"send them with POST and 'Content-Type: {JSON}'.",
                {"Allow": "POST"},
            )
        if context.caller is None and (mutation or self.read_requires_token):
            raise Refusal(401, self._token_needed(mutation), {"WWW-Authenticate": REALM})
        if self.introspection != "public" and any(
            requests_introspection(op.query) for op in operations
        ):
            self._check_introspection(context)
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    def _check_introspection(self, context: Context) -> None:
        # asked here, not in a validation rule: strawberry caches validation by query text
        if self.introspection == "off":
            raise Refusal(
                403,
                f"This server does not describe its schema ({INTROSPECTION_VARIABLE}=off): "
                "ask without __schema and __type; the schema is in schema.graphql, beside "
                "the server's code.",
            )
        if context.caller is None:
            raise Refusal(
                401,
                f"Asking for the schema (__schema, __type) needs an API token here "
                f"({INTROSPECTION_VARIABLE}=token): send 'Authorization: Bearer <token>'.",
                {"WWW-Authenticate": REALM},
            )

    def _token_needed(self, mutation: bool) -> str:
        if mutation and not self.tokens:
            return (
                "This server accepts no changes: it has no API tokens. Its operator can "
                f"allow them by setting {TOKENS_VARIABLE}=name=<token>,… (see docs/api.md) "
                "and restarting it."
            )
        what = "Changes need" if mutation else "This server needs"
        return f"{what} an API token: send 'Authorization: Bearer <token>'."

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        negotiated = response_media_type(request.headers.get("accept"))
        if negotiated == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            # nothing ran, so there is no data entry; create_response makes it a 400
            response.pop("data", None)
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(request.headers.get("accept")) or JSON
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{sub_response.media_type}; charset=utf-8"
        if isinstance(response_data, dict) and "data" not in response_data:
            response.status_code = sub_response.status_code or 400
        return response


#: How strawberry's GraphiQL page turns on header persistence (the page keeps a header
#: editor's content, a curator's token, in localStorage).
_PERSIST_HEADERS = "shouldPersistHeaders: true"
#: Where the page defines its component, and where it hands GraphiQL its props.
_COMPONENT = "function GraphiQLWithExplorer() {"
_PROPS = "React.createElement(GraphiQL, {"
#: GraphiQL keeps its history in localStorage with each query's headers, even when
#: shouldPersistHeaders is false; this storage writes every "headers" entry as null, and
#: cleans what a page with persistence on had stored. Runs as part of the inline script.
_HEADER_FREE_STORAGE = """// ctg-graph: no request header (a token) is ever written to localStorage
      const tokenFreeStorage = (() => {
        const scrub = (key, value) => {
          if (key.endsWith(":headers")) return "";
          try {
            return JSON.stringify(JSON.parse(value), (k, v) => (k === "headers" ? null : v));
          } catch {
            return value; // plain text, such as the query
          }
        };
        const ours = () => Object.keys(localStorage).filter((key) => key.startsWith("graphiql:"));
        for (const key of ours()) localStorage.setItem(key, scrub(key, localStorage.getItem(key)));
        return {
          getItem: (key) => localStorage.getItem(key),
          setItem: (key, value) => localStorage.setItem(key, scrub(key, value)),
          removeItem: (key) => localStorage.removeItem(key),
          clear: () => ours().forEach((key) => localStorage.removeItem(key)),
          get length() {
            return ours().length;
          },
        };
      })();

      """


def graphiql_page(html: str) -> tuple[str, str, dict[str, PageFile]]:
    """Strawberry's GraphiQL ``html`` that stores no header and loads its files from
    this origin, its CSP, and those files by URL (:func:`web.graphiql.local_page`).

    ``shouldPersistHeaders: false`` makes GraphiQL empty the headers it had stored and
    hide its "persist headers" setting; it still writes each query's headers into its
    history, so the page also gets a storage that writes no header at all (and cleans
    what an earlier page stored). The policy allows files of this origin ('self'), the
    page's inline script and style (by hash), GraphiQL's fonts and icons (``data:``) and
    requests to this origin only.

    Raises:
        RuntimeError: the page is not written the way strawberry's pinned version writes
            it; a strawberry upgrade changed it, and how it stores headers must be
            checked again before it is served.
    """
    for anchor in (_PERSIST_HEADERS, _COMPONENT, _PROPS):
        if html.count(anchor) != 1:
            raise RuntimeError(
                f"strawberry's GraphiQL page has no single {anchor!r} any more; check how "
                "this version stores headers before serving it (web/http.py)."
            )
    page, files = local_page(
        html.replace(_PERSIST_HEADERS, "shouldPersistHeaders: false")
        .replace(_COMPONENT, _HEADER_FREE_STORAGE + _COMPONENT)
        .replace(_PROPS, _PROPS + "\n          storage: tokenFreeStorage,")
    )
    scripts, styles = page_sources(page)
    policy = content_security_policy(
        {
            "default-src": ["'none'"],
            "script-src": _own_origin(scripts),
            "style-src": _own_origin(styles),
            "font-src": ["data:"],
            "img-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
            "frame-ancestors": ["'none'"],
        }
    )
    return page, policy, files


def _own_origin(sources: list[str]) -> list[str]:
    """CSP sources with every file of this origin (a path) as one ``'self'``."""
    hashes = [source for source in sources if not source.startswith("/")]
    return ["'self'", *hashes] if len(hashes) < len(sources) else hashes


#: A UTF-16 surrogate left alone: JSON's "\\ud800" decodes to one, which is no Unicode
#: character, and Neo4j's driver (UTF-8) fails on it inside every field that sends it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_lone_surrogates(request: Any) -> None:
    """Refuse (400, ``BAD_USER_INPUT``) a decoded request holding a lone surrogate.

    JSON pairs such as ``"\\ud83d\\ude00"`` decode to one character and pass; a lone
    ``"\\ud800"`` in the query, the variables (values or names) or anything else is named
    by its place in the request, and logged once, before any field runs.

    Examples
    --------
    >>> refuse_lone_surrogates({"query": "{ a }", "variables": {"t": "\U0001f600"}})
    >>> try:
    ...     refuse_lone_surrogates({"variables": {"list": ["ok", "x" + chr(0xD800)]}})
    ... except Refusal as refusal:
    ...     print(refusal.status_code, refusal.code, refusal.reason.split(":")[0])
    400 BAD_USER_INPUT The request holds a lone UTF-16 surrogate (\\ud800) in variables.list[1]
    """
    found = _first_lone_surrogate(request, "")
    if found is None:
        return
    where, character = found
    reason = (
        f"The request holds a lone UTF-16 surrogate ({character}) in {where}: it is half "
        "of a character, and no text can hold it. Send text as UTF-8, or a character "
        "beyond U+FFFF as a JSON surrogate pair (\\ud83d\\ude00 is U+1F600); nothing of "
        "this request has run."
    )
    logger.info("request refused: %s", reason)
    raise Refusal(400, reason, code=ErrorCode.BAD_USER_INPUT.name)


def _first_lone_surrogate(value: Any, path: str) -> tuple[str, str] | None:
    """Where the first lone surrogate is (a JSON path, or the query's line and column),
    and the surrogate as a ``\\uXXXX`` escape; None when there is none."""
    if isinstance(value, str):
        match = _LONE_SURROGATE.search(value)
        if match is None:
            return None
        character = f"\\u{ord(match.group()):04x}"
        if path.endswith("query"):
            line = value.count("\n", 0, match.start()) + 1
            column = match.start() - (value.rfind("\n", 0, match.start()) + 1) + 1
            return f"{path}, line {line}, column {column}", character
        return path or "the body", character
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{_printable(key)}" if path else _printable(key)
            if _LONE_SURROGATE.search(key):
                return f"the name {where}", f"\\u{ord(_LONE_SURROGATE.findall(key)[0]):04x}"
            found = _first_lone_surrogate(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_lone_surrogate(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _printable(text: str) -> str:
    # the message goes into a UTF-8 log and a JSON body: escape what cannot be written
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: The code of a refusal that names none, by its HTTP status.
_STATUS_CODES = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    413: ErrorCode.REQUEST_TOO_LARGE,
    503: ErrorCode.SERVER_BUSY,
}


def refusal_code(refusal: HTTPException) -> str:
    """The ``extensions.code`` of a refusal: its own, else the one of its cause or status.

    strawberry refuses an unknown ``operationName`` itself, with a 400 caused by its
    ``CannotGetOperationTypeError``.

    Examples
    --------
    >>> refusal_code(Refusal(413, "too large"))
    'REQUEST_TOO_LARGE'
    >>> refusal_code(HTTPException(415, "not JSON"))
    'BAD_REQUEST'
    """
    code = getattr(refusal, "code", None)
    if code is not None:
        return str(code)
    if isinstance(refusal.__cause__, CannotGetOperationTypeError):
        return ErrorCode.OPERATION_RESOLUTION_FAILURE.name
    status = refusal.status_code
    fallback = ErrorCode.BAD_REQUEST if status < 500 else ErrorCode.INTERNAL_SERVER_ERROR
    return _STATUS_CODES.get(status, fallback).name


def refusal_response(refusal: HTTPException, media_type: str) -> Response:
    """A GraphQL-shaped error body, with its code, for a request refused before execution."""
    headers = dict(getattr(refusal, "headers", {}))
    if refusal.status_code == 405:
        headers.setdefault("Allow", "GET, POST")
    error: dict[str, Any] = {
        "message": refusal.reason,
        "extensions": {"code": refusal_code(refusal)},
    }
    return Response(
        json.dumps({"errors": [error]}, separators=(",", ":")),
        status_code=refusal.status_code,
        headers=headers,
        media_type=f"{media_type}; charset=utf-8",
    )


def response_media_type(accept: str | None) -> str | None:
    """The media type to answer in for this ``Accept`` header, or None (406).

    The highest quality wins, then the most specific range, then the one listed first;
    ``*/*`` alone gives ``application/json``, which every client reads.

    Examples
    --------
    >>> response_media_type("application/graphql-response+json, application/json;q=0.9")
    'application/graphql-response+json'
    >>> response_media_type("*/*")
    'application/json'
    >>> response_media_type(None)
    'application/graphql-response+json'
    >>> response_media_type("text/html") is None
    True
    """
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE_JSON
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media_range, params = parse_content_type(part.strip())
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            continue
        ranges.append((media_range.lower(), quality, position))
    best, best_key = None, (0.0, 0, 0)
    for candidate in (JSON, GRAPHQL_RESPONSE_JSON):
        kind = candidate.split("/")[0]
        matches = [
            (specificity, quality, position)
            for media_range, quality, position in ranges
            for specificity, pattern in ((3, candidate), (2, f"{kind}/*"), (1, "*/*"))
            if media_range == pattern
        ]
        if not matches:
            continue
        specificity, quality, position = max(matches)  # the most specific range rules
        key = (quality, specificity, -position)
        if quality > 0 and key > best_key:
            best, best_key = candidate, key
    return best


def bearer_token(authorization: str) -> str:
    """The token of ``Bearer <token>`` (any case of "Bearer"), or "" for another scheme."""
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def parsed(query: str | None) -> DocumentNode | None:
    """The document of ``query``, or None when there is none or it does not parse;
    parsed once for the view and the schema both (:func:`schema.limits.parse_query`)."""
    if not query:
        return None
    try:
        return parse_query(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None


def requests_mutation(query: str | None, operation_name: str | None) -> bool:
    """Whether the request could run a mutation.

    The named operation decides; without a name that matches, any mutation in the
    document counts, since strawberry runs the first operation of a document that has
    several. A document that does not parse runs nothing: strawberry reports the error.

    Examples
    --------
    >>> requests_mutation("query Q { a } mutation M { b }", "Q")
    False
    >>> requests_mutation("query Q { a } mutation M { b }", None)
    True
    >>> requests_mutation("mutation {", None)
    False
    """
    document = parsed(query)
    if document is None:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [op for op in operations if op.name and op.name.value == operation_name]
    return any(op.operation == OperationType.MUTATION for op in named or operations)


def requests_introspection(query: str | None) -> bool:
    """Whether the document asks for the schema (``__schema`` or ``__type`` anywhere);
    ``__typename`` alone does not count. A document that does not parse runs nothing.

    Examples
    --------
    >>> requests_introspection("{ a: __schema { types { name } } }")
    True
    >>> requests_introspection("{ ...F } fragment F on Query { __type(name: \\"Q\\") { name } }")
    True
    >>> requests_introspection("{ __typename }")
    False
    """
    document = parsed(query) if query and "__" in query else None
    if document is None:
        return False
    found = False

    class Finder(Visitor):
        def enter_field(self, node: FieldNode, *_args: object) -> object:
            nonlocal found
            if node.name.value in ("__schema", "__type"):
                found = True
                return BREAK
            return None

    visit(document, Finder())
    return found


def is_request_error(result: ExecutionResult) -> bool:
    """Whether the request failed before execution (parse, validation, variables): no
    data, and errors that belong to no field."""
    return result.data is None and all(error.path is None for error in result.errors or ())


class RequestBodyLimit:
    """Reads the whole request body first — at most ``max_bytes``, within ``timeout``
    seconds — then hands it to the app in one message.

    Everything behind it (admission, GraphQL) sees a request only once its body has
    arrived, so a client that sends its body a byte at a time holds none of the places
    of :class:`web.admission.AdmissionLimit` while it dawdles. A declared
    ``Content-Length`` over the limit is a 413 before a byte is read; a chunked body is
    counted as it arrives and refused as soon as it goes past. A body that has not
    arrived after ``timeout`` seconds is a 408, and the connection is closed (its rest
    would otherwise still be on the way). (Starlette's own limit answers in plain text,
    and replaces any response with it.)
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(self._too_large(), scope, receive, send)
            return
        chunks: list[bytes] = []
        try:
            async with asyncio.timeout(self.timeout):
                arrived = await self._read(receive, chunks)
        except TimeoutError:
            await self._refuse(self._too_slow(sum(map(len, chunks))), scope, receive, send)
            return
        except _BodyTooLarge:
            await self._refuse(self._too_large(), scope, receive, send)
            return
        if not arrived:
            return  # the client left before its body was complete: no one to answer
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # then only http.disconnect, as the server sends it

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive, chunks: list[bytes]) -> bool:
        """Gather the body into ``chunks``; False if the client disconnected first."""
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return False
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return True

    def _too_large(self) -> Refusal:
        return Refusal(
            413,
            f"The request body is larger than {self.max_bytes:,} bytes, the most this API "
            "accepts; send a smaller request.",
        )

    def _too_slow(self, received: int) -> Refusal:
        return Refusal(
            408,
            f"The request body did not arrive within {self.timeout:g} s ({received:,} bytes "
            "came); send the whole request at once. This connection is closed.",
            {"Connection": "close"},
        )

    async def _refuse(self, refusal: Refusal, scope: Scope, receive: Receive, send: Send) -> None:
        media_type = response_media_type(Headers(scope=scope).get("accept")) or JSON
        await refusal_response(refusal, media_type)(scope, receive, send)


class _BodyTooLarge(Exception):
    """Raised while reading past the limit; caught by :class:`RequestBodyLimit`."""
