"""Shared types, errors and text helpers for every social source, webhook or pull."""

from __future__ import annotations

import html
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Literal, Protocol

MAX_BODY_BYTES = 256 * 1024
"""Default largest webhook body accepted; every platform sends far less."""

CHAT_SOURCES = frozenset({"slack", "teams", "telegram"})
"""Sources where a whole channel is the audience, so hashtags are optional."""


@dataclass(frozen=True, slots=True)
class Post:
    """One social post normalised for the board."""

    source: str
    external_id: str
    text: str
    author: str | None
    posted_at: datetime | None
    tags: tuple[str, ...]
    lang: str | None = None

    def __post_init__(self) -> None:
        # JSON can carry lone surrogates (`"\ud800"`), which SQLite cannot store: one such
        # post would fail the writer's whole batch. An id is identity, so it is refused;
        # free text only loses the unreadable character.
        valid_id(self.external_id, f"the {self.source} post's id")
        object.__setattr__(self, "text", valid_text(self.text))
        object.__setattr__(self, "author", opt_valid_text(self.author))
        object.__setattr__(self, "tags", tuple(valid_text(tag) for tag in self.tags))
        object.__setattr__(self, "lang", opt_valid_text(self.lang))


class SourceError(Exception):
    """Bad input from a source; `status` is the HTTP status to answer with."""

    status: int = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class SignatureError(SourceError):
    """The request is not signed by the configured secret (or lacks the header)."""

    status = 401


class StaleError(SignatureError):
    """The signature's timestamp is outside the accepted window (replay guard)."""

    status = 401


class PayloadError(SourceError):
    """The body is too large (413), not JSON (400) or JSON of the wrong shape (422)."""

    status = 400


class ConfigError(SourceError):
    """The configured secret itself is unusable (e.g. not base64)."""

    status = 500


@dataclass(frozen=True, slots=True)
class Inbound:
    """What an HTTP route hands a webhook handler; header names are lowercased."""

    method: str
    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = field(default_factory=dict)
    url: str = ""

    def __post_init__(self) -> None:
        lowered = {name.lower(): value for name, value in self.headers.items()}
        object.__setattr__(self, "headers", lowered)
        object.__setattr__(self, "method", self.method.upper())

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a webhook handler tells the route: posts to store and the answer to send."""

    posts: list[Post]
    status: int = 200
    body: dict[str, object] | str | None = None
    content_type: str = "application/json"


class WebhookSource(Protocol):
    """A push source: verifies the raw request, then turns it into posts."""

    name: str

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome: ...


ConnectorState = Literal["connecting", "connected", "polling", "reconnecting", "stopped"]


@dataclass(frozen=True, slots=True)
class ConnectorStatus:
    """A pull connector's health, shown to the organiser."""

    state: ConnectorState
    error: str | None = None
    last_event_at: datetime | None = None
    position: str | None = None  # Jetstream cursor or Mastodon since_id


StatusCallback = Callable[[ConnectorStatus], None]


# --- request body helpers -------------------------------------------------------------


