"""Automatic holds: blocklisted words (however disguised), links, mentions and noise.

A hit never rejects a message: it is stored as `held`, out of every public path,
until an organiser approves it. Matching survives case, diacritics, repeated
letters, common leetspeak (4 for a, 3 for e, 0 for o, $ for s, …) and single
separators inside a word (f.u.c.k).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

# What each letter may be written as; a vowel may also be masked (f*ck, sh#t).
_LEET = {
    "a": "a4@*#",
    "b": "b8",
    "e": "e3€*#",
    "g": "g9",
    "i": "i1!|*#",
    "l": "l1|",
    "o": "o0*#",
    "s": "s5$",
    "t": "t7+",
    "u": "uv*#",
    "z": "z2",
}
_WORD_CHAR = r"a-z0-9@$€!|+*#"
_LINK = re.compile(
    r"(https?://|www\.)\S+|\b[\w-]+\.(com|net|org|nl|be|io|ly|me|co|app|dev|xyz)\b", re.I
)
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_][\w.]*")


def fold(text: str) -> str:
    """Lower case without diacritics: 'Kánker' and 'kanker' read the same."""
    if text.isascii():  # nothing to decompose: most messages, at a tenth of the cost
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(run: str) -> str:
    """One run of the same letter in an entry ("ss" of "ass"): as many or more of it, in
    any of its disguises, with one separator at most between them ("a.s.s").

    A run is read as one repetition whose separator cannot be one of the letter's own
    disguises, so every row of characters splits one way only: five `z+` in a row tried
    every split of a long row of z's (a 150-letter comment froze the server for 9 s).
    """
    ch, count = run[0], len(run)
    variants = _LEET.get(ch, ch)
    letter = f"[{re.escape(variants)}]" if len(variants) > 1 else re.escape(ch)
    if count == 1:
        return f"{letter}+"
    symbols = re.escape("".join(v for v in variants if not v.isalnum()))
    separator = f"(?:_|[^\\w{symbols}])"
    return f"{letter}(?:{separator}?{letter}){{{count - 1},}}"


_EXACT = f"(?![{_WORD_CHAR}])"
"""After a whole-word entry: the word ends there."""
_PREFIX = f"[{_WORD_CHAR}]*"
"""After a `word*` entry: the word may go on."""
_SEPARATOR = r"[\W_]?"
"""Between two letters: one separator at most (f.u.c.k)."""

_RUN = re.compile(r"(.)\1*", re.S)
_Tree = dict[str, "_Tree"]
_ENDS = (_EXACT, _PREFIX)
"""Keys of a tree node where an entry ends (a letter's key is a run of one character)."""


def _alternatives(node: _Tree, first: bool) -> str:
    """The regex for what may come at a node of the letter tree: the next letters, or
    the end of an entry."""
    letters = [
        _letters(run) + _alternatives(child, first=False)
        for run, child in node.items()
        if run not in _ENDS
    ]
    options = [end for end in _ENDS if end in node]
    if letters:
        branch = f"(?:{'|'.join(letters)})"
        options.insert(0, branch if first else _SEPARATOR + branch)
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


def compile_blocklist(entries: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a list of entries (`word`, or `word*` for words starting with it).

    The entries share their first letters in a tree, and the word-start check comes once,
    before it: at a word start `re` follows the branch of that word's first letter
    instead of trying each entry (a search got 5x faster with the check first, and 3x
    faster again with the tree).
    """
    tree: _Tree = {}
    for entry in entries:
        if not entry.strip() or entry.startswith("#"):
            continue
        node = tree
        for match in _RUN.finditer(fold(entry.rstrip("*").strip())):
            node = node.setdefault(match.group(), {})
        node[_PREFIX if entry.endswith("*") else _EXACT] = {}
    if not tree:
        return None
    return re.compile(f"(?<![{_WORD_CHAR}])(?:{_alternatives(tree, first=True)})")


@functools.cache
def shipped_blocklist() -> re.Pattern[str] | None:
    """The English and Dutch lists that ship with the app (scoreboard/data)."""
    entries: list[str] = []
    for name in ("blocklist_en.txt", "blocklist_nl.txt"):
        text = resources.files("scoreboard.data").joinpath(name).read_text(encoding="utf-8")
        entries += [line.strip() for line in text.splitlines()]
    return compile_blocklist(entries)


@functools.lru_cache(maxsize=256)
def board_blocklist(entries: tuple[str, ...]) -> re.Pattern[str] | None:
    return compile_blocklist(entries)


NON_LETTER_ROW = 8
"""The longest row of digits, masks and separators read as it is ('8#||$h#+' is a
disguise of 'bullshit' with a row of five); longer rows are cut to this."""
_NON_LETTERS = re.compile(rf"[\W\d_]{{{NON_LETTER_ROW + 1},}}")


def blocked(text: str, custom: Iterable[str] = ()) -> bool:
    """True when the shipped lists or the board's own list match, however disguised.

    Long rows of non-letters are cut first: adjacent letters' disguises share characters
    (both vowels of 'neuk' may be masked with '*'), so such a row costs `re` a power of
    its length ('n' and 5,000 stars took 1.3 s).
    """
    folded = _NON_LETTERS.sub(lambda row: row.group()[:NON_LETTER_ROW], fold(text))
    patterns = (shipped_blocklist(), board_blocklist(tuple(custom)))
    return any(pattern is not None and pattern.search(folded) for pattern in patterns)


def hold_reason(
    text: str,
    *,
    custom: Iterable[str] = (),
    hold_links: bool = True,
    hold_mentions: bool = False,
) -> str | None:
    """Why this text should wait for an organiser, or None when it may show."""
    if blocked(text, custom):
        return "blocklist"
    # Every link the pattern knows holds a '.' or '://': most messages hold neither.
    if hold_links and ("." in text or "://" in text) and _LINK.search(text):
        return "link"
    if hold_mentions and _MENTION.search(text):
        return "mention"
    if not any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in text):
        return "noise"
    return None
