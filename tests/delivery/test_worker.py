"""The outbox worker against a real database and a scripted gateway, on a virtual clock."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Hamkari
from bot.console.fake_api import FakeBotApi
from bot.db.engine import UnitOfWorkFactory
from bot.db.migrate import upgrade_to_head
from bot.delivery.gateway import RateLimited, Rejected, Transient, Unreachable
from bot.delivery.worker import DeliveryWorker
from bot.domain.delivery import LEASE, MAX_ATTEMPTS, Delivery, DeliveryStatus, Priority, message
from tests.conftest import make_settings

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Clock:
    """Monotonic seconds and wall time that move only when the worker sleeps (or a test says)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # like a real sleep, let the sends already started run now
        self.seconds += seconds


class ScriptedGateway:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, int, str]] = []
        self.failures: dict[str, list[BaseException]] = {}
        self.hang_after: int | None = None

    async def send(self, chat_id, payload) -> None:
        if self.hang_after is not None and len(self.sent) >= self.hang_after:
            await asyncio.Event().wait()  # until cancelled
        queued = self.failures.get(payload["text"])
        if queued:
            raise queued.pop(0)
        self.sent.append((self.clock.seconds, chat_id, payload["text"]))


@pytest.fixture
async def setup(engine):
    await upgrade_to_head(engine)
    clock = Clock()
    gateway = ScriptedGateway(clock)
    uow_factory = UnitOfWorkFactory(engine)
    worker = DeliveryWorker(uow_factory, gateway, clock=clock.monotonic, now=clock.now,
                            sleep=clock.sleep)
    return uow_factory, clock, gateway, worker


async def enqueue(uow_factory, *deliveries: Delivery, now: datetime = START) -> list[bool]:
    async with uow_factory() as uow:
        return [await uow.deliveries.enqueue(d, now) for d in deliveries]


def notice(key: str, chat_id: int = 1, priority: Priority = Priority.NOTICE) -> Delivery:
    return Delivery(key=key, chat_id=chat_id, payload=message(key), priority=priority)


async def statuses(uow_factory, prefix: str = "") -> dict[DeliveryStatus, int]:
    async with uow_factory() as uow:
        return await uow.deliveries.counts(prefix)


async def test_the_same_key_is_queued_and_sent_once(setup):
    uow_factory, _clock, gateway, worker = setup
    assert await enqueue(uow_factory, notice("a"), notice("a")) == [True, False]
    assert await enqueue(uow_factory, notice("a")) == [False]
    await worker.drain()
    assert [text for *_, text in gateway.sent] == ["a"]
    assert await statuses(uow_factory) == {DeliveryStatus.SENT: 1}


async def test_a_notice_goes_before_a_long_broadcast(setup):
    uow_factory, _clock, gateway, worker = setup
    await enqueue(uow_factory, *[notice(f"b{i}", chat_id=100 + i, priority=Priority.BROADCAST)
                                 for i in range(120)])
    await enqueue(uow_factory, notice("reminder", chat_id=7, priority=Priority.REMINDER))
    await worker.drain()
    assert gateway.sent[0][2] == "reminder" and len(gateway.sent) == 121


async def test_limits_per_chat_and_overall(setup):
    uow_factory, _clock, gateway, worker = setup
    await enqueue(uow_factory, *[notice(f"p{i}", chat_id=5) for i in range(3)],
                  *[notice(f"g{i}", chat_id=-500) for i in range(3)],
                  *[notice(f"m{i}", chat_id=1000 + i) for i in range(90)])
    await worker.drain()
    times = {text: at for at, _chat, text in gateway.sent}
    gap = 1e-9  # float addition on the virtual clock
    assert times["p1"] - times["p0"] >= 1.0 - gap and times["p2"] - times["p1"] >= 1.0 - gap
    assert times["g1"] - times["g0"] >= 3.0 - gap and times["g2"] - times["g1"] >= 3.0 - gap
    elapsed = max(times.values()) - min(times.values())
    assert len(gateway.sent) / elapsed <= 30.5  # about 30 a second overall, never more


