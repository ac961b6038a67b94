"""Sends queued deliveries within Telegram's limits.

About 30 messages a second overall, one a second to a private chat, 20 a minute to a group.
A 429 pauses all sending for ``retry_after``; a 403 marks the row unreachable; other failures
are retried with backoff, then recorded as failed. Each outcome is committed on its own, so a
crash loses nothing: rows claimed but not finished are claimed again when their lease ends.
The few messages in flight at the moment of a crash (sends overlap) may be sent again; Telegram
offers no way to ask whether a message arrived.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.delivery.gateway import Gateway, RateLimited, Rejected, Sent, Transient, Unreachable
from bot.domain import polls
from bot.domain.delivery import MAX_ATTEMPTS, Delivery, DeliveryStatus, retry_delay
from bot.domain.ports import UnitOfWorkFactory

PRIVATE_INTERVAL = 1.0  # seconds between messages to one private chat
GROUP_INTERVAL = 3.0  # 20 a minute to one group


def _now() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    def __init__(self, uow_factory: UnitOfWorkFactory, gateway: Gateway, per_second: float = 30.0,
                 batch: int = 30, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = _now,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._uow_factory, self._gateway, self._sleep = uow_factory, gateway, sleep
        # 2% under the limit: Telegram counts in windows, and a message exactly on the boundary
        # of one would be the 31st.
        self.interval = 1.02 / per_second
        self._batch = batch
        self._clock, self._now = clock, now
        self._next_send = 0.0  # global pacing
        self._next_for_chat: dict[int, float] = {}
        self._turn = asyncio.Lock()
        self._in_flight = 0  # requests sent and not yet answered
        self.sent = 0

    async def run_once(self) -> int:
        """Claim one batch of due rows and try each; returns how many were claimed."""
        async with self._uow_factory() as uow:
            batch = await uow.deliveries.claim(self._now(), self._batch)
        # Sends overlap, so a slow round trip or commit does not lower the rate; each one waits
        # its turn (in order: the lock is fair) right before its request goes out, so the
        # requests leave evenly spaced however the event loop schedules the tasks.
        in_flight = [asyncio.create_task(self._send(delivery)) for delivery in batch]
        try:
            await asyncio.gather(*in_flight)
        except BaseException:
            for task in in_flight:  # stopping (or a bug): the rest stays leased, sent later
                task.cancel()
            raise
        return len(batch)

    async def drain(self) -> None:
        """Until nothing is due now (tests, the console)."""
        while await self.run_once():
            pass

    async def run_forever(self, idle: float = 1.0) -> None:
        while True:
            if not await self.run_once():
                await asyncio.sleep(idle)

    async def _pace(self, chat_id: int) -> None:
        now = self._clock()
        for_chat = self._next_for_chat.get(chat_id, 0.0)
        ready = max(self._next_send, for_chat)
        if ready > now:
            await self._sleep(ready - now)
            now = max(ready, self._clock())  # a sleep can overshoot: schedule from the real time
        # A turn that comes late while other sends are in flight means the event loop stalled:
        # the requests delayed by the stall reach Telegram together with the next ones, and that
        # second would count more than the limit (measured: 61 429s in 10,000 through the whole
        # bot). The lateness is waited out once more, so each second keeps its share.
        late = now - self._next_send
        pay_back = (late if self._in_flight and late > self.interval / 2
                    and for_chat <= self._next_send else 0.0)
        self._next_send = now + self.interval + min(pay_back, 1.0)
        self._next_for_chat[chat_id] = now + (PRIVATE_INTERVAL if chat_id > 0 else GROUP_INTERVAL)
        if len(self._next_for_chat) > 50_000:  # forget chats whose pause is long over
            self._next_for_chat = {c: t for c, t in self._next_for_chat.items() if t > now}

    async def _send(self, delivery: Delivery) -> None:
        async with self._turn:
            await self._pace(delivery.chat_id)
        try:
            self._in_flight += 1
            try:
                sent = await self._gateway.send(delivery.chat_id, delivery.payload)
            finally:
                self._in_flight -= 1
        except RateLimited as error:
            # Everything waits; the row keeps its attempts: being told to slow down is no failure.
            self._next_send = self._clock() + error.retry_after
            await self._retry(delivery, delivery.attempts, timedelta(seconds=error.retry_after),
                              error.code)
        except (Unreachable, Rejected) as error:
            status = (DeliveryStatus.UNREACHABLE if isinstance(error, Unreachable)
                      else DeliveryStatus.FAILED)
            await self._finish(delivery, status, error.code)
        except Transient as error:
            attempts = delivery.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                await self._finish(delivery, DeliveryStatus.FAILED, error.code)
            else:
                await self._retry(delivery, attempts, retry_delay(attempts), error.code)
        else:
            self.sent += 1
            await self._finish(delivery, DeliveryStatus.SENT, None, sent)

    async def _retry(self, delivery: Delivery, attempts: int, delay: timedelta, code: str) -> None:
        async with self._uow_factory() as uow:
            await uow.deliveries.retry_later(delivery.id, attempts, self._now() + delay, code)

    async def _finish(self, delivery: Delivery, status: DeliveryStatus, error: str | None,
                      sent: Sent | None = None) -> None:
        async with self._uow_factory() as uow:
            await uow.deliveries.finish(delivery.id, status, self._now(), error)
            if sent is not None and sent.poll_id is not None:
                # Answers arrive by Telegram's poll id, and closing needs the message: both are
                # kept in the same transaction that marks the poll sent.
                await polls.record_sent(uow, delivery.payload["poll"]["id"], delivery.chat_id,
                                        sent.message_id, sent.poll_id, self._now())
            if status is DeliveryStatus.UNREACHABLE and delivery.chat_id > 0:
                # Blocked: later broadcasts skip them (and count them) until they write again.
                await uow.users.mark_unreachable(delivery.chat_id, self._now())
