"""The explorer's review page over HTTP: drafting an article, writing the dataset of a
reviewed draft, and handing the local curator token to the page of ``ctg run``.

* ``POST /drafts`` takes a pasted text (JSON ``{"text": …, "title": …, "published":
  "YYYY-MM-DD"}``) or an uploaded file (``multipart/form-data``, field ``file``:
  ``.txt``, ``.html`` or ``.pdf``, read by :func:`loaders.drafts.articles.read_article`)
  and answers the :class:`loaders.drafts.facts.Draft` as JSON.
* ``POST /drafts/dataset`` takes ``{"draft": <the edited Draft>, "name": "<dataset
  key>"}`` and answers ``{"name", "yaml", "problems"}``: the dataset's YAML
  (:func:`loaders.drafts.dataset.to_yaml`) and what ``ctg validate`` says of it, each
  problem at its line. Saving it is the ``importDataset`` mutation's job (a token).
* ``GET /drafts/local-token`` answers the curator token ``ctg run`` made for this local
  server (``{"name", "token"}``), only to a page of this server on the loopback (see
  docs/decisions.md); ``"token": null`` when the server has none.

Drafting never writes to Neo4j. The French model is loaded once per process, lazily, in
a worker thread, and one article is drafted at a time (the work is CPU-bound): the event
loop keeps serving while it runs. Reads follow ``CTG_API_READ_REQUIRES_TOKEN`` like
``/graphql``; a present but unknown token is refused. Every refusal is a JSON body shaped
like GraphQL's errors (``{"errors": [{"message", "extensions": {"code"}}]}``) with its
status: 400, 401, 403, 413 (the body limit of :class:`web.http.RequestBodyLimit`), 415,
422, 503 (too long).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import threading
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.errors import DatabaseUnavailableError, InputError
from graph.driver import open_driver, resolve_connection
from loaders.dataset_import import TextProblem, check_dataset_text, graph_registry
from loaders.drafts import articles, dataset, draft
from loaders.drafts.facts import ArticleInfo, Draft
from loaders.drafts.knowledge import Knowledge
from schema.error_codes import ErrorCode
from web.http import JSON, Refusal, bearer_token, refusal_response
from web.settings import LOCAL_CURATOR, ApiSettings, is_loopback

logger = logging.getLogger("ctg.drafts")

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

#: The files an upload may be, by extension (what :func:`read_article` reads).
UPLOADS = (".txt", ".html", ".htm", ".pdf")
#: Seconds a draft (the model's first load included, ~10 s) may take before a 503.
DRAFT_TIMEOUT = 120.0
#: A dataset key, as docs/dataset-format.md writes them.
_DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class PastedArticle(BaseModel):
    """A pasted article: its text and what the user knows of it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article's main text.")
    title: str | None = None
    published: date | None = None
    url: str | None = None
    publisher: str | None = None


class DatasetRequest(BaseModel):
    """A reviewed draft and the key its dataset gets."""

    model_config = ConfigDict(extra="forbid")

    draft: Draft
    name: str = Field(pattern=_DATASET_NAME.pattern)


