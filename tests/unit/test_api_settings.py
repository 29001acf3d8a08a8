"""CTG_API_* settings: what a deployment can write, and the errors it gets otherwise."""

from __future__ import annotations

import datetime
import hmac

import pytest

from domain.errors import ConfigurationError
from web.settings import DEFAULT_MAX_BODY_BYTES, ApiTokens, api_settings

ALICE = "alice-token-0123456789"
BOB = "bob+token/with=equals=="


def test_nothing_set_means_no_tokens_open_reads_1_mib_and_no_cors() -> None:
    settings = api_settings({})
    assert not settings.tokens
    assert settings.read_requires_token is False
    assert settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 1_048_576
    assert settings.cors_origins == ()


def test_tokens_are_name_token_pairs_and_a_token_may_contain_equals() -> None:
    tokens = api_settings({"CTG_API_TOKENS": f" alice={ALICE} , caf-cantal={BOB} ,"}).tokens
    assert tokens.names == ["alice", "caf-cantal"]
    assert tokens.caller(ALICE) == "alice"
    assert tokens.caller(BOB) == "caf-cantal"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ALICE, r"entry 1 is not name=token"),
        (f"alice={ALICE},{ALICE}", r"entry 2 is not name=token"),
        (f"alice={ALICE},{BOB}", r"entry 2: the name before '=' is not usable"),
        (f"alice={ALICE},bob=", r"entry 2 is not name=token"),
        (f"=={ALICE}", r"entry 1 is not name=token"),
        (f"alice smith={ALICE}", r"entry 1: the name before '=' is not usable"),
        (f"alice={ALICE},alice={BOB}", r"entry 2: its name is already the name of entry 1"),
        ("alice=short", r"entry 1: the token after '=' must be at least 16 characters"),
        ("alice=has a space in it ok", r"entry 1: the token after '=' must be"),
        (f"alice={ALICE},bob={ALICE}", r"entry 2: its token is also the token of entry 1"),
        ("alice:2027-13-45=" + ALICE, r"entry 1: the expiry after ':' is not a date"),
    ],
)
def test_a_bad_token_list_is_refused_naming_the_variable_and_the_entry(
    value: str, expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=r"^CTG_API_TOKENS") as error:
        api_settings({"CTG_API_TOKENS": value})
    assert error.match(expected)


def test_a_refused_token_list_never_shows_a_token() -> None:
    for value in (ALICE, f"alice={ALICE},bob={ALICE}", "alice=short", BOB):
        with pytest.raises(ConfigurationError) as error:
            api_settings({"CTG_API_TOKENS": value})
        for secret in (ALICE, "short", "bob+token"):
            assert secret not in str(error.value)


