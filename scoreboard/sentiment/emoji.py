"""Valence of reaction emoji and emoticons, curated for talk feedback (VADER units, -4..4)."""

from __future__ import annotations

import re

_SKIN_TONES = range(0x1F3FB, 0x1F400)
_MODIFIERS = frozenset({0xFE0E, 0xFE0F, 0x20E3})
_ZWJ = 0x200D
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x2190, 0x21FF),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x203C, 0x2049),
)
_EMOJI_CODEPOINTS = frozenset(
    cp for low, high in _EMOJI_RANGES for cp in range(low, high + 1) if cp not in _SKIN_TONES
)
"""is_emoji as one set lookup (~4,000 code points) instead of a scan of the ranges per call."""
_SPECIAL = re.compile(
    "["
    + "".join(
        f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in (
            *_EMOJI_RANGES,
            (_SKIN_TONES[0], _SKIN_TONES[-1]),
            *((cp, cp) for cp in (*_MODIFIERS, _ZWJ)),
        )
    )
    + "]"
)
"""Every character that split_emoji does not simply keep: most messages have none."""

# Written for this project. Values follow VADER's scale: ±1 mild, ±2 clear, ±3 strong.
# In a talk, 😂 means "funny" (good) and 🤯 means "mind blown" (good); 🤔 is a question.
EMOJI: dict[str, float] = {
    "👏": 2.5, "👍": 2.0, "🙌": 2.5, "❤": 2.8, "💖": 2.8, "💯": 2.5, "🔥": 2.5,
    "😂": 1.8, "🤣": 1.8, "😄": 2.0, "😃": 2.0, "😀": 2.0, "😁": 2.0, "😊": 2.0, "🙂": 1.2,
    "😍": 2.8, "🥰": 2.8, "🤩": 3.0, "🤯": 2.2, "😎": 1.8, "🥳": 2.5, "🎉": 2.5, "✨": 1.5,
    "🚀": 2.0, "⭐": 2.0, "🌟": 2.2, "💪": 2.0, "👌": 2.0, "✅": 1.5, "🏆": 2.5, "🥇": 2.5,
    "💚": 2.5, "💙": 2.5, "💜": 2.5, "🧡": 2.5, "💛": 2.5, "🤍": 2.0, "🖤": 1.5, "♥": 2.5,
    "😻": 2.5, "🤗": 2.0, "😆": 1.8, "😅": 0.5, "😉": 1.0, "🙏": 1.8, "💡": 1.5, "🤓": 1.0,
    "😮": 0.8, "😯": 0.5, "😲": 0.8, "🫶": 2.8, "💕": 2.8, "😇": 1.5, "🍻": 1.5, "🎯": 2.0,
    "🤔": 0.0, "❓": 0.0, "❔": 0.0, "👀": 0.2, "🙋": 0.0, "✋": 0.0, "☕": 0.0, "🍕": 0.3,
    "😐": -0.5, "😑": -0.8, "🤷": -0.3, "😶": -0.5, "🫤": -1.0, "😕": -1.3, "😬": -1.0,
    "👎": -2.5, "😴": -2.2, "💤": -2.0, "🥱": -2.2, "😒": -2.0, "🙄": -2.0, "😞": -2.0,
    "😢": -2.0, "😭": -1.5, "😡": -3.0, "🤬": -3.2, "😠": -2.5, "💩": -2.5, "🤮": -3.0,
    "🤢": -2.5, "😩": -2.0, "😫": -2.0, "😤": -1.5, "😓": -1.5, "😖": -2.0, "😣": -1.5,
    "🙁": -1.8, "☹": -2.0, "😟": -1.8, "😔": -1.8, "💔": -2.5, "❌": -1.5, "🐌": -1.5,
    "🔇": -1.5, "🔈": -0.5, "😵": -1.2, "🥴": -1.2, "🤦": -2.0, "😰": -1.5, "😨": -1.2,
    "🙈": -0.5, "⚠": -1.0, "🆘": -2.0, "🫠": -1.0, "🧐": 0.0, "📝": 0.0, "📷": 0.0, "🎤": 0.0,
}  # fmt: skip

EMOTICONS: dict[str, float] = {
    ":)": 2.0, ":-)": 2.0, ";)": 1.2, ";-)": 1.2, "=)": 2.0, ":D": 2.3, ":-D": 2.3,
    "xD": 1.8, "XD": 1.8, ":P": 1.0, ":p": 1.0, ":*": 2.0, "<3": 2.8,
    ":(": -2.0, ":-(": -2.0, ":'(": -2.2, "=(": -2.0, ":/": -1.2, ":-/": -1.2, ":|": -0.7,
    ":o": 0.5, ":O": 0.5, "</3": -2.5, "=P": 1.0, "=p": 1.0, ":-P": 1.0, ":-p": 1.0,
    ";D": 2.0, ";P": 1.0, ";p": 1.0, "=D": 2.3, ":]": 1.5, ":[": -1.5, ":'-(": -2.2,
    ":@": -2.5, ">:(": -2.5, ":S": -1.0, ":s": -1.0, ":$": -0.5,
}  # fmt: skip


def is_emoji(char: str) -> bool:
    """True when the code point belongs to a pictographic emoji block."""
    return ord(char) in _EMOJI_CODEPOINTS


def split_emoji(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove emoji from text; return the rest and normalised emoji (no selectors, no tones).

    Most messages have no emoji: one regex search proves it. Otherwise only the special
    characters are visited; the runs between them are kept as they are.
    """
    if _SPECIAL.search(text) is None:
        return text, ()
    kept: list[str] = []
    found: list[str] = []
    after_zwj = False
    last = 0
    for special in _SPECIAL.finditer(text):
        if special.start() > last:  # ordinary characters in between end a ZWJ sequence
            kept.append(text[last : special.start()])
            after_zwj = False
        last = special.end()
        cp = ord(special.group())
        if cp in _MODIFIERS or cp in _SKIN_TONES:
            continue
        if cp == _ZWJ:
            after_zwj = True
            continue
        if not after_zwj:
            found.append(special.group())
        kept.append(" ")
        after_zwj = False
    kept.append(text[last:])
    return "".join(kept), tuple(found)


MAX_REPEATS = 3
"""The same emoji typed ten times counts as three: enthusiasm saturates."""


def emoji_key(emoji: str) -> str:
    """Normalise one emoji: drop variation selectors and skin tones, keep the first of a ZWJ."""
    _, found = split_emoji(emoji)
    return found[0] if found else emoji.strip()


def valence(emoji: str) -> float:
    """Valence of one emoji (any presentation or skin tone); 0.0 when unknown."""
    return EMOJI.get(emoji_key(emoji), 0.0)


def total(emoji: tuple[str, ...], emoticons: tuple[str, ...] = ()) -> float:
    """Sum of valences, with repeats of the same symbol capped."""
    seen: dict[str, int] = {}
    result = 0.0
    for symbol in emoji + emoticons:
        seen[symbol] = seen.get(symbol, 0) + 1
        if seen[symbol] <= MAX_REPEATS:
            result += EMOJI.get(symbol, EMOTICONS.get(symbol, 0.0))
    return result