async def test_blocked_users_are_marked_unreachable_and_not_retried(setup):
    uow_factory, _clock, gateway, worker = setup
    gateway.failures["x"] = [Unreachable()]
    gateway.failures["bad"] = [Rejected()]
    await enqueue(uow_factory, notice("x"), notice("bad", chat_id=2), notice("ok", chat_id=3))
    await worker.drain()
    assert await statuses(uow_factory) == {DeliveryStatus.UNREACHABLE: 1, DeliveryStatus.FAILED: 1,
                                           DeliveryStatus.SENT: 1}


async def test_a_429_pauses_everything_for_retry_after_then_sends(setup):
    uow_factory, clock, gateway, worker = setup
    gateway.failures["first"] = [RateLimited(7)]
    await enqueue(uow_factory, notice("first", chat_id=1), notice("second", chat_id=2))
    await worker.drain()
    clock.seconds += 7  # "first" is due again 7 s after its 429 (it may already have gone)
    await worker.drain()
    assert [text for *_, text in gateway.sent] == ["second", "first"]
    assert gateway.sent[0][0] >= 7 and gateway.sent[1][0] >= 7  # nothing went during the pause
    assert await statuses(uow_factory) == {DeliveryStatus.SENT: 2}


async def test_timeouts_are_retried_with_backoff_then_recorded_as_failed(setup):
    uow_factory, clock, gateway, worker = setup
    gateway.failures["flaky"] = [Transient(), Transient()]
    gateway.failures["dead"] = [Transient() for _ in range(MAX_ATTEMPTS)]
    await enqueue(uow_factory, notice("flaky"), notice("dead", chat_id=2))
    for _ in range(MAX_ATTEMPTS + 1):
        await worker.drain()
        clock.seconds += 301  # past the longest backoff
    assert [text for *_, text in gateway.sent] == ["flaky"]
    assert await statuses(uow_factory) == {DeliveryStatus.SENT: 1, DeliveryStatus.FAILED: 1}


async def test_a_crash_in_the_middle_of_a_broadcast_loses_nothing_and_repeats_nothing(setup):
    uow_factory, clock, gateway, worker = setup
    await enqueue(uow_factory, *[notice(f"n{i}", chat_id=100 + i, priority=Priority.BROADCAST)
                                 for i in range(40)])
    gateway.hang_after = 15  # the 16th send never returns: the process dies there
    dying = asyncio.create_task(worker.drain())
    while (await statuses(uow_factory, "n")).get(DeliveryStatus.SENT, 0) < 15:  # noqa: ASYNC110 - polling the database is the point
        await asyncio.sleep(0.01)
    dying.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    gateway.hang_after = None
    # a new process: its worker finds the rows the dead one had claimed once their lease ends
    restarted = DeliveryWorker(uow_factory, gateway, clock=clock.monotonic, now=clock.now,
                               sleep=clock.sleep)
    await restarted.drain()
    before_lease = [text for *_, text in gateway.sent]
    assert len(before_lease) < 40 and len(set(before_lease)) == len(before_lease)
    clock.seconds += LEASE.total_seconds() + 1
    await restarted.drain()
    texts = [text for *_, text in gateway.sent]
    assert sorted(texts) == sorted(f"n{i}" for i in range(40)) and len(set(texts)) == 40
    assert await statuses(uow_factory) == {DeliveryStatus.SENT: 40}


async def test_two_workers_share_a_broadcast_without_duplicates(setup, engine):
    """On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED: two instances never take the
    same row. (SQLite serves one instance; there the test shows the same through its locking.)"""
    uow_factory, clock, gateway, _worker = setup
    await enqueue(uow_factory, *[notice(f"s{i}", chat_id=100 + i, priority=Priority.BROADCAST)
                                 for i in range(200)])
    workers = [DeliveryWorker(UnitOfWorkFactory(engine), gateway, batch=20, clock=clock.monotonic,
                              now=clock.now, sleep=clock.sleep) for _ in range(2)]
    await asyncio.gather(*(worker.drain() for worker in workers))
    texts = [text for *_, text in gateway.sent]
    assert len(texts) == 200 and len(set(texts)) == 200
    if engine.dialect.name == "postgresql":
        assert all(worker.sent for worker in workers)  # both took part


