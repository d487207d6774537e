"""Benchmark Scoreboard's sentiment scorer: accuracy, macro-F1, confusion, latency.

Run from the repository root:  python bench/sentiment.py [--errors] [--vader-tweets PATH]

The development sets live in bench/data/sentiment_dev_{en,nl}.tsv (label, tap emoji, text).
A fixed third of each set is held out: the lines whose "tap<TAB>text" has CRC-32 % 3 == 0 (a
split that does not depend on the order the lines were written in). It is reported, but never
used for tuning (--errors only lists tuning-part mistakes). VADER's 4,200-tweet ground truth is
looked up in --vader-tweets, then $SCOREBOARD_VADER_TWEETS, then
~/.cache/scoreboard/tweets_GroundTruth.txt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoreboard.sentiment import compute, label_for, score, warm_up  # noqa: E402

LABELS = ("positive", "neutral", "negative")
DATA = ROOT / "bench" / "data"
TWEETS_ENV = "SCOREBOARD_VADER_TWEETS"
TWEETS_DEFAULT = Path.home() / ".cache" / "scoreboard" / "tweets_GroundTruth.txt"
TWEETS_HOWTO = f"""VADER tweets not found. To get them (not committed: licence and size):
  pip download --no-deps --no-binary :all: vaderSentiment==3.3.2 -d /tmp/x
  tar xzf /tmp/x/vaderSentiment-3.3.2.tar.gz -C /tmp/x
  tar xzf /tmp/x/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz -C /tmp/x
  then pass --vader-tweets /tmp/x/hutto_ICWSM_2014/tweets_GroundTruth.txt,
  set ${TWEETS_ENV}, or copy it to {TWEETS_DEFAULT}"""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    label: str
    tap: str | None
    text: str


def load_dev(path: Path) -> tuple[list[Example], list[Example]]:
    """Read a development file; return (tuning part, held-out part: CRC-32 of text % 3 == 0)."""
    tuning: list[Example] = []
    held_out: list[Example] = []
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    data = [row for row in rows if not row.startswith("#")]
    for row in data:
        label, tap, text = [*row.split("\t"), "", ""][:3]
        example = Example(label=label, tap=tap or None, text=text)
        is_held_out = zlib.crc32(f"{tap}\t{text}".encode()) % 3 == 0
        (held_out if is_held_out else tuning).append(example)
    return tuning, held_out


def load_tweets(path: Path) -> list[Example]:
    """VADER's tweets: id<TAB>mean rating<TAB>text; >0.05 positive, <-0.05 negative."""
    examples: list[Example] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        rating = float(parts[1])
        label = "positive" if rating > 0.05 else "negative" if rating < -0.05 else "neutral"
        examples.append(Example(label=label, tap=None, text=parts[2]))
    return examples


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of the per-class F1 scores."""
    scores = []
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> str:
    """Confusion matrix as text: rows are gold labels, columns predictions."""
    lines = ["            pred: pos  neu  neg"]
    for g in LABELS:
        counts = [
            sum(x == g and y == p for x, y in zip(gold, predicted, strict=True)) for p in LABELS
        ]
        lines.append(f"    gold {g[:3]}:   " + "".join(f"{c:5d}" for c in counts))
    return "\n".join(lines)


def timed(
    predict: Callable[[Example], str], examples: Sequence[Example]
) -> tuple[list[str], list[float]]:
    """Predict every example, five passes, and return predictions and per-call times (ms)."""
    times: list[float] = []
    predicted: list[str] = []
    for repeat in range(5):
        for example in examples:
            start = time.perf_counter_ns()
            label = predict(example)
            times.append((time.perf_counter_ns() - start) / 1e6)
            if repeat == 0:
                predicted.append(label)
    return predicted, times


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (1..99)."""
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def report(name: str, examples: Sequence[Example], predict: Callable[[Example], str]) -> None:
    """Print accuracy, macro-F1, confusion matrix and latency for one part."""
    predicted, times = timed(predict, examples)
    gold = [e.label for e in examples]
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    f1 = macro_f1(gold, predicted)
    p50, p99 = percentile(times, 50), percentile(times, 99)
    print(
        f"  {name:<28} n={len(gold):<5} accuracy={accuracy:.3f}  macro-F1={f1:.3f}"
        f"  p50={p50:.3f} ms  p99={p99:.3f} ms"
    )
    print(confusion(gold, predicted))


def ours(languages: Sequence[str]) -> Callable[[Example], str]:
    """The project's scorer as a predict function (uncached, so the timing is honest)."""
    return lambda e: compute(e.text, e.tap, tuple(languages)).label


def language_accuracy(examples: Sequence[Example], lang: str) -> float:
    """Share of the messages that have words whose detected language is the file's language."""
    detected = [score(e.text, e.tap).lang for e in examples]
    with_words = [d for d in detected if d is not None]
    return sum(d == lang for d in with_words) / max(1, len(with_words))


def print_errors(examples: Sequence[Example], languages: Sequence[str]) -> None:
    """List the tuning-part mistakes (never the held-out part)."""
    for e in examples:
        result = score(e.text, e.tap, languages)
        if result.label != e.label:
            print(
                f"    {e.label:>8} <- {result.label:<8} {result.score:+.3f} {e.tap or ''} {e.text}"
            )


def plain_vader() -> Callable[[Example], str]:
    """Unmodified vaderSentiment 3.3.2 (the reference implementation)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda e: label_for(analyzer.polarity_scores(e.text)["compound"])


def plain_nltk_vader() -> Callable[[Example], str]:
    """Unmodified nltk-vader-sentiment (the VADER that Scoreboard builds on)."""
    from vader import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda e: label_for(analyzer.polarity_scores(e.text)["compound"])


def tweets_path(option: str | None) -> Path | None:
    """The tweets file from the option, the environment or the default place."""
    for candidate in (option, os.environ.get(TWEETS_ENV), str(TWEETS_DEFAULT)):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def pin_to_one_core() -> None:
    """Measure latency on one core where the OS allows it."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list tuning-part mistakes")
    parser.add_argument("--vader-tweets", help="path to VADER's tweets_GroundTruth.txt")
    args = parser.parse_args(argv)
    pin_to_one_core()
    start = time.perf_counter()
    warm_up()
    print(f"warm_up: {(time.perf_counter() - start) * 1000:.0f} ms")
    for lang in ("en", "nl"):
        tuning, held_out = load_dev(DATA / f"sentiment_dev_{lang}.tsv")
        print(f"\n[{lang}] development set ({len(tuning)} tuning + {len(held_out)} held-out)")
        report("tuning", tuning, ours(("en", "nl")))
        report("held-out", held_out, ours(("en", "nl")))
        print(
            f"  language: {language_accuracy(tuning + held_out, lang):.3f} of messages with words"
        )
        if args.errors:
            print_errors(tuning, ("en", "nl"))
    path = tweets_path(args.vader_tweets)
    if path is None:
        print("\n" + TWEETS_HOWTO)
        return 0
    tweets = load_tweets(path)
    print(f"\n[VADER tweets] {path} ({len(tweets)} tweets)")
    report("plain vaderSentiment 3.3.2", tweets, plain_vader())
    report("plain nltk-vader-sentiment", tweets, plain_nltk_vader())
    report("scoreboard languages=en", tweets, ours(("en",)))
    report("scoreboard languages=en,nl", tweets, ours(("en", "nl")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
