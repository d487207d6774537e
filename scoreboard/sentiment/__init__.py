"""Sentiment of one audience message: the seam the rest of Scoreboard calls.

>>> score("sick demo 🔥").label
'positive'
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from . import dutch, emoji, english, language, phrases, tokens

Label = Literal["positive", "neutral", "negative"]

POSITIVE_AT = 0.05
"""score >= POSITIVE_AT is positive (VADER's compound convention)."""
NEGATIVE_AT = -0.05
"""score <= NEGATIVE_AT is negative."""
QUESTION_DAMPING = 0.3
"""Lexicon words inside a question count this much: "what about security?" is not praise.
Phrases (complaints such as "can't hear") and emoji are not damped."""
_YES_NO_STARTS = frozenset(
    "is are was were do does did can could will would should any anyone has have "
    "zijn wordt worden kan kun kunnen mag heb hebben gaat komt staat werkt doe doen".split()
)
TAP_WEIGHT = 1.0
"""Weight of the one-tap reaction emoji when the text itself carries no sentiment."""
TAP_WEIGHT_WITH_TEXT = 0.5
"""Weight of the tap when the words do carry sentiment: what people write wins over the tap."""

__all__ = ["NEGATIVE_AT", "POSITIVE_AT", "Label", "Sentiment", "label_for", "score", "warm_up"]


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Label, score in -1..1 and detected language (None without words)."""

    label: Label
    score: float
    lang: str | None


def label_for(value: float) -> Label:
    """Three-class label for a score in -1..1."""
    if value >= POSITIVE_AT:
        return "positive"
    if value <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def _words_valence(text: str, lang: str | None) -> float:
    """Valence of the words, with the scorer of the detected language."""
    if lang == "en":
        return english.raw_valence(text)
    if lang == "nl":
        return dutch.raw_valence(text)
    return 0.0


def is_question(text: str, words: Sequence[str]) -> bool:
    """A question mark at the end, or a yes/no question's verb first ("is this recorded")."""
    return text.rstrip().endswith("?") or (bool(words) and words[0] in _YES_NO_STARTS)


def _other_language(
    text: str, lang: str | None, languages: Sequence[str]
) -> tuple[str | None, float]:
    """For a short, unsure message: the first other board language whose lexicon knows a word."""
    for other in languages:
        other = other.lower()
        if other != lang:
            value = _words_valence(text, other)
            if value:
                return other, value
    return lang, 0.0


@functools.lru_cache(maxsize=256)
def _tag_words(ignore_tags: tuple[str, ...]) -> frozenset[str]:
    """A board's hashtags as the lower-case words to ignore (the same few for every message)."""
    return frozenset(tag.lower().lstrip("#") for tag in ignore_tags)


def _score(
    text: str, tap: str | None, languages: Sequence[str], ignore_tags: Sequence[str]
) -> Sentiment:
    parts = tokens.split(text, _tag_words(tuple(ignore_tags)))
    lang, sure = language.detect(parts.words, languages)
    raw = emoji.total(parts.emoji)
    if parts.words:
        phrase_raw, rest = phrases.extract(parts.text)
        words_raw = _words_valence(rest, lang)
        if not words_raw and not sure:
            lang, words_raw = _other_language(rest, lang, languages)
        if is_question(parts.text, parts.words):
            words_raw *= QUESTION_DAMPING
        raw += phrase_raw + words_raw
    if lang != "en":  # VADER scores emoticons itself
        raw += emoji.total(parts.emoticons)
    if tap:  # the message itself (words, phrases, emoji) outweighs the tap when it has a view
        raw += (TAP_WEIGHT_WITH_TEXT if raw else TAP_WEIGHT) * emoji.valence(tap)
    value = round(english.normalise(raw), 4)
    return Sentiment(label=label_for(value), score=value, lang=lang)


def score(
    text: str,
    emoji: str | None = None,
    languages: Sequence[str] = ("en", "nl"),
    *,
    ignore_tags: Sequence[str] = (),
) -> Sentiment:
    """Score one message (plus the optional one-tap emoji). Pure, thread-safe, never raises.

    Audiences repeat themselves (every tap of 👏, "great talk!"), so recent answers
    are remembered; long texts are rarely repeated and skip the cache.
    """
    if not isinstance(text, str):
        text = ""
    if len(text) > _CACHED_LENGTH:
        return compute(text, emoji, tuple(languages), tuple(ignore_tags))
    return _cached(text, emoji, tuple(languages), tuple(ignore_tags))


def compute(
    text: str,
    emoji: str | None = None,
    languages: tuple[str, ...] = ("en", "nl"),
    ignore_tags: tuple[str, ...] = (),
) -> Sentiment:
    """`score` without its cache: what the benchmark times."""
    try:
        return _score(text, emoji, languages, ignore_tags)
    except Exception:
        return Sentiment(label="neutral", score=0.0, lang=None)


_CACHED_LENGTH = 80
_cached = functools.lru_cache(maxsize=8192)(compute)


def warm_up() -> None:
    """Load lexicons and language models now (the server calls this at start)."""
    english.raw_valence("warm up")
    dutch.lexicon()
    language.identifier(("en", "nl"))
    phrases.extract("warm up")
    score("warm up talk, echt vet 👏")
