"""Cross-cutting rules: questions, phrases, intensifiers, laziness and thread safety."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import pytest

from scoreboard.sentiment import phrases, score
from scoreboard.sentiment.phrases import load_table

BENCH = Path(__file__).resolve().parents[2] / "bench" / "data"


def test_every_phrase_line_compiles_without_capturing_groups() -> None:
    table = load_table((files("scoreboard.sentiment") / "phrases.tsv").read_text("utf-8"))
    assert len(table) > 50
    for value, pattern in table:
        assert -4.0 <= value <= 4.0
        assert re.compile(pattern).groups == 0, pattern


def test_question_damps_words_but_not_complaints() -> None:
    assert 0 < score("is the demo code good?").score < score("the demo code is good").score
    assert score("why can't i hear anything?").label == "negative"


def test_negated_complaint_phrase_is_not_a_complaint() -> None:
    assert score("not too fast").label != "negative"


def test_pretty_before_a_negative_word_intensifies_it() -> None:
    assert score("pretty boring").label == "negative"
    assert score("pretty good").label == "positive"
    assert score("PRETTY boring demo").label == "negative"  # in any case
    assert score("Pretty dull").label == "negative"


def test_glued_dutch_intensifiers_keep_the_word_polarity() -> None:
    assert score("superinteressant").label == "positive"
    assert score("oersaai").label == "negative"


def test_inflected_dutch_adjectives_are_found() -> None:
    assert score("vette demo").label == "positive"
    assert score("saaie slides").label == "negative"


def test_elongated_words_are_recognised() -> None:
    assert score("gaaaaaf").label == "positive"
    assert score("sooo boooring").label == "negative"


def test_emoticon_letters_are_not_words() -> None:
    result = score(":D")
    assert result.label == "positive"
    assert result.lang is None


def test_concurrent_calls_give_the_same_results_as_sequential_ones() -> None:
    texts = ["great talk", "te snel", "👏", "where is room 2?", "niet leuk", "sick demo"] * 20
    expected = [score(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(score, texts)) == expected


def test_importing_the_seam_loads_no_lexicon_or_model() -> None:
    code = (
        "import sys, scoreboard.sentiment as s; "
        "print(any(m in sys.modules for m in ('vader', 'py3langid', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _sample(items: Any, rng: random.Random) -> str:
    """A random string that `re`'s parse tree `items` (mostly) matches; assertions ignored."""
    out: list[str] = []
    for op, arg in items:
        if op is _parser.LITERAL:
            out.append(chr(arg))
        elif op is _parser.IN:
            kind, value = rng.choice(arg)
            if kind is _parser.LITERAL:
                out.append(chr(value))
            elif kind is _parser.RANGE:
                out.append(chr(rng.randint(*value)))
            else:
                out.append(
                    {_parser.CATEGORY_DIGIT: "7", _parser.CATEGORY_SPACE: " "}.get(value, "a")
                )
        elif op is _parser.BRANCH:
            out.append(_sample(rng.choice(arg[1]), rng))
        elif op is _parser.SUBPATTERN:
            out.append(_sample(arg[3], rng))
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT):
            low, high, body = arg
            out.extend(_sample(body, rng) for _ in range(rng.randint(low, min(high, low + 2))))
    return "".join(out)


def _texts_around_phrases() -> list[str]:
    """Real feedback, plus each phrase sampled from its regex inside other phrases' words."""
    rng = random.Random(7)
    rows = [
        line.split("\t")[-1]
        for path in BENCH.glob("*.tsv")
        for line in path.read_text("utf-8").splitlines()
    ]
    table = load_table((files("scoreboard.sentiment") / "phrases.tsv").read_text("utf-8"))
    samples = [_sample(_parser.parse(pattern).data, rng) for _, pattern in table for _ in range(20)]
    glue = [" ", " ", "  ", ", ", "! ", "?", "'", "-", "", "\n", "’", " not ", " niet "]
    texts = [row.lower() for row in rows]
    for _ in range(20_000):
        parts = rng.choices([*samples, "the", "x", "talk", "demo", "is"], k=rng.randint(1, 4))
        text = "".join(part + rng.choice(glue) for part in parts)
        if rng.random() < 0.3:  # a near miss: one character dropped
            cut = rng.randrange(len(text))
            text = text[:cut] + text[cut + 1 :]
        texts.append(text)
    return texts


def test_first_word_index_finds_exactly_what_the_full_regex_finds() -> None:
    table = phrases.compiled()
    assert table.starts is not None, "a phrases.tsv line turned the first-word index off"
    texts = _texts_around_phrases()
    for text in texts:
        assert table.matches(text) == table.full_matches(text), text
    assert sum(bool(table.full_matches(text)) for text in texts) > len(texts) // 2
    lines = {m.lastindex for text in texts for m in table.regex.finditer(text)}
    assert len(lines) > 0.95 * len(table.values)  # (a line that an earlier one covers never wins)


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("kill(?:ed|ing)? (?:the|that) talk", {"kill", "killed", "killing"}),
        ("game ?changer", {"game", "gamechanger"}),
        ("chef'?s kiss", {"chef's", "chefs"}),
        (r"(?:10|11)/10", {"10", "11"}),
        (r"sick(?=\s*!*\s*$)", {"sick"}),
        (r"too (?:many|much) \w+", {"too"}),
        (r"\w+ talk", None),  # any word
        ("a.b", None),  # any character
        ("(?i:great)", None),  # case-insensitive
        ("(great)", None),  # a group would shift lastindex
        ("x?", None),  # can match nothing
        (r"\s*great", None),  # can start before the word
    ],
)
def test_first_words_of_a_pattern(pattern: str, words: set[str] | None) -> None:
    assert phrases.first_words(pattern) == (None if words is None else frozenset(words))


def test_a_line_without_first_words_falls_back_to_the_full_regex() -> None:
    table = phrases.compile_table(((1.0, "great"), (2.0, r"\w+ talk")))
    assert table.starts is None
    assert table.matches("my talk, great") == [(0, 7, 2.0), (9, 14, 1.0)]


def test_whitespace_is_never_part_of_a_word() -> None:
    """The first-word analysis ends a word at \\s: no \\s character may be [\\w']."""
    spaces = re.findall(r"\s", "".join(map(chr, range(sys.maxunicode + 1))))
    assert spaces
    assert not re.search(r"[\w']", "".join(spaces))
