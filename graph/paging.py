"""Keyset pagination: Relay ``first/after`` and ``last/before`` as Cypher bounds.

A cursor names a position in a sorted list by the **sort value and unique id of an
item** (never by an offset), so a page reads only what it returns however deep it is,
and inserts or deletes elsewhere in the list do not shift it. Cursors are opaque to
clients (base64 of a small JSON array) and carry the sort they were made for: a cursor
from another sort order is refused instead of silently giving a wrong page.

Every list is ordered by ``(s, u)``: ``s`` a non-null sort value (text, number or ISO
date text), ``u`` the item's unique id (its key, or ``kind:code`` for a territory).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from domain.errors import UserFacingError

#: Page size when the client gives neither ``first`` nor ``last``.
DEFAULT_PAGE_SIZE = 20
#: Largest page a client may ask for.
MAX_PAGE_SIZE = 100

Bound = tuple[str | int | float, str]


def encode_cursor(sort: str, value: str | int | float, uid: str) -> str:
    """The opaque cursor of the item at ``(value, uid)`` in a list sorted by ``sort``."""
    raw = json.dumps([sort, value, uid], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, argument: str) -> Bound:
    """The ``(value, uid)`` a cursor points at; refuse a malformed or foreign cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        decoded = None
    # A pattern rather than isinstance checks on a list: it types each part it captures.
    match decoded:
        case [str() as made_for, str() | int() | float() as value, str() as uid] if not isinstance(
            value, bool
        ):
            if made_for != sort:
                raise UserFacingError(
                    f"`{argument}` was made for a list sorted by {made_for}, not by {sort}. "
                    "Ask for the first page again with the new sort."
                )
            return value, uid
        case _:
            raise UserFacingError(
                f"`{argument}` is not a cursor of this API. Use the `cursor` of an edge or "
                "the `startCursor`/`endCursor` of `pageInfo` from a previous page."
            )


@dataclass(frozen=True)
class Window:
    """Which slice of a sorted list to read, in Cypher terms."""

    sort: str
    limit: int
    backward: bool
    after: Bound | None
    before: Bound | None

    def params(self) -> dict[str, Any]:
        """The query parameters of the bounds (``None`` when unbounded)."""
        return {
            "limit": self.limit + 1,  # one more, to know whether there is a next page
            "afterS": self.after[0] if self.after else None,
            "afterU": self.after[1] if self.after else None,
            "beforeS": self.before[0] if self.before else None,
            "beforeU": self.before[1] if self.before else None,
        }

    def key(self) -> tuple[Any, ...]:
        """A hashable summary, so equal windows share one batched query."""
        return (self.sort, self.limit, self.backward, self.after, self.before)


def window(
    sort: str,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Window:
    """Check Relay pagination arguments and turn them into a :class:`Window`."""
    if first is not None and last is not None:
        raise UserFacingError("Pass `first` or `last`, not both.")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise UserFacingError(
                f"`{name}` must be between 0 and {MAX_PAGE_SIZE} (got {value}); walk longer "
                "lists page by page with the cursors."
            )
    size = first if first is not None else last if last is not None else DEFAULT_PAGE_SIZE
    return Window(
        sort=sort,
        limit=size,
        backward=last is not None,
        after=decode_cursor(after, sort, "after") if after else None,
        before=decode_cursor(before, sort, "before") if before else None,
    )


@dataclass(frozen=True)
class Page:
    """One page of items read through a :class:`Window`, in list order."""

    items: list[dict[str, Any]]
    has_next: bool
    has_previous: bool
    total: int | None = None


def page_of(items: list[dict[str, Any]], win: Window, total: int | None = None) -> Page:
    """The page for ``items`` as read (``limit + 1`` at most, in reading order)."""
    more = len(items) > win.limit
    items = items[: win.limit]
    if win.backward:
        items.reverse()
        return Page(items, has_next=win.before is not None, has_previous=more, total=total)
    return Page(items, has_next=more, has_previous=win.after is not None, total=total)
