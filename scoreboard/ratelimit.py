"""Token buckets per device and per address, so one phone cannot flood a board.

A device may send a short burst (`burst` reactions at once) and then `per_minute`
reactions a minute. An address gets four times that, since a few people may share
one (a phone hotspot); the rule is in README.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

MAX_KEYS = 50_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, burst: int = 10) -> None:
        self.per_minute = per_minute
        self.capacity = float(max(burst, 1))
        self._rate = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._buckets

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def retry_after(self, key: str, now: float | None = None) -> float:
        """0 when `key` may act now (and takes a token); else seconds to wait."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self._rate

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: they hold no state worth keeping."""
        refill = self.capacity / self._rate
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < refill}
