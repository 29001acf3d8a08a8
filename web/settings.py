"""How the GraphQL API is exposed, read from the environment once at start-up.

==============================  =======================================  ==============
Variable                        Meaning                                  Default
==============================  =======================================  ==============
``CTG_API_TOKENS``              ``name=token`` pairs, comma-separated;   none: no one
                                the name is recorded as who made a       may change
                                change; ``name:2027-06-30=token``        anything
                                expires after that day (UTC)
``CTG_API_READ_REQUIRES_TOKEN`` ``1``: queries need a token too          ``0``
``CTG_API_MAX_BODY_BYTES``      largest request body accepted            1 MiB
``CTG_API_CORS_ORIGINS``        origins whose pages may call the API,    none: same
                                comma-separated                          origin only
``CTG_API_QUERY_TIMEOUT``       seconds a Cypher transaction may run     10
                                before Neo4j stops it
``CTG_API_COVERAGE_CACHE``      seconds a scope's coverage projection    60
                                is reused (0: never)
``CTG_API_MAX_CONCURRENT``      GraphQL requests run at once; the        2 per core,
                                others wait their turn                   at least 4
``CTG_API_QUEUE_TIMEOUT``       seconds a request may wait for its       60
                                turn before a 503
``CTG_API_BODY_TIMEOUT``        seconds a request's body may take to     10
                                arrive before a 408 (it waits for no
                                place meanwhile)
``CTG_API_INTROSPECTION``       who may ask for the schema               ``public``
                                (``__schema``, ``__type``): ``public``,
                                ``token`` (callers with a token) or
                                ``off``
``CTG_API_LOCAL_TOKEN``         set by ``ctg run`` on a local instance:  unset
                                the token of ``CTG_API_TOKENS`` that
                                ``GET /drafts/local-token`` gives the
                                explorer on the loopback
==============================  =======================================  ==============

A value that cannot work stops the server with a :class:`ConfigurationError` that names
the variable (never a token's value, which would end up in logs).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.errors import ConfigurationError

TOKENS_VARIABLE = "CTG_API_TOKENS"
READ_REQUIRES_TOKEN_VARIABLE = "CTG_API_READ_REQUIRES_TOKEN"  # noqa: S105 (a name, no secret)
MAX_BODY_VARIABLE = "CTG_API_MAX_BODY_BYTES"
CORS_VARIABLE = "CTG_API_CORS_ORIGINS"
TIMEOUT_VARIABLE = "CTG_API_QUERY_TIMEOUT"
CACHE_VARIABLE = "CTG_API_COVERAGE_CACHE"
CONCURRENT_VARIABLE = "CTG_API_MAX_CONCURRENT"
QUEUE_TIMEOUT_VARIABLE = "CTG_API_QUEUE_TIMEOUT"
BODY_TIMEOUT_VARIABLE = "CTG_API_BODY_TIMEOUT"
INTROSPECTION_VARIABLE = "CTG_API_INTROSPECTION"
#: Set by ``ctg run`` only: the token of CTG_API_TOKENS that ``GET /drafts/local-token``
#: hands to the explorer's pages on the loopback (web/drafts.py).
LOCAL_TOKEN_VARIABLE = "CTG_API_LOCAL_TOKEN"  # noqa: S105 (a name, no secret)
#: The caller name of that token in CTG_API_TOKENS (who made a change).
LOCAL_CURATOR = "local-curator"
#: Who may introspect the schema: anyone, callers with a valid token, or no one.
INTROSPECTION_POLICIES = ("public", "token", "off")
DEFAULT_BODY_TIMEOUT = 10.0
#: How uvicorn reads requests, for ``ctg serve`` and the test servers alike. h11, even
#: if another parser is installed, so that these limits hold: a request line with its
#: headers, or one chunk-size line, of at most 16 KiB (past it h11 answers 400 and
#: closes); an idle keep-alive connection closed after 5 s. uvicorn has no timeout for
#: headers still arriving: see docs/decisions.md.
UVICORN_OPTIONS: dict[str, str | int] = {
    "http": "h11",
    "h11_max_incomplete_event_size": 16 * 1024,
    "timeout_keep_alive": 5,
}
#: Two cores serve Neo4j and Python both: more requests at once only lengthen each one.
DEFAULT_MAX_CONCURRENT = max(4, 2 * (os.cpu_count() or 1))
DEFAULT_QUERY_TIMEOUT = 10.0

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: Long enough that guessing is hopeless even without rate limiting.
MIN_TOKEN_LENGTH = 16

#: Caller names end up in the graph as who made a change: readable, no spaces.
_CALLER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
#: What an HTTP header carries after "Bearer " without quoting: visible ASCII.
_TOKEN = re.compile(r"^[\x21-\x7e]+$")
_ORIGIN = re.compile(r"^https?://[^/\s?#]+$")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

_GENERATE_HINT = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
#: The expected form, appended to a refusal since the entry itself is never shown.
_FORM_HINT = (
    f"Write comma-separated name=token entries, the name first, such as "
    f"{TOKENS_VARIABLE}=alice=<token>,caf-cantal:2027-06-30=<token>."
)


@dataclass(frozen=True)
class TokenMatch:
    """Whose token was presented, and until when it is valid (None: no end)."""

    name: str
    expires: datetime.datetime | None = None

    def expired(self, now: datetime.datetime | None = None) -> bool:
        """Whether the token is past its expiry at ``now`` (default: the current time)."""
        now = now or datetime.datetime.now(datetime.UTC)
        return self.expires is not None and now >= self.expires


class ApiTokens:
    """The configured API tokens, checked in constant time.

    Tokens are kept as SHA-256 digests only, so that the comparison does not depend on
    the presented token's length and no token shows up in a repr or a traceback. A token
    may carry an expiry (``name:2027-06-30=token``): valid through that day, UTC; or
    ``name:2027-06-30T18:00+02:00=token``, valid until that instant.

    Examples
    --------
    >>> tokens = ApiTokens.parse("alice=correct-horse-battery,bob:2027-06-30=staple-staple-staple")
    >>> tokens.caller("correct-horse-battery")
    'alice'
    >>> tokens.match("staple-staple-staple").expires.isoformat()
    '2027-07-01T00:00:00+00:00'
    >>> tokens.caller("staple") is None
    True
    >>> tokens
    ApiTokens(names=['alice', 'bob'])
    """

    def __init__(
        self,
        tokens: Mapping[str, str],
        expires: Mapping[str, datetime.datetime] | None = None,
    ) -> None:
        self._digests = tuple((name, _digest(token)) for name, token in tokens.items())
        self._expires = dict(expires or {})

    @classmethod
    def parse(cls, value: str, variable: str = TOKENS_VARIABLE) -> ApiTokens:
        """Read ``name=token,name=token``; blank means no token at all.

        Raises:
            ConfigurationError: an entry is malformed, a name or a token is repeated, or a
                token is shorter than :data:`MIN_TOKEN_LENGTH`. The entry is named by its
                position only, with the form expected: never by its text, since an entry
                written token-first (``token=name``) would put the token where the name
                goes, and start-up errors end up in logs.
        """
        tokens: dict[str, str] = {}
        expires: dict[str, datetime.datetime] = {}
        positions: dict[str, int] = {}
        for position, entry in enumerate(value.split(","), start=1):
            if not entry.strip():
                continue  # a trailing or doubled comma
            where = f"{variable}, entry {position}"
            name, equals, token = entry.partition("=")
            name, colon, expiry = name.partition(":")
            name, token = name.strip(), token.strip()
            if not equals or not name or not token:
                raise ConfigurationError(f"{where} is not name=token. {_FORM_HINT}")
            if not _CALLER_NAME.match(name):
                raise ConfigurationError(
                    f"{where}: the name before '=' is not usable; use up to 64 letters, "
                    "digits and . _ @ - (it is recorded as who made a change). " + _FORM_HINT
                )
            if name in tokens:
                raise ConfigurationError(
                    f"{where}: its name is already the name of entry {positions[name]}; "
                    "give each caller one entry."
                )
            if len(token) < MIN_TOKEN_LENGTH or not _TOKEN.match(token):
                raise ConfigurationError(
                    f"{where}: the token after '=' must be at least {MIN_TOKEN_LENGTH} "
                    "characters of visible ASCII (no spaces or commas). Generate one "
                    f"with {_GENERATE_HINT}. {_FORM_HINT}"
                )
            if token in tokens.values():
                first = positions[next(n for n, t in tokens.items() if t == token)]
                raise ConfigurationError(
                    f"{where}: its token is also the token of entry {first}; give each "
                    "caller its own token so that changes are recorded under the right name."
                )
            tokens[name] = token
            positions[name] = position
            if colon:
                expires[name] = _expiry(expiry.strip(), where)
        return cls(tokens, expires)

    @property
    def names(self) -> list[str]:
        """Who may call with a token, in the configured order."""
        return [name for name, _ in self._digests]

    def __bool__(self) -> bool:
        return bool(self._digests)

    def __repr__(self) -> str:
        return f"ApiTokens(names={self.names!r})"

    def caller(self, presented: str) -> str | None:
        """The name whose token is ``presented`` and not expired, or None."""
        match = self.match(presented)
        return None if match is None or match.expired() else match.name

    def match(self, presented: str) -> TokenMatch | None:
        """Whose token ``presented`` is, with its expiry, or None for no one's.

        Every configured token is compared, whatever matched first, so that the time taken
        says nothing about which token came close.
        """
        presented_digest = _digest(presented)
        caller = None
        for name, digest in self._digests:
            if hmac.compare_digest(presented_digest, digest):
                caller = name
        return None if caller is None else TokenMatch(caller, self._expires.get(caller))


@dataclass(frozen=True)
class ApiSettings:
    """Who may call the API and what it accepts."""

    tokens: ApiTokens
    read_requires_token: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    cors_origins: tuple[str, ...] = ()
    query_timeout: float = DEFAULT_QUERY_TIMEOUT
    coverage_cache: float = 60.0
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    queue_timeout: float = 60.0
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    introspection: str = "public"
    #: the local curator's token (``ctg run`` on the loopback), one of ``tokens``; never
    #: in a repr, which could end up in a log
    local_token: str | None = field(default=None, repr=False)


def api_settings(env: Mapping[str, str] | None = None) -> ApiSettings:
    """Read the ``CTG_API_*`` variables (see the module docstring).

    Raises:
        ConfigurationError: a variable has a value that cannot work, named with the fix.
    """
    env = os.environ if env is None else env
    tokens = ApiTokens.parse(env.get(TOKENS_VARIABLE, ""))
    read_requires_token = _flag(
        env.get(READ_REQUIRES_TOKEN_VARIABLE, ""), READ_REQUIRES_TOKEN_VARIABLE
    )
    if read_requires_token and not tokens:
        raise ConfigurationError(
            f"{READ_REQUIRES_TOKEN_VARIABLE}=1 but {TOKENS_VARIABLE} is empty, so no one "
            f"could use the API. Set {TOKENS_VARIABLE}=name=<token>,… or unset "
            f"{READ_REQUIRES_TOKEN_VARIABLE}."
        )
    local_token = env.get(LOCAL_TOKEN_VARIABLE, "").strip() or None
    if local_token is not None and tokens.caller(local_token) is None:
        raise ConfigurationError(
            f"{LOCAL_TOKEN_VARIABLE} is not one of the valid tokens of {TOKENS_VARIABLE}; "
            f"it is set by `ctg run` only: unset it (type a token in the review page instead)."
        )
    return ApiSettings(
        local_token=local_token,
        tokens=tokens,
        read_requires_token=read_requires_token,
        max_body_bytes=_byte_count(env.get(MAX_BODY_VARIABLE, ""), MAX_BODY_VARIABLE),
        cors_origins=_origins(env.get(CORS_VARIABLE, ""), CORS_VARIABLE),
        query_timeout=_seconds(
            env.get(TIMEOUT_VARIABLE, ""), TIMEOUT_VARIABLE, DEFAULT_QUERY_TIMEOUT, 0.1, 3600
        ),
        coverage_cache=_seconds(env.get(CACHE_VARIABLE, ""), CACHE_VARIABLE, 60.0, 0, 86_400),
        max_concurrent=_count(
            env.get(CONCURRENT_VARIABLE, ""), CONCURRENT_VARIABLE, DEFAULT_MAX_CONCURRENT, 1, 1024
        ),
        queue_timeout=_seconds(
            env.get(QUEUE_TIMEOUT_VARIABLE, ""), QUEUE_TIMEOUT_VARIABLE, 60.0, 0.1, 3600
        ),
        body_timeout=_seconds(
            env.get(BODY_TIMEOUT_VARIABLE, ""),
            BODY_TIMEOUT_VARIABLE,
            DEFAULT_BODY_TIMEOUT,
            0.1,
            600,
        ),
        introspection=_introspection(env.get(INTROSPECTION_VARIABLE, ""), bool(tokens)),
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address, maybe in brackets, or a name) is the loopback.

    >>> [is_loopback(h) for h in ("127.0.0.1", "[::1]", "localhost", "0.0.0.0", "evil.test")]
    [True, True, True, False, False]
    """
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _introspection(value: str, has_tokens: bool) -> str:
    """One of :data:`INTROSPECTION_POLICIES`; ``token`` needs tokens to give out."""
    policy = value.strip().lower() or "public"
    if policy not in INTROSPECTION_POLICIES:
        raise ConfigurationError(
            f"{INTROSPECTION_VARIABLE}={value!r} is not one of "
            f"{', '.join(INTROSPECTION_POLICIES)} (default public)."
        )
    if policy == "token" and not has_tokens:
        raise ConfigurationError(
            f"{INTROSPECTION_VARIABLE}=token but {TOKENS_VARIABLE} is empty, so no one could "
            f"read the schema. Set {TOKENS_VARIABLE}=name=<token>,… or use "
            f"{INTROSPECTION_VARIABLE}=off."
        )
    return policy


