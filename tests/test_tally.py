"""The in-memory tally: what the projector and the tally API count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from scoreboard.models import Reaction
from scoreboard.tally import BUCKET_SECONDS, Tallies, Tally

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
_ids = count(1)


def reaction(
    *,
    label: str = "neutral",
    score: float = 0.0,
    text: str | None = None,
    emoji: str | None = None,
    source: str = "form",
    lang: str | None = None,
    status: str = "visible",
    at: datetime = T0,
    segment: str | None = None,
    pinned: bool = False,
    board_id: int = 1,
) -> Reaction:
    return Reaction(
        id=next(_ids),
        board_id=board_id,
        source=source,
        text=text,
        emoji=emoji,
        lang=lang,
        label=label,
        score=score,
        status=status,
        received_at=at,
        segment=segment,
        pinned=pinned,
    )


def test_counts_by_label_and_total() -> None:
    tally = Tally()
    for label, score in [("positive", 0.8), ("positive", 0.4), ("negative", -0.6), ("neutral", 0)]:
        tally.apply(reaction(label=label, score=score))
    data = tally.as_dict()
    assert (data["total"], data["positive"], data["neutral"], data["negative"]) == (4, 2, 1, 1)


def test_mood_is_the_mean_score() -> None:
    tally = Tally()
    for score in (0.9, 0.3, -0.6):
        tally.apply(reaction(score=score))
    assert tally.as_dict()["mood"] == 0.2


def test_empty_tally_has_zero_mood_and_empty_breakdowns() -> None:
    data = Tally().as_dict()
    assert data["total"] == 0
    assert data["mood"] == 0.0
    assert data["emoji"] == {}
    assert data["timeline"] == []
    assert data["words"] == []


def test_emoji_sources_and_languages_are_counted_most_common_first() -> None:
    tally = Tally()
    tally.apply(reaction(emoji="👏", source="form"))
    tally.apply(reaction(emoji="👏", source="slack", text="great", lang="en"))
    tally.apply(reaction(emoji="❤️", source="slack", text="mooi", lang="nl"))
    tally.apply(reaction(text="super", source="slack", lang="nl"))
    data = tally.as_dict()
    assert data["emoji"] == {"👏": 2, "❤️": 1}
    assert list(data["emoji"]) == ["👏", "❤️"]
    assert data["sources"] == {"slack": 3, "form": 1}
    assert list(data["sources"]) == ["slack", "form"]
    assert data["languages"] == {"nl": 2, "en": 1}


def test_timeline_buckets_by_minute_with_count_and_mean() -> None:
    tally = Tally()
    tally.apply(reaction(score=1.0, at=T0 + timedelta(seconds=5)))
    tally.apply(reaction(score=0.0, at=T0 + timedelta(seconds=59)))
    tally.apply(reaction(score=-0.5, at=T0 + timedelta(seconds=BUCKET_SECONDS * 2 + 1)))
    timeline = tally.as_dict()["timeline"]
    assert timeline == [
        {"t": "2026-05-04T10:00:00Z", "count": 2, "mood": 0.5},
        {"t": "2026-05-04T10:02:00Z", "count": 1, "mood": -0.5},
    ]


def test_timeline_is_in_time_order_whatever_the_arrival_order() -> None:
    tally = Tally()
    tally.apply(reaction(at=T0 + timedelta(minutes=3)))
    tally.apply(reaction(at=T0))
    times = [point["t"] for point in tally.as_dict()["timeline"]]
    assert times == sorted(times)


def test_naive_times_from_sqlite_count_as_utc() -> None:
    tally = Tally()
    tally.apply(reaction(at=datetime(2026, 5, 4, 10, 0, 30)))
    assert tally.as_dict()["timeline"][0]["t"] == "2026-05-04T10:00:00Z"


def test_segments_are_counted_in_the_order_they_started() -> None:
    tally = Tally()
    tally.apply(reaction(segment="Intro", score=0.5))
    tally.apply(reaction(segment="Demo", score=-1.0))
    tally.apply(reaction(segment="Intro", score=0.1))
    tally.apply(reaction(segment=None))
    assert tally.as_dict()["segments"] == [
        {"label": "Intro", "count": 2, "mood": 0.3},
        {"label": "Demo", "count": 1, "mood": -1.0},
    ]


def test_words_are_counted_without_stop_words_or_the_boards_tags() -> None:
    tally = Tally(ignore_words=frozenset({"pycon"}))
    tally.apply(reaction(text="the demo was great"))
    tally.apply(reaction(text="great demo at pycon"))
    tally.apply(reaction(text="great"))
    words = tally.as_dict()["words"]
    assert words == [{"word": "great", "count": 3}, {"word": "demo", "count": 2}]


def test_tallies_ignore_the_board_hashtags_given_when_first_asked() -> None:
    tallies = Tallies()
    tallies.for_board(7, ["PyCon"])
    tallies.apply([reaction(board_id=7, text="pycon keynote")])
    assert tallies.for_board(7).as_dict()["words"] == [{"word": "keynote", "count": 1}]


def test_tallies_keep_boards_apart() -> None:
    tallies = Tallies()
    tallies.apply([reaction(board_id=1), reaction(board_id=1), reaction(board_id=2)])
    assert tallies.for_board(1).as_dict()["total"] == 2
    assert tallies.for_board(2).as_dict()["total"] == 1


def test_recent_is_newest_first() -> None:
    tally = Tally()
    first, second = reaction(text="first one"), reaction(text="second one")
    tally.apply(first)
    tally.apply(second)
    assert [item["id"] for item in tally.recent] == [second.id, first.id]
    assert tally.recent[0]["text"] == "second one"


def test_recent_is_capped_at_recent_size() -> None:
    tally = Tally(recent_size=3)
    made = [reaction(text=f"message {n}") for n in range(10)]
    for item in made:
        tally.apply(item)
    assert [item["id"] for item in tally.recent] == [r.id for r in reversed(made[-3:])]
    assert tally.as_dict()["total"] == 10


def test_pure_taps_are_counted_but_not_listed_in_recent() -> None:
    tally = Tally()
    tally.apply(reaction(emoji="👏"))
    assert tally.as_dict()["emoji"] == {"👏": 1}
    assert list(tally.recent) == []


def test_apply_minus_one_takes_a_reaction_back_out() -> None:
    tally = Tally()
    kept = reaction(label="positive", score=0.5, text="lovely demo", emoji="👏", lang="en")
    gone = reaction(
        label="negative",
        score=-0.9,
        text="boring slides",
        emoji="👎",
        source="slack",
        lang="nl",
        segment="Demo",
        at=T0 + timedelta(minutes=5),
    )
    tally.apply(kept)
    before = tally.as_dict()
    tally.apply(gone)
    tally.apply(gone, -1)
    assert tally.as_dict() == before
    assert "boring" not in {w["word"] for w in tally.as_dict()["words"]}
    assert tally.as_dict()["segments"] == []


def test_apply_minus_one_removes_the_reaction_from_recent() -> None:
    tally = Tally()
    kept, gone = reaction(text="keep me"), reaction(text="remove me")
    tally.apply(kept)
    tally.apply(gone)
    tally.apply(gone, -1)
    assert [item["id"] for item in tally.recent] == [kept.id]


def test_held_and_hidden_reactions_are_never_counted() -> None:
    tally = Tally()
    for status in ("held", "hidden"):
        tally.apply(reaction(status=status, text="secret insult", emoji="👎", score=-1.0))
    data = tally.as_dict()
    assert data["total"] == 0
    assert data["emoji"] == {}
    assert data["words"] == []
    assert data["timeline"] == []
    assert list(tally.recent) == []


def test_taking_out_a_held_reaction_changes_nothing() -> None:
    tally = Tally()
    tally.apply(reaction(text="shown"))
    before = tally.as_dict()
    tally.apply(reaction(status="held", text="never shown"), -1)
    assert tally.as_dict() == before


def test_a_pinned_reaction_is_shown_until_taken_out() -> None:
    tally = Tally()
    pinned = reaction(text="question for later", pinned=True)
    tally.apply(pinned)
    tally.apply(reaction(text="another"))
    shown = tally.as_dict()["pinned"]
    assert shown is not None
    assert shown["id"] == pinned.id
    assert shown["text"] == "question for later"
    tally.apply(pinned, -1)
    assert tally.as_dict()["pinned"] is None


def test_a_newer_pin_replaces_the_older_one() -> None:
    tally = Tally()
    old, new = reaction(text="old", pinned=True), reaction(text="new", pinned=True)
    tally.apply(old)
    tally.apply(new)
    pinned = tally.as_dict()["pinned"]
    assert pinned is not None
    assert pinned["id"] == new.id


def test_a_held_pinned_reaction_is_never_shown() -> None:
    tally = Tally()
    tally.apply(reaction(text="held pin", pinned=True, status="held"))
    assert tally.as_dict()["pinned"] is None


def test_pin_follows_an_organisers_pin_and_unpin() -> None:
    tally = Tally()
    message = reaction(text="good question")
    tally.apply(message)
    message.pinned = True
    tally.pin(message)
    pinned = tally.as_dict()["pinned"]
    assert pinned is not None
    assert pinned["id"] == message.id
    message.pinned = False
    tally.pin(message)
    assert tally.as_dict()["pinned"] is None


def test_unpin_clears_the_pin_only_for_the_given_ids() -> None:
    tally = Tally()
    message = reaction(text="pinned", pinned=True)
    tally.apply(message)
    assert message.id is not None
    tally.unpin([message.id + 1])
    assert tally.as_dict()["pinned"] is not None
    tally.unpin([message.id])
    assert tally.as_dict()["pinned"] is None
