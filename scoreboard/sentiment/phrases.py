"""Talk-feedback phrases (both languages) whose meaning is more than the sum of their words."""

from __future__ import annotations

import functools
import re
from importlib.resources import files

_NEGATORS = (
    "not no never isn't wasn't aren't don't doesn't didn't niet geen nooit niks niets nergens"
)
NEGATORS = frozenset(_NEGATORS.split())
FLIP = -0.5
"""A negated phrase ("not too fast", "niet te volgen" is its own phrase) flips and weakens."""


def load_table(text: str) -> tuple[tuple[float, str], ...]:
    """Parse 'valence<TAB>regex' lines; '#' lines and blank lines are skipped."""
    rows: list[tuple[float, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        value, _, pattern = line.partition("\t")
        rows.append((float(value), pattern.strip()))
    return tuple(rows)


@functools.cache
def _compiled() -> tuple[re.Pattern[str], tuple[float, ...]]:
    """phrases.tsv as one alternation with a group per line, compiled on first use."""
    table = load_table((files(__package__) / "phrases.tsv").read_text(encoding="utf-8"))
    body = "|".join(f"({pattern})" for _, pattern in table)
    regex = re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")
    return regex, tuple(value for value, _ in table)


def _negated(lowered: str, start: int) -> bool:
    """True when one of the three words before `start` is a negator."""
    before = lowered[max(0, start - 30) : start].split()[-3:]
    return any(word in NEGATORS or word.endswith(("n't", "n’t")) for word in before)


def extract(text: str) -> tuple[float, str]:
    """Sum the valence of the phrases in `text` and return the text with those phrases blanked."""
    regex, values = _compiled()
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lower-cased ("İ")
        text = lowered
    total = 0.0
    pieces: list[str] = []
    last = 0
    for match in regex.finditer(lowered):
        value = values[(match.lastindex or 1) - 1]
        total += value * (FLIP if _negated(lowered, match.start()) else 1.0)
        pieces.append(text[last : match.start()])
        pieces.append(" , ")
        last = match.end()
    if not pieces:
        return 0.0, text
    pieces.append(text[last:])
    return total, "".join(pieces)
