from bot.domain.ratelimit import RateLimiter


def test_a_burst_is_allowed_then_the_user_waits_for_the_refill():
    limiter = RateLimiter(capacity=3, period=60)
    assert [limiter.wait_needed(1, 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_needed(1, 0.0) == 20.0  # one token comes back every 20 s
    assert limiter.wait_needed(2, 0.0) == 0.0  # other users are not affected
    assert limiter.wait_needed(1, 19.0) > 0
    assert limiter.wait_needed(1, 20.5) == 0.0


def test_idle_users_are_forgotten():
    limiter = RateLimiter(capacity=1, period=1)
    for user in range(10_001):
        limiter.wait_needed(user, 0.0)
    limiter.wait_needed(99_999, 5.0)
    assert len(limiter._buckets) == 1
