"""The exceptions of ctg-graph, in one place.

Every message says what is wrong, where (file, line, value, setting) and what to do.
The CLI prints ``str(error)`` and exits non-zero; the GraphQL layer turns the
``UserFacingError`` family into GraphQL errors and masks everything else.

Exception tree::

    CtgError
    ├── ConfigurationError        a setting or environment variable is wrong
    ├── LocalServerError          the project-local Neo4j could not be installed/started/stopped
    │   ├── MissingToolError      java, mvn or npm is not installed (or too old)
    │   └── PortInUseError        the Bolt port is taken by another process
    ├── DatabaseUnavailableError  Neo4j does not answer (wrong URI, down, bad credentials)
    │   └── WriteInterruptedError Neo4j stopped answering while a dataset was being written
    ├── InputError                an input file or value is invalid; nothing was written
    │   ├── ReferenceDataError    the territorial reference files are missing or malformed
    │   ├── DateValueError        a date, period or duration that cannot be (also a ValueError)
    │   ├── InputFileError        a file ctg will not read (not a plain file, too large,
    │   │                         outside its folder) or that changed while or after read
    │   └── ArticleError          an article `ctg draft` cannot read: empty, binary, not in
    │                             French, a scanned or corrupt PDF, a page without main text
    └── UserFacingError           a request the API refuses, with a message safe to show
        ├── NotFoundError         a key that names nothing in the graph
        ├── TerritoryCodeError    a territory code, kind or uid that cannot name a territory
        ├── UnauthenticatedError  a request that needs an API token came without one
        ├── TooComplexError       a request that asks for too much (objects, depth, aliases)
        ├── TimedOutError         a query or change stopped at its time limit
        └── ChangeRefusedError    a curation change refused as a whole; nothing was written
            ├── KeyTakenError     a key it creates is in the graph already
            ├── MissingError      something it names is not in the graph
            ├── DatasetOwnedError a fact it changes comes from a dataset file
            └── InvalidChangeError  it breaks the dataset format's rules
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class CtgError(Exception):
    """Base class of every error ctg-graph raises on purpose."""


class ConfigurationError(CtgError):
    """A setting or environment variable has an unusable value."""


class LocalServerError(CtgError):
    """The project-local Neo4j server could not be installed, started or stopped."""


class MissingToolError(LocalServerError):
    """A program the local server needs (java, mvn) is missing or too old."""


class PortInUseError(LocalServerError):
    """The Bolt port chosen for the local server is already taken."""


class DatabaseUnavailableError(CtgError):
    """Neo4j cannot be reached or refuses the credentials."""


class WriteInterruptedError(DatabaseUnavailableError):
    """Neo4j stopped answering (crashed, stopped, network lost) while a dataset was written.

    A dataset is written in one transaction, so it was not written at all, unless Neo4j
    went away during the commit itself: then ``maybe_written`` is True and only the next
    load can tell (it skips the dataset when it finds it whole).
    """

    def __init__(self, message: str, dataset: str, maybe_written: bool) -> None:
        super().__init__(message)
        self.dataset = dataset
        self.maybe_written = maybe_written


class InputError(CtgError):
    """An input (file, argument) is invalid. Raised before anything is written."""


class ReferenceDataError(InputError):
    """The territorial reference data (decoupage-administratif JSON) is unusable."""


class DateValueError(InputError, ValueError):
    """A fuzzy date, a period or a duration range that cannot be: an unreadable date
    (``2018-13``), an end before its start, a duration outside its range. Also a
    ``ValueError`` so that the dataset models (pydantic) report it at its field path."""


class InputFileError(InputError):
    """A file ``path`` that is refused before its content is looked at, or that changed
    while or after it was read; ``reason`` says why and what to do (without the path)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class ArticleError(InputError):
    """An article ``path`` that cannot be drafted from its content (empty, binary, not in
    French, a PDF without a text layer, a page without main text); ``reason`` says why and
    what to do (without the path)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class UserFacingError(CtgError):
    """An API request that is refused; the message is safe to show to any client."""


class NotFoundError(UserFacingError):
    """A key (code, id, slug) that names nothing in the graph."""


class TerritoryCodeError(UserFacingError):
    """A territory code, kind or uid that cannot name a territory (``1518``, ``canton:12``).

    Raised by :mod:`domain.vocabulary` whichever layer asks: the API shows the message,
    the command line prints it.
    """


class UnauthenticatedError(UserFacingError):
    """A request that needs an API token (a curation change) came without a valid one."""


class TooComplexError(UserFacingError):
    """A request that asks for more than the API answers at once (its object budget)."""


class TimedOutError(UserFacingError):
    """A query or a change that Neo4j stopped at the API's time limit; nothing was written."""


class ChangeRefusedError(UserFacingError):
    """A curation change that cannot be made as asked; nothing was written. The API
    answers each kind with a typed result rather than an error."""


class KeyTakenError(ChangeRefusedError):
    """A key the change creates names something already in the graph."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


class MissingError(ChangeRefusedError):
    """Something the change names (``key``) is not in the graph."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


class DatasetOwnedError(ChangeRefusedError):
    """The fact ``key`` comes from ``dataset``'s file, which its next load would restore."""

    def __init__(self, message: str, key: str, dataset: str) -> None:
        super().__init__(message)
        self.key, self.dataset = key, dataset


class InvalidChangeError(ChangeRefusedError):
    """The change breaks the dataset format's rules: ``problems`` lists each as
    ``(field path, what is wrong)``."""

    def __init__(self, message: str, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(message)
        self.problems = list(problems)