class Drafting:
    """The drafting endpoints, with the API's settings (tokens, the local token)."""

    def __init__(self, settings: ApiSettings, *, timeout: float | None = None) -> None:
        self.settings = settings
        self.timeout = DRAFT_TIMEOUT if timeout is None else timeout
        self._knowledge: Knowledge | None = None
        self._knowledge_lock = threading.Lock()
        # one draft at a time: two would only share the cores and both be late
        self._limiter = anyio.CapacityLimiter(1)

    # -- the endpoints ------------------------------------------------------------------
    async def draft(self, request: Request) -> Response:
        """``POST /drafts``: the draft of a pasted text or an uploaded file."""
        return await self._answer(request, self._draft)

    async def dataset(self, request: Request) -> Response:
        """``POST /drafts/dataset``: the YAML of a reviewed draft and its problems."""
        return await self._answer(request, self._dataset)

    async def local_token(self, request: Request) -> Response:
        """``GET /drafts/local-token``: the local curator's token, to loopback pages only."""
        token = self.settings.local_token
        if token is None:
            # an answer, not a refusal: the page asks on every loopback server
            return JSONResponse(
                {
                    "name": None,
                    "token": None,
                    "message": "This server has no local curator token: only `ctg run` on a "
                    "local instance, listening on the loopback, makes one. Type a curator "
                    "token from the API's operator instead.",
                },
                headers={"Cache-Control": "no-store"},
            )
        try:
            _check_loopback(request)
        except Refusal as refusal:
            return _refused(refusal)
        return JSONResponse(
            {"name": LOCAL_CURATOR, "token": token},
            headers={"Cache-Control": "no-store"},
        )

    # -- the work -------------------------------------------------------------------------
    async def _answer(
        self, request: Request, work: Callable[[Request], Awaitable[dict[str, Any]]]
    ) -> Response:
        try:
            self._check_caller(request)
            body = await work(request)
        except Refusal as refusal:
            return _refused(refusal)
        except Exception:  # a bug: said in the page's terms, the traceback in the log only
            logger.exception("%s %s failed", request.method, request.url.path)
            return _refused(
                Refusal(
                    500,
                    "The drafter failed on this article, which is a bug of ctg-graph, not of "
                    "the article; the server's log has the details. Try another article, or "
                    "type the dataset by hand (docs/dataset-format.md).",
                    code=ErrorCode.INTERNAL_SERVER_ERROR.name,
                )
            )
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def _draft(self, request: Request) -> dict[str, Any]:
        media_type = _media_type(request)
        if media_type == JSON:
            pasted = _validated(PastedArticle, await _json(request))
            info = ArticleInfo(
                title=pasted.title,
                published=pasted.published,
                url=pasted.url,
                publisher=pasted.publisher,
            )
            text = pasted.text
        elif media_type == "multipart/form-data":
            text, info = await self._uploaded(request)
        else:
            raise Refusal(
                415,
                f"{_sent(request)}: send the article as JSON ('Content-Type: {JSON}', "
                '{"text": "…", "title": "…", "published": "2018-01-19"}) or upload its file '
                "as multipart/form-data in a field named 'file' (.txt, .html or .pdf).",
                {"Accept-Post": f"{JSON}, multipart/form-data"},
            )
        if not text.strip():
            raise _unprocessable("The article has no text to draft from; paste its words.")
        result = await self._in_thread(self._draft_text, text, info)
        return result.model_dump(mode="json")

    async def _uploaded(self, request: Request) -> tuple[str, ArticleInfo]:
        async with request.form(max_files=1, max_fields=8) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise _unprocessable(
                    "The form has no file in a field named 'file'; upload the article "
                    "(.txt, .html or .pdf) as 'file'."
                )
            name = Path(upload.filename).name
            suffix = Path(name).suffix.lower()
            if suffix not in UPLOADS:
                raise Refusal(
                    415,
                    f"{name!r} is not a file the drafter reads: upload a .txt, .html or .pdf "
                    "file (save a web page as HTML, a scan as a PDF with its text layer).",
                    {"Accept-Post": f"{JSON}, multipart/form-data"},
                )
            content = await upload.read()
            title = _form_text(form.get("title"))
            published = _form_date(form.get("published"))
        article = await self._in_thread(_read_upload, name, content)
        changes: dict[str, Any] = {}
        if title:
            changes["title"] = title
        if published:
            changes["published"] = published
        return article.text, article.info.model_copy(update=changes)

    async def _dataset(self, request: Request) -> dict[str, Any]:
        if _media_type(request) != JSON:
            raise Refusal(
                415,
                f"{_sent(request)}: send the reviewed draft as JSON ('Content-Type: {JSON}', "
                '{"draft": {…}, "name": "ctg-saint-flour-2017"}).',
                {"Accept-Post": JSON},
            )
        asked = _validated(DatasetRequest, await _json(request))
        text, problems = await self._in_thread(_dataset_and_problems, asked.draft, asked.name)
        return {
            "name": asked.name,
            "yaml": text,
            "problems": [
                {"line": p.line, "field": p.field, "message": p.message} for p in problems
            ],
        }

    def _draft_text(self, text: str, info: ArticleInfo) -> Draft:
        with self._knowledge_lock:
            if self._knowledge is None:
                logger.info("loading the drafting model (once per process)")
                self._knowledge = Knowledge.load()
            knowledge = self._knowledge
        return draft.draft_text(text, info, knowledge)

    async def _in_thread(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        def call() -> T:
            return work(*args, **kwargs)

        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(
                    call, limiter=self._limiter, abandon_on_cancel=True
                )
        except TimeoutError:
            raise Refusal(
                503,
                f"This took longer than {self.timeout:g} s and was given up; send a shorter "
                "article, or try again when the server is less busy.",
                code=ErrorCode.TIMEOUT.name,
            ) from None
        except InputError as error:
            raise _unprocessable(str(error)) from error

    def _check_caller(self, request: Request) -> None:
        """Tokens as on ``/graphql``: an unknown or expired one is refused, and with
        ``CTG_API_READ_REQUIRES_TOKEN`` a valid one is needed."""
        authorization = request.headers.get("authorization")
        caller = None
        if authorization is not None:
            match = self.settings.tokens.match(bearer_token(authorization))
            if match is None or match.expired():
                raise Refusal(
                    401,
                    "The Authorization header does not carry a valid API token. Send "
                    "'Authorization: Bearer <token>' with a token from the API's operator, "
                    "or no Authorization header at all.",
                    {"WWW-Authenticate": 'Bearer realm="ctg-graph", error="invalid_token"'},
                )
            caller = match.name
        if caller is None and self.settings.read_requires_token:
            raise Refusal(
                401,
                "This server needs an API token: send 'Authorization: Bearer <token>'.",
                {"WWW-Authenticate": 'Bearer realm="ctg-graph"'},
            )


def _read_upload(name: str, content: bytes) -> articles.Article:
    """Read an uploaded file through the article reader, from a private temporary copy
    that keeps its name (the reader goes by the extension and records the name)."""
    with tempfile.TemporaryDirectory(prefix="ctg-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return articles.read_article(path)


def _dataset_and_problems(reviewed: Draft, name: str) -> tuple[str, list[TextProblem]]:
    """The YAML of ``reviewed`` and what validating it against the reference and the
    graph (read-only, when it answers) finds.

    Raises:
        InputError: the writer cannot make a dataset of these facts (its reason).
    """
    try:
        text = dataset.to_yaml(reviewed, name=name)
    except ValueError as error:  # facts that contradict each other, said by the writer
        raise InputError(f"No dataset can be written from this draft: {error}") from error
    try:
        connection = resolve_connection()
        driver = open_driver(connection)
    except DatabaseUnavailableError as error:
        return text, check_dataset_text(text, graph_registry(None, "", str(error)))
    with driver:
        return text, check_dataset_text(text, graph_registry(driver, connection.database))


# -- requests and refusals -------------------------------------------------------------
def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _sent(request: Request) -> str:
    sent = request.headers.get("content-type")
    return f"Content-Type {sent!r}" if sent else "No Content-Type"


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise Refusal(400, f"The JSON is malformed: {error.msg} at {where}.") from error
    except UnicodeDecodeError as error:
        raise Refusal(400, "The JSON is not UTF-8 text.") from error


def _validated(model: type[M], body: Any) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'the body'}: {e['msg']}" for e in error.errors()
        )
        raise _unprocessable(
            f"The request does not hold what this endpoint takes ({problems}); fix those "
            "fields and send it again."
        ) from None


def _form_text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _form_date(value: Any) -> date | None:
    text = _form_text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _unprocessable(
            f"published={text!r} is not a date; write it as YYYY-MM-DD (2018-01-19)."
        ) from None


def _unprocessable(message: str) -> Refusal:
    return Refusal(422, message, code=ErrorCode.BAD_USER_INPUT.name)


def _refused(refusal: Refusal) -> Response:
    response = refusal_response(refusal, JSON)
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_loopback(request: Request) -> None:
    """Refuse (403) unless the request comes from the loopback, names a loopback host,
    and, when a browser says where the page is, comes from a page of this very origin."""
    client = request.client.host if request.client else ""
    host = urlsplit(f"//{request.headers.get('host', '')}").hostname or ""
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if not is_loopback(client) or not is_loopback(host):
        reason = "this server's loopback address"
    elif (origin is not None and origin != own) or site not in (None, "same-origin", "none"):
        reason = "a page of this server"
    else:
        return
    raise Refusal(
        403,
        f"The local curator token is given only to {reason} (open the explorer at "
        "http://127.0.0.1:<port>/ on the machine that runs `ctg run`); type a curator "
        "token instead.",
        code=ErrorCode.FORBIDDEN.name,
    )
