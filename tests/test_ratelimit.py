"""Token buckets: a burst, then a steady rate; other keys are not affected."""

from __future__ import annotations

import pytest

from scoreboard import ratelimit
from scoreboard.ratelimit import RateLimiter


def test_a_burst_is_allowed_then_the_rate_applies() -> None:
    limiter = RateLimiter(per_minute=30, burst=3)
    assert [limiter.retry_after("phone", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.retry_after("phone", now=100.0)
    assert wait == 2.0  # 30 a minute: one token every two seconds
    assert limiter.retry_after("phone", now=102.0) == 0.0


def test_keys_do_not_share_a_bucket() -> None:
    limiter = RateLimiter(per_minute=6, burst=1)
    assert limiter.retry_after("a", now=0.0) == 0.0
    assert limiter.retry_after("a", now=0.0) > 0
    assert limiter.retry_after("b", now=0.0) == 0.0


def test_zero_turns_limiting_off() -> None:
    limiter = RateLimiter(per_minute=0)
    assert not limiter.enabled
    assert all(limiter.retry_after("x") == 0.0 for _ in range(1000))


def test_refilled_buckets_are_forgotten_when_there_are_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "MAX_KEYS", 3)
    limiter = RateLimiter(per_minute=60, burst=2)
    for n in range(3):
        limiter.retry_after(f"k{n}", now=0.0)
    limiter.retry_after("late", now=100.0)
    assert "k0" not in limiter
    assert "late" in limiter
