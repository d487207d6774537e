"""Talk-audience corrections to VADER's English lexicon (VADER units, -4..4)."""

from __future__ import annotations

# Slang that VADER reads as negative or does not know, but audiences use as praise.
SLANG: dict[str, float] = {
    "insane": 2.0, "insanely": 0.0, "lit": 2.0, "dope": 2.5,
    "wicked": 1.8, "banger": 3.0, "goat": 2.5, "legend": 2.5, "legendary": 3.0,
    "epic": 2.8, "slick": 2.2, "unreal": 2.2, "mindblowing": 3.0, "bonkers": 1.5,
    "nailed": 2.5, "rocks": 2.5, "rocked": 2.5, "rockstar": 2.8, "kudos": 2.5, "props": 2.0,
    "bravo": 3.0, "wow": 2.8, "woah": 2.0, "whoa": 2.0, "neat": 2.0, "clever": 2.0,
    "insightful": 2.5, "informative": 2.0, "useful": 2.0, "inspiring": 2.8, "engaging": 2.2,
    "underrated": 1.5, "solid": 1.8, "clear": 1.2, "crisp": 1.8, "fun": 2.3, "hilarious": 2.5,
    "meh": -1.5, "boring": -2.2, "bored": -2.0, "snooze": -2.0, "zzz": -2.0, "yawn": -1.8,
    "cringe": -2.2, "cringy": -2.2, "mess": -2.0, "messy": -1.8, "unclear": -1.8,
    "confusing": -1.8, "confused": -1.5, "inaudible": -2.5, "unreadable": -2.5, "muffled": -1.8,
    "laggy": -1.8, "rambling": -2.0, "rushed": -1.8, "monotone": -1.8, "overrated": -1.8,
    "underwhelming": -2.2, "outdated": -1.5, "shallow": -1.5, "blurry": -1.5,
    "mumbling": -1.8, "mumbles": -1.8, "unprepared": -2.0, "typos": -1.2, "jargon": -1.2,
    "buzzwords": -1.2, "slow": -1.2, "genius": 2.8, "goated": 2.5, "practical": 1.5,
    "properly": 1.0,
}  # fmt: skip

# Technical vocabulary that is neutral in a talk ("attack surface", "kill the process").
NEUTRAL: tuple[str, ...] = (
    "attack", "attacks", "attacker", "attackers", "exploit", "exploits", "vulnerability",
    "vulnerabilities", "threat", "threats", "hack", "hacks", "hacker", "hackers", "hacking",
    "kill", "kills", "risk", "risks", "bug", "bugs", "mock", "mocks", "abort", "critical",
)  # fmt: skip

# Dutch feedback words that turn up inside English sentences on a Dutch-speaking board.
BORROWED: dict[str, float] = {
    "gaaf": 2.5, "tof": 2.2, "leuk": 2.0, "mooi": 2.2, "prachtig": 3.0,
    "geweldig": 3.0, "toppie": 2.5, "saai": -2.2, "slecht": -2.3,
    "goed": 1.9, "heel": 0.0, "echt": 0.0, "wauw": 2.8, "kut": -2.5, "balen": -1.8,
    "mwah": -1.0,
}  # fmt: skip
