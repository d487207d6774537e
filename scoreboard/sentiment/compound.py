"""VADER's compound score, computed directly for the texts most comments are.

`polarity_scores` builds per-token objects and lists, tries every phrase, emoji and
idiom, and answers four proportions of which Scoreboard reads one. For a text in which
no multiword phrase, laden idiom or emoji can occur (97% of the dev sets' texts, 98% of
VADER's tweets) only the rules around lexicon words decide the compound, and `Compound`
applies just those; for the others it answers None (english.py then asks VADER). The
words, the rule constants and the rules are the installed analyzer's
(nltk-vader-sentiment): the tests check that the answers are the same to the last
digit, on the dev sets and on generated texts that exercise every rule. English scoring
takes half the time; a stored reaction 8% less CPU.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

_BEFORE = ((-1, 0), (-2, -1, 0), (-2, -1), (-3, -2, -1), (-3, -2))
"""Special-case windows up to a lexicon word, in VADER's order: the first match counts."""
_AROUND = ((-1, 0, 1), (0, 1), (0, 1, 2))
"""Special-case windows from it onward: each match replaces what came before."""
_BOOSTER_PAIRS = ((-2, -1), (-3, -2))
"""Two-word boosters ("kind of") ending one or two words before it: added."""
_NEVER_EMPHASIS = frozenset({"so", "this"})


@dataclass(frozen=True, slots=True)
class _Rules:
    """VADER's rule constants, read from the installed analyzer with the first message."""

    punctuation: str
    negation: float  # what a negation multiplies by
    capitals: float  # what a word in capitals among lower case adds
    never_so: float
    but_before: float
    but_after: float
    decay_two: float  # a booster two words before counts this much
    decay_three: float
    exclamation: float
    exclamations_counted: int
    question: float
    questions_cap: float

    @classmethod
    def load(cls) -> _Rules:
        from vader import constants as c

        return cls(
            c.PUNCTUATION, c.N_SCALAR, c.C_INCR, c.NEVER_BOOST, c.BUT_BEFORE, c.BUT_AFTER,
            c.DECAY_TWO, c.DECAY_THREE, c.EP_AMPLIFY, c.EP_CAP, c.QM_AMPLIFY, c.QM_CAP,
        )  # fmt: skip


class Lexicons(Protocol):
    """The word lists of a VADER analyzer."""

    @property
    def lexicon(self) -> Mapping[str, float]: ...
    @property
    def booster(self) -> Mapping[str, float]: ...
    @property
    def negations(self) -> Collection[str]: ...
    @property
    def special_cases(self) -> Mapping[str, float]: ...
    @property
    def alpha(self) -> float: ...


