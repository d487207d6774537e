"""Cross-cutting rules: questions, phrases, intensifiers, laziness and thread safety."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files

from scoreboard.sentiment import score
from scoreboard.sentiment.phrases import load_table


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
