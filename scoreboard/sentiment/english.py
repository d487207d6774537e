"""English word scoring: VADER (nltk-vader-sentiment, Apache-2.0) with talk-audience words."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Protocol

from .english_words import BORROWED, NEUTRAL, SLANG

_PRETTY = re.compile(r"\bpretty\s+([a-z]+)", re.IGNORECASE)
"""'pretty boring' is an intensifier, where VADER would add the praise of 'pretty'."""
_ALPHA = 15.0  # VADER's normalisation constant: compound = raw / sqrt(raw² + alpha)


class Analyzer(Protocol):
    """The part of a VADER analyzer that Scoreboard uses."""

    @property
    def lexicon(self) -> Mapping[str, float]: ...
    @property
    def multiword(self) -> Mapping[str, float]: ...
    @property
    def idioms(self) -> Mapping[str, float]: ...

    def polarity_scores(self, text: str) -> dict[str, float]: ...


def _vader(*, phrases: bool = True) -> Analyzer:
    """VADER with our lexicon; without its multiword phrases and idioms if not `phrases`."""
    from vader import SentimentIntensityAnalyzer
    from vader.data.emoji import EMOJI

    extra = {**dict.fromkeys(NEUTRAL, 0.0), **BORROWED, **SLANG}
    # Keycap emoji ("1️⃣", "#️⃣") start with an ASCII digit, '#' or '*': with them in its
    # table VADER walks every comment that holds a number character by character, a
    # third of its time, for emoji that `tokens.split` has already taken out.
    emoji = {key: name for key, name in EMOJI.items() if not key[:1].isascii()}
    without: dict[str, float] | None = None if phrases else {}
    return SentimentIntensityAnalyzer(
        extra_lexicon=extra, emoji=emoji, multiword=without, idioms=without
    )


@functools.cache
def analyzer() -> Analyzer:
    """VADER with the talk-audience corrections in its own (per-instance) lexicon."""
    return _vader()


@functools.cache
def _lean() -> tuple[Analyzer, re.Pattern[str]]:
    """The same analyzer without its multiword phrases ("fed up") and laden idioms ("break
    a leg"), and a pattern that finds, for each of those, its longest word.

    VADER tries every phrase at every position of every text, a third of its time on a
    short comment, and almost no comment holds one. A phrase only matches where each of
    its words is a token, so a text that holds none of these words anywhere scores the
    same without them (the tests check that on the dev sets).
    """
    full = analyzer()
    phrases = [*full.multiword, *full.idioms]
    words = {max(reversed(phrase.split()), key=len) for phrase in phrases}
    pattern = re.compile("|".join(sorted(map(re.escape, words))) or "(?!)")
    return _vader(phrases=False), pattern


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
    if not text.strip():
        return 0.0
    vader = analyzer()
    text = _PRETTY.sub(lambda m: _pretty(m, vader.lexicon), text)
    lean, phrase_words = _lean()
    # An ASCII text: VADER's emoji table (no ASCII keys) adds no words to it, and its
    # tokens are whitespace-separated parts of its lower case.
    if text.isascii() and not phrase_words.search(text.lower()):
        vader = lean
    return to_raw(vader.polarity_scores(text)["compound"])
