"""Per-user token buckets: lookups are limited so the registry cannot be scraped."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    """``capacity`` requests at once, refilled at ``capacity`` per ``period`` seconds."""

    capacity: int
    period: float
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)  # key -> (tokens, at)

    def wait_needed(self, key: int, now: float) -> float:
        """0 when the request may go ahead (and is counted); otherwise seconds to wait."""
        rate = self.capacity / self.period
        tokens, at = self._buckets.get(key, (float(self.capacity), now))
        tokens = min(float(self.capacity), tokens + (now - at) * rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            self._forget_idle(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / rate

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: users whose bucket has refilled need no entry."""
        if len(self._buckets) > 10_000:
            self._buckets = {key: (tokens, at) for key, (tokens, at) in self._buckets.items()
                             if now - at < self.period}