class Compound:
    """`analyzer.polarity_scores(text)["compound"]` for a text holding no emoji of the
    analyzer's, or None when one of its tokens is among `phrase_words`.

    VADER matches its multiword phrases ("fed up") and laden idioms ("break a leg") on
    whole tokens, so a text none of whose tokens is a word of a phrase (any one word of
    each will do) holds no phrase.
    """

    def __init__(self, analyzer: Lexicons, phrase_words: Collection[str] = ()) -> None:
        self._rules = _Rules.load()
        self._phrase_words = frozenset(phrase_words)
        self._lexicon = analyzer.lexicon
        self._booster = analyzer.booster
        self._negations = frozenset(analyzer.negations)
        self._special = analyzer.special_cases
        self._alpha = analyzer.alpha
        self._special_starts = frozenset(key.split()[0] for key in self._special)
        self._pairs = {key: value for key, value in self._booster.items() if " " in key}
        self._pair_starts = frozenset(key.split()[0] for key in self._pairs)
        self._window_starts = self._special_starts | self._pair_starts
        self._context = frozenset(
            {
                *self._booster,
                *self._negations,
                *self._window_starts,
                "no",
                "least",
                "never",
                "without",
            }
        )
        """Every word that can change a sentiment word near it (apart from a word in
        capitals and a contraction with "n't"): in a text without any, each sentiment
        word counts its own valence."""

    def __call__(self, text: str) -> float | None:
        punctuation = self._rules.punctuation
        tokens = [  # a part without edge punctuation is its own token: no call for it
            raw if raw.strip(punctuation) == raw else self._token(raw) for raw in text.split()
        ]
        lowered = [token.lower() for token in tokens]
        if not self._phrase_words.isdisjoint(lowered):
            return None
        lexicon, booster, count, rules = self._lexicon, self._booster, len(lowered), self._rules
        words = [
            i
            for i, word in enumerate(lowered)
            if word in lexicon
            and word not in booster  # boosters change their neighbours, they do not score
            and not (word == "kind" and i + 1 < count and lowered[i + 1] == "of")
        ]
        if not words:
            return 0.0
        upper = sum(map(str.isupper, tokens))
        shouting = 0 < count - upper < count  # some words in capitals, not all
        but = lowered.index("but") if "but" in lowered else None
        plain = self._context.isdisjoint(lowered) and not (
            "'" in text and any(word.endswith("n't") for word in lowered)
        )
        valences = []
        for i in words:
            if plain:  # most comments: no booster, negation or special case anywhere
                valence = lexicon[lowered[i]]
                if shouting and tokens[i].isupper():
                    valence = _away_from_zero(valence, rules.capitals)
            else:
                valence = self._valence(i, tokens, lowered, shouting)
            if but is not None and i != but:  # what follows "but" weighs more
                valence *= rules.but_before if i < but else rules.but_after
            valences.append(valence)
        total = float(sum(valences))
        if total > 0:
            total += self._emphasis(text)
        elif total < 0:
            total -= self._emphasis(text)
        compound = total / math.sqrt(total * total + self._alpha)
        return round(max(-1.0, min(1.0, compound)), 4)

    def _token(self, raw: str) -> str:
        """A whitespace-separated part without its edge punctuation, unless it is an entry
        itself (":)"); pure punctuation keeps the longest entry it starts with (":),")."""
        if raw.lower() in self._lexicon:
            return raw
        stripped = raw.strip(self._rules.punctuation)
        if stripped:
            return stripped
        for end in range(len(raw) - 1, 0, -1):
            if raw[:end].lower() in self._lexicon:
                return raw[:end]
        return raw

    def _valence(self, i: int, tokens: list[str], lowered: list[str], shouting: bool) -> float:
        lexicon, rules = self._lexicon, self._rules
        word = lowered[i]
        valence = lexicon[word]
        if word == "no" and i + 1 < len(lowered) and lowered[i + 1] in lexicon:
            valence = 0.0  # "no" before a sentiment word negates it instead
        if _after_no(lowered, i):
            valence = lexicon[word] * rules.negation
        if shouting and tokens[i].isupper():
            valence = _away_from_zero(valence, rules.capitals)
        for back in (1, 2, 3):
            j = i - back
            if j < 0 or lowered[j] in lexicon:
                continue
            valence += self._boost(tokens[j], lowered[j], valence, shouting, back)
            valence = self._negate(valence, lowered, i, back)
        valence = self._special_cases(valence, lowered, i)
        if self._after_least(lowered, i):
            valence *= rules.negation
        return valence

    def _after_least(self, lowered: list[str], i: int) -> bool:
        """ "least good" flips and damps; "at least good" and "very least good" do not."""
        return (
            i > 0
            and lowered[i - 1] == "least"
            and "least" not in self._lexicon
            and not (i > 1 and lowered[i - 2] in ("at", "very"))
        )

    def _boost(self, token: str, word: str, valence: float, shouting: bool, back: int) -> float:
        """What a booster `back` words before adds, in the direction of `valence`."""
        if word not in self._booster:
            return 0.0
        rules = self._rules
        scalar = self._booster[word]
        if valence < 0:
            scalar = -scalar
        if shouting and token.isupper():
            scalar = _away_from_zero(scalar, rules.capitals, sign=valence)
        if back == 2:
            scalar *= rules.decay_two
        elif back == 3:
            scalar *= rules.decay_three
        return scalar

    def _negate(self, valence: float, lowered: list[str], i: int, back: int) -> float:
        """A negation `back` words before flips and damps; "never so" emphasises."""
        before = lowered[i - back]
        if back > 1 and before in ("never", "without"):
            between = lowered[i - back + 1 : i]
            if before == "never" and not _NEVER_EMPHASIS.isdisjoint(between):
                return valence * self._rules.never_so
            if before == "without" and "doubt" in between:
                return valence
        if before in self._negations or before.endswith("n't"):
            return valence * self._rules.negation
        return valence

    def _special_cases(self, valence: float, lowered: list[str], i: int) -> float:
        if self._window_starts.isdisjoint(lowered[max(0, i - 3) : i + 1]):
            return valence  # every window starts within three words before: most words
        for window in _BEFORE:
            key = self._key(lowered, i, window, self._special_starts)
            if key is not None and key in self._special:
                valence = self._special[key]
                break
        for window in _AROUND:
            key = self._key(lowered, i, window, self._special_starts)
            if key is not None and key in self._special:
                valence = self._special[key]
        for window in _BOOSTER_PAIRS:
            key = self._key(lowered, i, window, self._pair_starts)
            if key is not None and key in self._pairs:
                valence += self._pairs[key]
        return valence

    def _emphasis(self, text: str) -> float:
        """Exclamation marks (up to a cap) and a run of question marks intensify."""
        rules = self._rules
        emphasis = min(text.count("!"), rules.exclamations_counted) * rules.exclamation
        questions = text.count("?")
        if questions > 1:
            emphasis += questions * rules.question if questions <= 3 else rules.questions_cap
        return emphasis

    @staticmethod
    def _key(
        lowered: list[str], i: int, window: tuple[int, ...], starts: frozenset[str]
    ) -> str | None:
        """The words of `window` around `i` as one key, or None when the window does not
        fit or its first word starts no key (most windows: no string is built)."""
        first, last = i + window[0], i + window[-1]
        if first < 0 or last >= len(lowered) or lowered[first] not in starts:
            return None
        return " ".join(lowered[i + offset] for offset in window)


def _after_no(lowered: list[str], i: int) -> bool:
    """ "no" one or two words before, or three before with "or"/"nor" just before."""
    return (
        (i > 0 and lowered[i - 1] == "no")
        or (i > 1 and lowered[i - 2] == "no")
        or (i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor"))
    )


def _away_from_zero(value: float, amount: float, sign: float | None = None) -> float:
    """`value` moved `amount` away from zero, in the direction of `sign` (default: its own)."""
    direction = value if sign is None else sign
    if direction > 0:
        return value + amount
    if direction < 0:
        return value - amount
    return value
