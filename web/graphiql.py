"""GraphiQL's files served from this app, so that ``/graphql`` works without internet.

strawberry's GraphiQL page loads React, ReactDOM, js-cookie, GraphiQL and its explorer
plugin from a CDN, each as ``https://<cdn>/<package>@<version>/<file>`` with its
Subresource Integrity hash. The same packages are pinned in ``package.json`` (installed
by ``npm ci`` with the explorer's) and :func:`local_page` points each URL at
``/vendor/graphiql/<package>@<version>/<file>``, which :func:`graphiql_file` serves from
``node_modules`` — only the files the page names, and only when the installed version is
the one the page names. The integrity hashes stay on the tags: the browser refuses a
file that is not byte for byte the one strawberry's page was written for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from domain import resources

#: Where the page's files are served.
PREFIX = "/vendor/graphiql/"
#: A CDN file of the page: ``https://<host>/<package>@<version>/<file>``, the package
#: maybe scoped (``@graphiql/plugin-explorer``).
_CDN_FILE = re.compile(
    r"https://[a-z0-9.-]+/(?P<package>(?:@[a-z0-9-]+/)?[a-z0-9.-]+)@(?P<version>[0-9][^/]*)"
    r"/(?P<file>[A-Za-z0-9._/-]+)"
)


@dataclass(frozen=True)
class PageFile:
    """One npm file the GraphiQL page loads: its package, version and path in it."""

    package: str
    version: str
    file: str

    @property
    def url(self) -> str:
        """Where this app serves it."""
        return f"{PREFIX}{self.package}@{self.version}/{self.file}"


def local_page(html: str) -> tuple[str, dict[str, PageFile]]:
    """``html`` with each CDN file of the page replaced by its local URL, and the files
    by local URL.

    Examples
    --------
    >>> page, files = local_page(
    ...     '<script src="https://cdn.example/react@18.2.0/umd/react.production.min.js">'
    ... )
    >>> page
    '<script src="/vendor/graphiql/react@18.2.0/umd/react.production.min.js">'
    >>> files[page[13:-2]].package
    'react'

    Raises:
        RuntimeError: the page loads a file from elsewhere than ``<package>@<version>``
            URLs (a strawberry upgrade changed it: check what it loads before serving it).
    """
    files: dict[str, PageFile] = {}

    def local(match: re.Match[str]) -> str:
        page_file = PageFile(match["package"], match["version"], match["file"])
        files[page_file.url] = page_file
        return page_file.url

    page = _CDN_FILE.sub(local, html)
    if re.search(r"""(?:src|href)=["']?https?:""", page):
        raise RuntimeError(
            "strawberry's GraphiQL page loads a file that is not an npm package's; check "
            "what it loads before serving it offline (web/graphiql.py)."
        )
    return page, files


def installed_version(package: str, node_modules: Path) -> str | None:
    """The version of ``package`` installed in ``node_modules``, or None if it is not."""
    try:
        manifest = json.loads((node_modules / package / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    version = manifest.get("version") if isinstance(manifest, dict) else None
    return version if isinstance(version, str) else None


class GraphiQLFiles:
    """``/vendor/graphiql/{path}`` (:meth:`serve`): the page's files, from ``node_modules``.

    A file the page does not name is a 404; so is one whose package is missing or at
    another version than the page's, with what to do (:data:`domain.resources.NODE_MODULES_HINT`).
    Files are named by version, so a browser may keep them for a year.
    """

    def __init__(self, files: dict[str, PageFile], node_modules: Path | None = None) -> None:
        self.files = files
        self.node_modules = resources.node_modules() if node_modules is None else node_modules

    async def serve(self, request: Request) -> Response:
        """The file at the request's path, or a 404 saying why not."""
        page_file = self.files.get(request.url.path)
        if page_file is None:
            return JSONResponse({"error": "GraphiQL's page loads no such file."}, 404)
        version = installed_version(page_file.package, self.node_modules)
        if version != page_file.version:
            found = "is not installed" if version is None else f"is at version {version}"
            return JSONResponse(
                {
                    "error": f"GraphiQL needs the npm package {page_file.package} "
                    f"{page_file.version}, which {found} in {self.node_modules}. "
                    f"{resources.NODE_MODULES_HINT}"
                },
                404,
            )
        path = self.node_modules / page_file.package / page_file.file
        return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})