def check_size(body: bytes, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise PayloadError(f"body larger than {max_bytes} bytes", status=413)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """Decode a JSON object, mapping every failure to a PayloadError."""
    try:
        decoded = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PayloadError("body is not valid JSON") from exc
    if not isinstance(decoded, dict):
        raise PayloadError("JSON body must be an object", status=422)
    return decoded


def require_method(inbound: Inbound, *allowed: str) -> None:
    if inbound.method not in allowed:
        raise PayloadError(f"method {inbound.method} not allowed", status=405)


class LimitedWebhook:
    """What every webhook handler shares: a body limit, checked before the signature."""

    def __init__(self, max_body: int = MAX_BODY_BYTES) -> None:
        self.max_body = max_body

    def admit(self, inbound: Inbound, *methods: str) -> None:
        """Refuse a wrong method (405) or an oversized body (413)."""
        require_method(inbound, *(methods or ("POST",)))
        check_size(inbound.body, self.max_body)


def opt_str(value: object) -> str | None:
    """A non-empty string, or None for anything else."""
    return value if isinstance(value, str) and value else None


def opt_dict(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def opt_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def id_str(value: object) -> str | None:
    """Platform ids arrive as strings or integers; never as booleans or floats."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return opt_str(value)


# --- time helpers ----------------------------------------------------------------------


def utc_or_none(moment: datetime) -> datetime | None:
    """`moment` as aware UTC (naive counts as UTC), or None when UTC cannot hold it (unlike
    models.as_utc, which only labels SQLite's naive times).

    Year 9999 at -14:00 or year 1 at +14:00 parse, but fall outside `datetime`'s range
    once converted; like an unreadable time, such a post simply has no posted time.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def parse_iso(value: object) -> datetime | None:
    """An ISO 8601 timestamp as aware UTC, or None when absent, unreadable or out of range."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return utc_or_none(moment)


def from_unix(value: object) -> datetime | None:
    """Unix seconds (number or numeric string such as Slack's `ts`) as aware UTC."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value) if isinstance(value, (int, float, str)) else None
    except ValueError:
        return None
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --- unicode helpers -------------------------------------------------------------------

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def is_valid_unicode(value: str) -> bool:
    """Whether `value` encodes as UTF-8: JSON's `\\ud800` escapes make strings that do not."""
    return _LONE_SURROGATE.search(value) is None


def valid_text(value: str) -> str:
    """Free text with each lone surrogate replaced by U+FFFD (one UTF-16 unit for one)."""
    return _LONE_SURROGATE.sub("\ufffd", value)


def opt_valid_text(value: str | None) -> str | None:
    return None if value is None else valid_text(value)


def valid_id(value: str, what: str) -> str:
    """`value` unchanged, or a 422 PayloadError: an id or token is identity, never repaired."""
    if not is_valid_unicode(value):
        raise PayloadError(
            f"{what} is not valid Unicode: it contains an unpaired surrogate "
            "(a JSON escape such as \\ud800 without its partner)",
            status=422,
        )
    return value


# --- text and hashtag helpers ---------------------------------------------------------

_HASHTAG = re.compile(r"(?<![\w/&#])#(\w+)")


def normalise_tag(tag: str) -> str:
    """`#DevConf` and `devconf` are the same tag: strip `#`, NFKC-normalise, lowercase."""
    return unicodedata.normalize("NFKC", tag.strip().lstrip("#")).lower()


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = normalise_tag(tag)
        if cleaned and not cleaned.isdigit():
            seen.setdefault(cleaned, None)
    return tuple(seen)


def hashtags_in(text: str) -> tuple[str, ...]:
    """Hashtags written in plain text, for sources that do not list them."""
    return unique_tags(_HASHTAG.findall(text))


def matches(
    post: Post,
    hashtags: Iterable[str],
    *,
    chat_source: bool | None = None,
    chat_requires_hashtag: bool = False,
) -> bool:
    """Whether a post belongs on a board with these hashtags.

    Posts count when they carry one of the board's hashtags (case-insensitive). Chat
    sources (Slack, Teams, Telegram; `chat_source=None` decides from `post.source`) count
    whole, unless the board sets `chat_requires_hashtag`. No hashtags matches nothing.
    """
    is_chat = post.source in CHAT_SOURCES if chat_source is None else chat_source
    if is_chat and not chat_requires_hashtag:
        return True
    wanted = set(unique_tags(hashtags))
    return bool(wanted.intersection(normalise_tag(tag) for tag in post.tags))


_BLOCK_TAGS = frozenset({"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4"})
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class _TextExtractor(HTMLParser):
    """Collects text nodes; `<br>` becomes a newline, block ends a paragraph break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text from untrusted HTML: tags dropped, entities unescaped, breaks kept."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def unescape(text: str) -> str:
    return html.unescape(text)


# --- reconnect helpers -------------------------------------------------------------------

_jitter = random.SystemRandom()


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with jitter: between half and all of min(cap, base * 2^attempt)."""
    ceiling = min(cap, base * 2.0 ** min(max(attempt, 0), 32))
    return ceiling / 2 + _jitter.uniform(0, ceiling / 2)


class FollowerHealth:
    """What both feed followers report to the organiser page, and their backoff settings."""

    def __init__(
        self, on_status: StatusCallback | None, backoff_base: float, backoff_max: float
    ) -> None:
        self.on_status = on_status
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.state: ConnectorState = "connecting"
        self.error: str | None = None
        self.last_event_at: datetime | None = None
        self._failures = 0

    @property
    def position(self) -> str | None:
        """Where to resume after a restart (the follower's cursor)."""
        return None

    @property
    def status(self) -> ConnectorStatus:
        return ConnectorStatus(self.state, self.error, self.last_event_at, self.position)

    def restarting(self, error: str) -> None:
        """Told by whoever runs the follower that `run` ended on `error` and will start again."""
        self._report("reconnecting", error)

    def _report(self, state: ConnectorState, error: str | None = None) -> None:
        self.state, self.error = state, error
        if self.on_status is not None:
            self.on_status(self.status)
