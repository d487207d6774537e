"""Taking a message apart: the quick checks before each pass change no result."""

from __future__ import annotations

import random
import re

import pytest

from scoreboard.sentiment import tokens
from scoreboard.sentiment.emoji import EMOTICONS, split_emoji
from scoreboard.sentiment.tokens import Parts, split


def every_pass(text: str, ignore_tags: frozenset[str] = frozenset()) -> Parts:
    """The definition `split` keeps: each regex pass over every text, words lowered one
    by one."""
    text = tokens._CONTROL.sub(" ", text[: tokens.MAX_CHARS])
    text = tokens._URL.sub(" ", text)
    text = tokens._TAG.sub(" ", text)
    text, emoji = split_emoji(text)
    emoticons = tuple(tokens._EMOTICON.findall(text))
    if ignore_tags:
        text = tokens._drop_words(text, ignore_tags)
    bare = tokens._EMOTICON.sub(" ", text) if emoticons else text
    words = tuple(w.lower() for w in tokens._WORD.findall(bare))
    return Parts(text=text, emoji=emoji, emoticons=emoticons, words=words)


@pytest.mark.parametrize("emoticon", sorted(set(EMOTICONS) - {":@"}))
def test_every_emoticon_is_found(emoticon: str) -> None:
    assert split(f"nice talk {emoticon}").emoticons == (emoticon,)
    assert split(f"{emoticon} nice talk").emoticons == (emoticon,)


def test_an_at_sign_starts_a_mention_first() -> None:
    """Mentions go before emoticons are looked for, so ":@" is never one (as before)."""
    assert split("nice talk :@").emoticons == () == every_pass("nice talk :@").emoticons


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("GREAT Talk", ("great", "talk")),
        ("great\x07talk\u2028thanks\x85!", ("great", "talk", "thanks")),  # control characters
        ("\u0130stanbul was great", ("i\u0307stanbul", "was", "great")),  # lower-cased, longer
        ("Caf\u00c9 DON\u2019T", ("caf\u00e9", "don\u2019t")),
    ],
)
def test_words_are_lower_case_letters(text: str, words: tuple[str, ...]) -> None:
    assert split(text).words == words


def test_the_quick_checks_change_nothing() -> None:
    """Generated texts with control characters, URLs, tags, emoji, emoticons, capitals and
    non-ASCII letters (seeded: the same every run) split as the unconditional passes do."""
    rng = random.Random(20261129)
    pieces = [
        *"great talk GREAT Talk echt vet niet te volgen don't DON'T caf\u00e9 \u0130yi".split(),
        *":) :-( ;) XD xD <3 </3 =D >:( :P D: x3 :: ; = < D".split(),
        *"\U0001f44f \U0001f525 \u2764\ufe0f \U0001f44d\U0001f3fd".split(),
        "\U0001f469\u200d\U0001f4bb",
        *"#talk @speaker https://x.com/a www.test.nl foo.com/b a.b 3.5 // talk.".split(),
        *["\x00", "\x07", "\t", "\n", "\x85", "\u2028", "\u2029", "\u200b", "\u00a0"],
        *["c50-3-s3", "17", "n't", "it's", "\u2019s", "_", "x_y"],
    ]
    for _ in range(20_000):
        text = rng.choice(["", " ", "-"]).join(
            rng.choice(pieces) for _ in range(rng.randint(0, 12))
        )
        tags = frozenset({"talk"}) if rng.random() < 0.3 else frozenset()
        assert split(text, tags) == every_pass(text, tags), text


def test_a_printable_text_holds_no_control_character() -> None:
    """What lets a printable text skip the control-character pass."""
    pattern = re.compile(tokens._CONTROL.pattern)
    assert all(not chr(cp).isprintable() for cp in range(0x110000) if pattern.match(chr(cp)))