@pytest.mark.parametrize(
    "value",
    [
        f"{ALICE}=alice",  # token first: the token stands where the name goes
        f"bob={BOB},{ALICE}=alice",
        f"{ALICE}:2027-06-30=alice",
        f"alice={BOB},{ALICE}=alice,{ALICE}=carol",
        f"alice:{ALICE}={BOB}",  # the token where the expiry goes
    ],
)
def test_an_entry_written_token_first_is_refused_without_echoing_the_token(value: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        api_settings({"CTG_API_TOKENS": value})
    message = str(error.value)
    assert ALICE not in message
    assert "bob+token" not in message
    assert "entry " in message  # where: the position of the entry
    assert "name=token" in message or "name:YYYY-MM-DD=token" in message  # the form expected


def test_a_short_token_is_refused_with_a_way_to_generate_one() -> None:
    with pytest.raises(ConfigurationError, match=r"secrets\.token_urlsafe"):
        ApiTokens.parse("alice=0123456789abcde")  # 15 characters
    assert ApiTokens.parse("alice=0123456789abcdef").names == ["alice"]  # 16


def test_reads_can_require_a_token_but_not_without_tokens() -> None:
    settings = api_settings(
        {"CTG_API_TOKENS": f"alice={ALICE}", "CTG_API_READ_REQUIRES_TOKEN": "1"}
    )
    assert settings.read_requires_token is True
    with pytest.raises(ConfigurationError, match=r"CTG_API_READ_REQUIRES_TOKEN=1 but"):
        api_settings({"CTG_API_READ_REQUIRES_TOKEN": "1"})
    with pytest.raises(ConfigurationError, match=r"CTG_API_READ_REQUIRES_TOKEN='maybe'"):
        api_settings({"CTG_API_READ_REQUIRES_TOKEN": "maybe"})


def test_the_body_limit_is_a_plain_number_of_bytes() -> None:
    assert api_settings({"CTG_API_MAX_BODY_BYTES": "65_536"}).max_body_bytes == 65_536
    for value in ("1m", "-5", "100"):
        with pytest.raises(ConfigurationError, match=r"CTG_API_MAX_BODY_BYTES"):
            api_settings({"CTG_API_MAX_BODY_BYTES": value})


def test_cors_origins_are_origins_without_paths() -> None:
    settings = api_settings(
        {"CTG_API_CORS_ORIGINS": "https://carto.example.org, http://localhost:5173"}
    )
    assert settings.cors_origins == ("https://carto.example.org", "http://localhost:5173")
    for value in ("https://carto.example.org/", "carto.example.org", "https://a.org/app"):
        with pytest.raises(ConfigurationError, match=r"CTG_API_CORS_ORIGINS: .* not an origin"):
            api_settings({"CTG_API_CORS_ORIGINS": value})


def test_a_token_identifies_its_caller_and_nothing_else_does() -> None:
    tokens = ApiTokens({"alice": ALICE, "bob": BOB})
    assert tokens.caller(ALICE) == "alice"
    assert tokens.caller(BOB) == "bob"
    for wrong in ("", ALICE[:-1], ALICE + "x", ALICE.upper(), f"Bearer {ALICE}"):
        assert tokens.caller(wrong) is None
    assert ApiTokens({}).caller("") is None


def test_every_configured_token_is_compared_whatever_matched_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared: list[bytes] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    tokens = ApiTokens({"alice": ALICE, "bob": BOB, "carol": "carol-token-0123456789"})
    assert tokens.caller(ALICE) == "alice"
    assert len(compared) == 3


def test_tokens_never_show_in_a_repr() -> None:
    settings = api_settings({"CTG_API_TOKENS": f"alice={ALICE}"})
    assert ALICE not in repr(settings)
    assert "alice" in repr(settings)


def test_the_query_timeout_is_seconds_within_reason() -> None:
    assert api_settings({}).query_timeout == 10.0
    assert api_settings({"CTG_API_QUERY_TIMEOUT": "2.5"}).query_timeout == 2.5
    for wrong in ("0", "ten", "-1", "99999"):
        with pytest.raises(ConfigurationError, match="CTG_API_QUERY_TIMEOUT"):
            api_settings({"CTG_API_QUERY_TIMEOUT": wrong})


def test_the_coverage_cache_is_seconds_and_zero_turns_it_off() -> None:
    assert api_settings({}).coverage_cache == 60.0
    assert api_settings({"CTG_API_COVERAGE_CACHE": "0"}).coverage_cache == 0.0
    with pytest.raises(ConfigurationError, match="CTG_API_COVERAGE_CACHE"):
        api_settings({"CTG_API_COVERAGE_CACHE": "soon"})


def test_a_token_may_expire_after_a_day_or_at_an_instant() -> None:
    tokens = api_settings(
        {"CTG_API_TOKENS": f"alice:2027-06-30={ALICE},bob:2027-06-30T18:00+02:00={BOB}"}
    ).tokens
    assert tokens.names == ["alice", "bob"]
    alice, bob = tokens.match(ALICE), tokens.match(BOB)
    assert alice is not None
    assert bob is not None
    utc = datetime.UTC
    assert not alice.expired(datetime.datetime(2027, 6, 30, 23, 59, 59, tzinfo=utc))
    assert alice.expired(datetime.datetime(2027, 7, 1, tzinfo=utc))
    assert not bob.expired(datetime.datetime(2027, 6, 30, 15, 59, tzinfo=utc))
    assert bob.expired(datetime.datetime(2027, 6, 30, 16, 0, tzinfo=utc))


def test_an_expired_token_names_no_caller() -> None:
    tokens = api_settings({"CTG_API_TOKENS": f"alice:2020-01-01={ALICE},bob={BOB}"}).tokens
    assert tokens.caller(ALICE) is None
    assert tokens.caller(BOB) == "bob"
    match = tokens.match(ALICE)
    assert match is not None
    assert match.name == "alice"
    assert match.expired()


@pytest.mark.parametrize("expiry", ["2027-13-01", "tomorrow", "", "2027-06-31"])
def test_an_unreadable_expiry_stops_the_server_and_never_shows_the_token(expiry: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        api_settings({"CTG_API_TOKENS": f"alice:{expiry}={ALICE}"})
    message = str(error.value)
    for part in ("entry 1", "the expiry after ':'", "YYYY-MM-DD"):
        assert part in message
    assert ALICE not in message


def test_concurrency_and_queue_limits_have_defaults_and_refuse_nonsense() -> None:
    settings = api_settings({})
    assert settings.max_concurrent >= 4
    assert settings.queue_timeout == 60
    tuned = api_settings({"CTG_API_MAX_CONCURRENT": "12", "CTG_API_QUEUE_TIMEOUT": "5"})
    assert (tuned.max_concurrent, tuned.queue_timeout) == (12, 5)
    for variable, value in (("CTG_API_MAX_CONCURRENT", "0"), ("CTG_API_MAX_CONCURRENT", "x"),
                            ("CTG_API_QUEUE_TIMEOUT", "-1")):  # fmt: skip
        with pytest.raises(ConfigurationError, match=variable):
            api_settings({variable: value})


def test_the_body_timeout_is_seconds_within_reason() -> None:
    assert api_settings({}).body_timeout == 10
    assert api_settings({"CTG_API_BODY_TIMEOUT": "2.5"}).body_timeout == 2.5
    for value in ("0", "-1", "soon", "3601"):
        with pytest.raises(ConfigurationError, match=r"CTG_API_BODY_TIMEOUT=.*seconds"):
            api_settings({"CTG_API_BODY_TIMEOUT": value})


def test_introspection_is_public_by_default_and_may_need_a_token_or_be_off() -> None:
    assert api_settings({}).introspection == "public"
    assert api_settings({"CTG_API_INTROSPECTION": "OFF"}).introspection == "off"
    with_tokens = {"CTG_API_TOKENS": f"alice={ALICE}", "CTG_API_INTROSPECTION": "token"}
    assert api_settings(with_tokens).introspection == "token"
    with pytest.raises(ConfigurationError, match="public, token, off"):
        api_settings({"CTG_API_INTROSPECTION": "private"})
    with pytest.raises(ConfigurationError, match="CTG_API_TOKENS is empty"):
        api_settings({"CTG_API_INTROSPECTION": "token"})
