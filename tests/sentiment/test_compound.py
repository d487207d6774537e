"""The direct compound scorer answers what VADER's own analyzer answers, to the digit."""

from __future__ import annotations

import random

import pytest

from scoreboard.sentiment import english
from scoreboard.sentiment.compound import Compound


def vader_raw(text: str) -> float:
    """What raw_valence answered before the direct scorer: the full analyzer's."""
    if not text.strip():
        return 0.0
    return english.to_raw(english.analyzer().polarity_scores(text)["compound"])


@pytest.mark.parametrize(
    "text",
    [
        "great talk",
        "not great",  # negation one word before
        "not a great talk",  # two before
        "isn't really that great",  # "n't", three before, a booster between
        "it mayn't be good",  # any word ending in "n't" negates, listed or not
        "never so good",  # "never so": emphasis instead of negation
        "never this good",
        "never was so good",
        "without doubt good",  # "without doubt": no negation
        "without any doubt good",
        "no good",  # "no" before a sentiment word
        "no problem",
        "no bugs or problems",
        "good at least",
        "least good",  # "least" damps and flips
        "at least good",
        "very least good",
        "very good",  # boosters, decaying with distance
        "very very very good",
        "kind of good",  # a two-word booster
        "sort of a bad demo",
        "just enough good",
        "kind",
        "VERY good talk",  # capitals among lower case
        "GOOD talk",
        "GOOD TALK",  # all capitals: no emphasis
        "NOT GOOD but GREAT",
        "good but boring",  # what follows "but" weighs more
        "boring but good but bad",
        "good!",
        "good!!!!!!",  # capped
        "bad??",
        "bad????",
        "good?",
        "the bomb",  # special cases
        "yeah right, great",
        "this talk is to die for",
        "kiss of death for the demo",
        "bad ass demo",
        ":) nice",  # an emoticon is a lexicon entry with its punctuation
        ":),",  # pure punctuation keeps the entry it starts with
        "(super) demo!!",
        "#bad",
        "love love love",
        "no",
        "",
        "   ",
        "!!!",
        "don\u2019t like it",  # a phone's apostrophe
        "can\u2019t stand it",  # and a multiword phrase: the full analyzer
        "caf\u00e9 was great, na\u00efve demo",
        "great \u00a9 talk",  # a character an emoji of VADER's starts with
        "\u0130yi g\u00fcnler, great",
        "I'm fed up",
        "break a leg",
    ],
)
def test_rules_match_the_analyzer(text: str) -> None:
    assert english.raw_valence(text) == vader_raw(text)


def _vocabulary() -> list[str]:
    full = english.analyzer()
    lexicon = sorted(full.lexicon)
    phrase_words = [w for key in [*full.special_cases, *full.booster] for w in key.split()]
    idiom_words = [w for key in [*full.multiword, *full.idioms] for w in key.split()][::3]
    return [
        *lexicon[::11],
        *(word.upper() for word in lexicon[::97]),
        *sorted(full.negations),
        *phrase_words,
        *idiom_words,
        *"but least at very no or nor never so this without doubt the a talk demo".split(),
        *["!!!", "??", "?", "!", ":)", ":-(", "...", "GREAT", "NOT", "BUT", "(good)", "bad!!"],
        *["don\u2019t", "isn\u2018t", "won\u02bct", "n't", "caf\u00e9"],
        *["\u00a9", "\u2122", "\u2014", "\u2764"],
    ]


def test_generated_texts_match_the_analyzer() -> None:
    """Thousands of texts mixing lexicon words, boosters, negations, special cases,
    phrases, capitals, punctuation and non-ASCII characters (seeded: the same every run)."""
    rng = random.Random(20261129)
    words = _vocabulary()
    special = sorted(english.analyzer().special_cases)
    endings = ["", "!", "!!", "?", "??", "???", "?????", " ."]
    texts = []
    for _ in range(30_000):
        text = [rng.choice(words) for _ in range(rng.randint(0, 10))]
        if rng.random() < 0.25:
            at = rng.randint(0, len(text))
            text[at:at] = rng.choice(special).split()
        texts.append(" ".join(text) + rng.choice(endings))
    mismatches = [t for t in texts if english.raw_valence(t) != vader_raw(t)]
    assert mismatches == []
    assert sum(1 for t in texts if vader_raw(t)) > 20_000  # most of them carry sentiment


def test_the_scorer_takes_the_analyzers_own_words() -> None:
    """An organiser's word list (english_words) reaches the direct scorer too."""
    scorer = Compound(english.analyzer())
    banger = scorer("what a banger")
    assert banger is not None
    assert banger > 0.3  # SLANG: plain VADER does not know the word
    assert scorer("kill the process") == 0.0  # NEUTRAL: plain VADER reads violence


def test_a_phrase_word_as_a_token_is_left_to_the_analyzer() -> None:
    """Phrases match whole tokens: the word as a token means "ask VADER", the same
    letters inside a longer token do not."""
    scorer = Compound(english.analyzer(), phrase_words={"fed"})
    assert scorer("I'm fed up") is None
    assert scorer("so FED, up") is None  # tokens are compared lower-cased, punctuation off
    assert scorer("great talk, well fed") is None
    assert (
        scorer("great talk about fedora")
        == english.analyzer().polarity_scores("great talk about fedora")["compound"]
    )