@pytest.mark.parametrize(("code", "description", "error"), [
    (403, "Forbidden: bot was blocked by the user", Unreachable),
    (400, "Bad Request: chat not found", Unreachable),
    (400, "Bad Request: message text is empty", Rejected),
    (429, "Too Many Requests: retry after 5", RateLimited),
])
async def test_the_telegram_gateway_maps_bot_api_errors(code, description, error):
    from telegram import Bot

    from bot.tg.gateway import TelegramGateway

    api = FakeBotApi()
    bot = Bot("123456789:AAtesttoken", request=api, get_updates_request=api)
    await bot.initialize()
    api.fail_next("sendMessage", code, description, retry_after=5 if code == 429 else None)
    with pytest.raises(error) as caught:
        await TelegramGateway(bot).send(42, message("hello", [[("OK", "x:1")]]))
    if code == 429:
        assert caught.value.retry_after == 5
    await TelegramGateway(bot).send(42, message("hello", [[("OK", "x:1")]]))
    assert api.last_message(42)["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "x:1"


async def test_the_telegram_gateway_sends_and_stops_polls_and_replies():
    from telegram import Bot

    from bot.domain.delivery import poll_question, replying, stop_poll
    from bot.tg.gateway import TelegramGateway

    api = FakeBotApi()
    bot = Bot("123456789:AAtesttoken", request=api, get_updates_request=api)
    await bot.initialize()
    gateway = TelegramGateway(bot)
    sent = await gateway.send(42, poll_question(7, "Which day?", ("Sat", "Sun"), False, True))
    [call] = [c for c in api.calls if c.method == "sendPoll"]
    assert call.params["is_anonymous"] is False and call.params["allows_multiple_answers"] is True
    assert sent.poll_id == api.poll_of(42)["poll"]["id"] and sent.message_id
    assert await gateway.send(42, stop_poll(sent.message_id)) is None
    assert api.poll_of(42)["poll"]["is_closed"] is True
    with pytest.raises(Rejected):  # stopping it again: Telegram refuses, retrying cannot help
        api.fail_next("stopPoll", 400, "Bad Request: poll has already been closed")
        await gateway.send(42, stop_poll(sent.message_id))
    reply = await gateway.send(42, replying(message("answer, please"), sent.message_id))
    assert api.sent()[-1]["reply_parameters"]["message_id"] == sent.message_id
    assert reply.message_id and reply.poll_id is None


async def test_the_outbox_sends_without_ptbs_rate_limiter_so_a_429_reaches_the_worker(engine):
    """PTB's AIORateLimiter (on for replies in production) used to sit under the worker too: it
    slept and retried a 429 itself, and the worker's paced sends bunched up behind it."""
    api = FakeBotApi()
    hamkari = Hamkari(make_settings(), request=api, engine=engine, rate_limited=True)
    await hamkari.application.initialize()
    await hamkari.prepare()
    bot_data = hamkari.application.bot_data
    async with bot_data.uow_factory() as uow:
        await uow.deliveries.enqueue(Delivery(key="k", chat_id=42, payload=message("hi")),
                                     datetime.now(UTC))
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 30", retry_after=30)
    await bot_data.delivery.run_once()  # with the limiter this slept 30 s and retried inside
    async with bot_data.uow_factory() as uow:
        counts = await uow.deliveries.counts("k")
    assert counts == {DeliveryStatus.PENDING: 1}  # the worker saw the 429 and rescheduled it
    await hamkari.application.shutdown()


async def test_a_stall_with_sends_in_flight_is_waited_out_once_more(setup):
    """After the event loop stalled, the delayed requests reach Telegram together with the next
    ones; the worker then waits the lateness out again so that second keeps its share. An idle
    worker (nothing in flight) owes nothing."""
    _uow_factory, clock, _gateway, worker = setup
    interval = worker.interval
    await worker._pace(1)
    worker._in_flight = 3
    clock.seconds = 0.5  # the loop stalled for half a second with three requests out
    await worker._pace(2)
    assert worker._next_send == pytest.approx(0.5 + interval + (0.5 - interval))
    worker._in_flight = 0
    clock.seconds = 10.0  # idle: nothing was delayed
    await worker._pace(3)
    assert worker._next_send == pytest.approx(10.0 + interval)
