"""Split a message into what can carry sentiment: plain text, emoji and emoticons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .emoji import EMOTICONS, split_emoji

MAX_CHARS = 2000
"""Longer messages are truncated: feedback is short and scoring must stay fast."""

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|nl|org|io|dev|be|net)\b\S*"
)
"""Every URL it knows has a "." or "//": split() skips it for the many texts with neither."""
_TAG = re.compile(r"[#@][^\s#@]*")
_EMOTICON = re.compile(
    r"(?<![\w:;=<])(?:"
    + "|".join(re.escape(e) for e in sorted(EMOTICONS, key=len, reverse=True))
    + r")(?![\w)(/|\\])"
)
_EMOTICON_MARKS = ":;=<D"
"""Every emoticon holds one of these: a text with none of them skips the search (a test
checks the list against EMOTICONS)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""All of them are unprintable: a printable text skips the replacement."""
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _drop_words(text: str, lowered: frozenset[str]) -> str:
    """The text with each word whose lower case is in `lowered` blanked.

    Most messages hold none of the board's tags: a word equal to one would show in the
    case-folded text (folding a lowered word folds the word; folding is per character),
    so only a hit there pays for a Python call per word.
    """
    folded = text.casefold()
    if not any(word.casefold() in folded for word in lowered):
        return text
    return _WORD.sub(lambda m: " " if m.group().lower() in lowered else m.group(), text)


@dataclass(frozen=True, slots=True)
class Parts:
    """A message taken apart: text for the word scorers (emoticons kept), emoji, words."""

    text: str
    emoji: tuple[str, ...]
    emoticons: tuple[str, ...]
    words: tuple[str, ...]


def split(text: str, ignore_tags: frozenset[str] = frozenset()) -> Parts:
    """Take a raw message apart; hashtags, @mentions, URLs and the board's tags are dropped.

    Each pass first asks whether the text can hold what it looks for, with `in` and
    string methods that cost a tenth of a regex scan: most comments are plain words.
    """
    text = text[:MAX_CHARS]
    if not text.isprintable():
        text = _CONTROL.sub(" ", text)
    if "." in text or "//" in text:
        text = _URL.sub(" ", text)
    if "#" in text or "@" in text:
        text = _TAG.sub(" ", text)
    text, emoji = split_emoji(text)
    marked = any(mark in text for mark in _EMOTICON_MARKS)
    emoticons = tuple(_EMOTICON.findall(text)) if marked else ()
    if ignore_tags:
        text = _drop_words(text, ignore_tags)
    bare = _EMOTICON.sub(" ", text) if emoticons else text  # the D of :D is no word
    if bare.isascii():  # lower-casing keeps every letter a letter, one for one
        words = tuple(_WORD.findall(bare.lower()))
    else:
        words = tuple(w.lower() for w in _WORD.findall(bare))
    return Parts(text=text, emoji=emoji, emoticons=emoticons, words=words)