def _count(value: str, name: str, default: int, low: int, high: int) -> int:
    """A whole number within ``[low, high]``, ``default`` when unset."""
    value = value.strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigurationError(
            f"{name}={value!r} is not a whole number between {low} and {high} (default {default})."
        )
    return int(value)


def _seconds(value: str, name: str, default: float, low: float, high: float) -> float:
    """A number of seconds within ``[low, high]``, ``default`` when unset."""
    value = value.strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not low <= seconds <= high:
        raise ConfigurationError(
            f"{name}={value!r} is not a number of seconds between {low:g} and {high:g} "
            f"(default {default:g})."
        )
    return seconds


def _expiry(value: str, where: str) -> datetime.datetime:
    """The instant a token stops working: after the day of a date, or at a time (UTC when
    no offset is written)."""
    try:
        if len(value) == 10:
            day = datetime.date.fromisoformat(value)
            return datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time(), datetime.UTC
            )
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(
            f"{where}: the expiry after ':' is not a date; write name:YYYY-MM-DD=token "
            "(valid through that day, UTC) or name:YYYY-MM-DDTHH:MM+01:00=token."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _flag(value: str, name: str) -> bool:
    normalized = value.strip().lower()
    if normalized in _TRUE:
        return True
    if normalized in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a yes/no value; use 1 or 0.")


def _byte_count(value: str, name: str) -> int:
    value = value.strip().replace("_", "")
    if not value:
        return DEFAULT_MAX_BODY_BYTES
    if not value.isdigit() or int(value) < 1024:
        raise ConfigurationError(
            f"{name}={value!r} is not a number of bytes of at least 1024; write e.g. "
            f"{DEFAULT_MAX_BODY_BYTES} for 1 MiB."
        )
    return int(value)


def _origins(value: str, name: str) -> tuple[str, ...]:
    origins = tuple(origin.strip() for origin in value.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not _ORIGIN.match(origin):
            raise ConfigurationError(
                f"{name}: {origin!r} is not an origin; write scheme://host[:port] with no "
                "path or trailing slash, e.g. https://carto.example.org."
            )
    return origins
