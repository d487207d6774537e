"""English word scoring: VADER (nltk-vader-sentiment, Apache-2.0) with talk-audience words."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple, Protocol

from .compound import Compound, Lexicons
from .english_words import BORROWED, NEUTRAL, SLANG

_PRETTY = re.compile(r"\bpretty\s+([a-z]+)", re.IGNORECASE)
"""'pretty boring' is an intensifier, where VADER would add the praise of 'pretty'."""
_ALPHA = 15.0  # VADER's normalisation constant: compound = raw / sqrt(raw² + alpha)


class Analyzer(Lexicons, Protocol):
    """The part of a VADER analyzer that Scoreboard uses."""

    @property
    def multiword(self) -> Mapping[str, float]: ...
    @property
    def idioms(self) -> Mapping[str, float]: ...

    def polarity_scores(self, text: str) -> dict[str, float]: ...


@functools.cache
def _emoji() -> dict[str, str]:
    """VADER's emoji table without keycaps (the emoji "1", "#" and "*"), whose first
    character is ASCII: with them VADER walks every comment that holds a digit character
    by character, a third of its time, for emoji that `tokens.split` has already taken out."""
    from vader.data.emoji import EMOJI

    return {key: name for key, name in EMOJI.items() if not key[:1].isascii()}


@functools.cache
def analyzer() -> Analyzer:
    """VADER with the talk-audience corrections in its own (per-instance) lexicon."""
    from vader import SentimentIntensityAnalyzer

    extra = {**dict.fromkeys(NEUTRAL, 0.0), **BORROWED, **SLANG}
    return SentimentIntensityAnalyzer(extra_lexicon=extra, emoji=_emoji())


class _Plain(NamedTuple):
    """What tells a plain text, and scores it without VADER's phrase and emoji passes."""

    compound: Compound
    """VADER's rules for a text without emoji; None for one that may hold a phrase."""
    emoji_starts: frozenset[str]
    """The characters an emoji of VADER's starts with."""
    straighten: Callable[[str], str]
    """VADER's own turn of curly apostrophes into plain ones (phones type the curly
    one): done first, so that the scorer sees the words VADER will see."""
    ascii_kept: bool
    """Whether `straighten` leaves every ASCII character as it is (asked of it once):
    then an ASCII text, most comments, skips it."""


@functools.cache
def _plain() -> _Plain:
    """VADER tries every phrase at every position of every text, and almost no comment
    holds one: the direct scorer watches for the longest word of each (the rarest)."""
    from vader.text import normalize_apostrophes

    full = analyzer()
    phrases = [*full.multiword, *full.idioms]
    words = {max(reversed(phrase.split()), key=len) for phrase in phrases}
    starts = frozenset(key[0] for key in _emoji() if key)
    every_ascii = "".join(map(chr, range(128)))
    ascii_kept = normalize_apostrophes(every_ascii) == every_ascii
    return _Plain(Compound(full, words), starts, normalize_apostrophes, ascii_kept)


def to_raw(compound: float) -> float:
    """Invert VADER's normalisation, so that scores from several sources can be added."""
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_ALPHA) / math.sqrt(1.0 - c * c)


def normalise(raw: float) -> float:
    """VADER's normalisation of a summed valence into -1..1."""
    return raw / math.sqrt(raw * raw + _ALPHA)


def _pretty(match: re.Match[str], lexicon: Mapping[str, float]) -> str:
    """Rewrite 'pretty' to VADER's booster 'quite' before a negative word."""
    negative = lexicon.get(match.group(1).lower(), 0.0) < 0
    return f"quite {match.group(1)}" if negative else match.group(0)


def raw_valence(text: str) -> float:
    """Summed valence of an English text (emoji already removed), in VADER units."""
    if not text or text.isspace():
        return 0.0
    vader = analyzer()
    compound, emoji_starts, straighten, ascii_kept = _plain()
    plain_ascii = text.isascii()
    if not (plain_ascii and ascii_kept):
        text = straighten(text)
    if "pretty" in text.lower():  # _PRETTY starts with it (no other letters match it, in any case)
        text = _PRETTY.sub(lambda m: _pretty(m, vader.lexicon), text)
    value = compound(text) if plain_ascii or emoji_starts.isdisjoint(text) else None
    if value is None:
        value = vader.polarity_scores(text)["compound"]
    return to_raw(value)
