"""Talk-feedback phrases (both languages) whose meaning is more than the sum of their words.

The phrases are one regex alternation, but `re` would try all of its ~140 branches at every
position of every message. A match can only start where a word starts (the lookbehind), and
parsing each line tells which words it can start with, so `extract` only tries, at the start
of such a word, the lines that can start there: the same matches, in a fraction of the time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, TypeAlias

try:
    from re import _parser  # type: ignore[attr-defined]  # the parser `re` itself uses
except ImportError:  # a future Python: no first-word index, the full regex still works
    _parser = None

_NEGATORS = (
    "not no never isn't wasn't aren't don't doesn't didn't niet geen nooit niks niets nergens"
)
NEGATORS = frozenset(_NEGATORS.split())
FLIP = -0.5
"""A negated phrase ("not too fast", "niet te volgen" is its own phrase) flips and weakens."""

_WORD_CHAR = r"[\w']"
"""What the lookbehind and lookahead around every phrase treat as part of a word."""
_WORD = re.compile(rf"{_WORD_CHAR}+")
_BEFORE = rf"(?<!{_WORD_CHAR})"
_AFTER = rf"(?!{_WORD_CHAR})"
_MAX_STARTS = 5000
"""A line that can start with more words than this turns the index off (full regex only)."""
_Words: TypeAlias = tuple[frozenset[str], frozenset[str]]
"""(prefixes still inside the first word, first words already ended) along a regex."""


def load_table(text: str) -> tuple[tuple[float, str], ...]:
    """Parse 'valence<TAB>regex' lines; '#' lines and blank lines are skipped."""
    rows: list[tuple[float, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        value, _, pattern = line.partition("\t")
        rows.append((float(value), pattern.strip()))
    return tuple(rows)


class _Unsure(Exception):
    """The pattern uses something the first-word analysis does not model exactly."""


@functools.cache
def _is_word_char(char: str) -> bool:
    """Asked of `re` itself, so that \\w means exactly what it means in the phrase regex."""
    return re.fullmatch(_WORD_CHAR, char) is not None


def _after_char(prefixes: frozenset[str], char: str) -> _Words:
    """One more character: a word character extends the prefixes, any other ends them."""
    if _is_word_char(char):
        return frozenset(prefix + char for prefix in prefixes), frozenset()
    return frozenset(), prefixes


def _after_items(items: Iterable[Any], prefixes: frozenset[str]) -> _Words:
    """A sequence of parsed regex items (`re`'s own parse tree)."""
    ended: frozenset[str] = frozenset()
    for op, arg in items:
        if not prefixes:
            break  # every path has left its first word: the rest cannot change it
        prefixes, done = _after_item(op, arg, prefixes)
        ended |= done
        if len(prefixes) + len(ended) > _MAX_STARTS:
            raise _Unsure("too many first words")
    return prefixes, ended


def _after_item(op: Any, arg: Any, prefixes: frozenset[str]) -> _Words:
    """One parsed item; _Unsure for anything not modelled exactly (., \\w, \\d, [^...])."""
    if op is _parser.LITERAL:
        return _after_char(prefixes, chr(arg))
    if op is _parser.IN:
        return _after_set(arg, prefixes)
    if op is _parser.BRANCH:
        results = [_after_items(branch, prefixes) for branch in arg[1]]
        return frozenset().union(*(r[0] for r in results)), frozenset().union(
            *(r[1] for r in results)
        )
    if op is _parser.SUBPATTERN:
        _, add_flags, del_flags, body = arg
        if add_flags or del_flags:
            raise _Unsure("scoped flags")
        return _after_items(body, prefixes)
    if op is _parser.MAX_REPEAT or op is _parser.MIN_REPEAT:
        return _after_repeat(arg, prefixes)
    if op in (_parser.ASSERT, _parser.ASSERT_NOT, _parser.AT):
        return prefixes, frozenset()  # zero width: ignoring a condition only adds candidates
    raise _Unsure(str(op))


def _after_set(items: Any, prefixes: frozenset[str]) -> _Words:
    """A character class: each listed character, small ranges and \\s (never a word char)."""
    still: set[str] = set()
    ended: set[str] = set()
    for op, arg in items:
        if op is _parser.LITERAL:
            chars: Iterable[int] = (arg,)
        elif op is _parser.RANGE and arg[1] - arg[0] < 256:
            chars = range(arg[0], arg[1] + 1)
        elif op is _parser.CATEGORY and arg is _parser.CATEGORY_SPACE:
            ended |= prefixes
            continue
        else:
            raise _Unsure(str(op))
        for char in chars:
            more, done = _after_char(prefixes, chr(char))
            still |= more
            ended |= done
    return frozenset(still), frozenset(ended)


def _after_repeat(arg: Any, prefixes: frozenset[str]) -> _Words:
    """x{low,high}: the prefixes after any allowed number of repeats (a fixpoint when open)."""
    low, high, body = arg
    result = set(prefixes) if low == 0 else set()
    ended: set[str] = set()
    frontier = prefixes
    count = 0
    while frontier and count != high:
        frontier, done = _after_items(body, frontier)
        ended |= done
        count += 1
        if count >= low:
            frontier -= result  # seen after fewer repeats, so with at least as many left
            result |= frontier
        if len(result) + len(ended) > _MAX_STARTS:
            raise _Unsure("too many first words")
    return frozenset(result), frozenset(ended)


def first_words(pattern: str) -> frozenset[str] | None:
    """Every word a match of `pattern` can start with (a superset); None when unsure.

    A phrase match starts where a word starts (the lookbehind) and ends where one ends (the
    lookahead), so its first word is the whole word of the message at that position.
    """
    try:
        if re.compile(pattern).groups:
            return None  # a group would shift the line numbers that lastindex reports
        tree = _parser.parse(pattern)
        if tree.state.flags & ~re.UNICODE:
            return None
        still, ended = _after_items(tree.data, frozenset({""}))
    except (_Unsure, re.error, AttributeError, TypeError, ValueError):
        return None  # includes a changed private parser: the full regex stays correct
    words = still | ended
    return None if "" in words else words


@dataclass(frozen=True, slots=True)
class _Start:
    """The lines that can start with one word: their own small regex and valences."""

    regex: re.Pattern[str]
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Phrases:
    """phrases.tsv compiled: the full alternation and, per possible first word, its lines."""

    regex: re.Pattern[str]
    values: tuple[float, ...]
    starts: Mapping[str, _Start] | None
    """None when some line has no known first words: then `regex` does all the work."""

    def full_matches(self, lowered: str) -> list[tuple[int, int, float]]:
        """(start, end, valence) of each phrase: the full regex at every position."""
        return [
            (m.start(), m.end(), self.values[(m.lastindex or 1) - 1])
            for m in self.regex.finditer(lowered)
        ]

    def matches(self, lowered: str) -> list[tuple[int, int, float]]:
        """The same as `full_matches`, trying only the lines that can start each word."""
        if self.starts is None:
            return self.full_matches(lowered)
        if self.starts.keys().isdisjoint(_WORD.findall(lowered)):
            return []  # most messages: no word can start a phrase
        found: list[tuple[int, int, float]] = []
        end = 0
        for word in _WORD.finditer(lowered):
            start = self.starts.get(word.group())
            if start is None or word.start() < end:
                continue
            match = start.regex.match(lowered, word.start())
            if match:
                end = match.end()
                found.append((match.start(), end, start.values[(match.lastindex or 1) - 1]))
        return found


def compile_table(table: tuple[tuple[float, str], ...]) -> Phrases:
    """The full regex with a group per line, plus the first-word index when every line has one.

    At a word start the lines that cannot start with that word fail anyway, so the index
    regex (the others, in file order, same lookahead) picks the same line and the same end.
    """
    body = "|".join(f"({pattern})" for _, pattern in table)
    regex = re.compile(rf"{_BEFORE}(?:{body}){_AFTER}")
    values = tuple(value for value, _ in table)
    index: dict[str, list[int]] = {}
    for line, (_, pattern) in enumerate(table):
        words = first_words(pattern)
        if words is None:
            return Phrases(regex, values, None)
        for word in words:
            index.setdefault(word, []).append(line)
    by_lines: dict[tuple[int, ...], _Start] = {}
    for lines in map(tuple, index.values()):
        if lines not in by_lines:
            body = "|".join(f"({table[line][1]})" for line in lines)
            by_lines[lines] = _Start(
                re.compile(f"(?:{body}){_AFTER}"), tuple(values[line] for line in lines)
            )
    return Phrases(regex, values, {word: by_lines[tuple(lines)] for word, lines in index.items()})


@functools.cache
def compiled() -> Phrases:
    """phrases.tsv, compiled on first use."""
    return compile_table(load_table((files(__package__) / "phrases.tsv").read_text("utf-8")))


def _negated(lowered: str, start: int) -> bool:
    """True when one of the three words before `start` is a negator."""
    before = lowered[max(0, start - 30) : start].split()[-3:]
    return any(word in NEGATORS or word.endswith(("n't", "n’t")) for word in before)


def extract(text: str) -> tuple[float, str]:
    """Sum the valence of the phrases in `text` and return the text with those phrases blanked."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lower-cased ("İ")
        text = lowered
    total = 0.0
    pieces: list[str] = []
    last = 0
    for start, end, value in compiled().matches(lowered):
        total += value * (FLIP if _negated(lowered, start) else 1.0)
        pieces.append(text[last:start])
        pieces.append(" , ")
        last = end
    if not pieces:
        return 0.0, text
    pieces.append(text[last:])
    return total, "".join(pieces)
