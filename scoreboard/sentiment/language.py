"""Pick the message's language among the board's languages (py3langid, restricted and cached)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

MIN_WORDS = 3
"""Below this many words n-gram identification is unreliable; vote on known words instead."""
MIN_LETTERS = 12
DECISIVE_MARGIN = 2
"""A longer message with this many more hint words of one language than of any other
is that language without asking the identifier (a third of the scoring time)."""

# Frequent words that tell the two first-class languages apart in short feedback.
_HINTS_EN = """
the a an is was this that it's its great talk awesome amazing nice love loved thanks thank you
good bad boring slides can't cant too fast slow what where when how why who please not no very
really so much nailed sick fire insane wow of and for with are mind blown well done cool lol meh
"""
_HINTS_NL = """
de het een is was dit dat niet geen echt heel erg vet leuk mooi goed gaaf tof top toppie saai
slecht jammer wat waar wanneer hoe waarom wie graag te snel kan beter bedankt dank je jij ik en
van voor met zijn zo lekker mwah kut balen wauw straf gedaan volgen geluid valt weg super chill
onduidelijk
"""
HINTS: dict[str, frozenset[str]] = {
    "en": frozenset(_HINTS_EN.split()),
    "nl": frozenset(_HINTS_NL.split()),
}
_HINT_OF: dict[str, str] = {
    word: lang
    for lang, words in HINTS.items()
    for word in words
    if sum(word in hints for hints in HINTS.values()) == 1
}
"""Each hint word that only one language has ("is", "was" tell nothing), and that
language: one lookup a word."""


def identifier(languages: Iterable[str]) -> Any | None:
    """A py3langid identifier restricted to the supported languages among `languages`.

    One per set of languages, whatever their order: a board of ("nl", "en") shares the
    identifier of ("en", "nl") instead of loading the model again.
    """
    return _identifier(frozenset(languages))


@functools.cache
def _identifier(languages: frozenset[str]) -> Any | None:
    """Built from the model's tables with only these languages' weights.

    py3langid's own `set_languages` keeps the weights of all its languages beside the
    chosen ones: 28 of the 86 MB one identifier cost, on a server whose whole budget at
    2,000 phones is 300 MB. The byte automaton (47 MB) is needed whatever the languages.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import load_model

    weights, priors, labels, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    keep = [i for i, label in enumerate(labels) if label in languages]  # the file's order
    if not keep:
        return None
    return LanguageIdentifier(
        weights[:, keep],
        priors[keep],
        [labels[i] for i in keep],
        nextmove,
        output,
        norm_probs=False,
        tk_row=row,
    )


def _vote(words: Sequence[str], languages: tuple[str, ...]) -> tuple[str | None, int]:
    """The language whose hint words occur most often and by how many more hints than
    the runner-up; (None, 0) on a tie or without hints."""
    counts = {lang: 0 for lang in languages if lang in HINTS}
    if not counts:
        return None, 0
    for word in words:
        lang = _HINT_OF.get(word)
        if lang in counts:
            counts[lang] += 1
    ranked = [*sorted(counts.values(), reverse=True), 0]
    best = ranked[0]
    winners = [lang for lang, n in counts.items() if n == best]
    if not best or len(winners) > 1:
        return None, 0
    return winners[0], best - ranked[1]


@functools.lru_cache(maxsize=64)
def _distinct(languages: tuple[str, ...]) -> tuple[str, ...]:
    """A board's languages in lower case, each once (the same few for every message)."""
    return tuple(dict.fromkeys(lang.lower() for lang in languages))


def detect(words: Sequence[str], languages: Sequence[str]) -> tuple[str | None, bool]:
    """Language of a message among `languages` and whether the choice is reliable.

    No words (emoji only, empty) gives (None, True). Short messages ("vet!", "super talk")
    are decided by hint words, else by the identifier, and are marked unreliable so that the
    caller may try the other languages' lexicons. Longer ones where one language's hint
    words lead by DECISIVE_MARGIN are that language; the others go to the identifier.
    """
    langs = _distinct(tuple(languages))
    if not words or not langs:
        return None, True
    if len(langs) == 1:
        return langs[0], True
    voted, margin = _vote(words, langs)
    short = len(words) < MIN_WORDS or sum(map(len, words)) < MIN_LETTERS
    if short and voted:
        return voted, False
    if voted and margin >= DECISIVE_MARGIN:
        return voted, True
    model = identifier(langs)
    if model is None:
        return voted or langs[0], False
    lang = str(model.classify(" ".join(words))[0])
    if lang not in langs:
        return langs[0], False
    return lang, not short
