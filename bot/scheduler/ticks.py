"""The due-work tick: APScheduler (through PTB's JobQueue, wired in app.py) calls it every few
seconds and at the next due moment. The database is the truth: each tick takes the reminder rows
that are due, queues their messages in the outbox and marks them done in one transaction, so a
restart neither loses one nor sends one twice, and several instances share the work."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import deadlines, meetings, polls
from bot.domain.ports import UnitOfWork, UnitOfWorkFactory
from bot.domain.schedule import Outcome, Reminder, ReminderKind, Texts, latest_due
from bot.scheduler.recurrence import CalendarKind, Frequency, Rule, next_after

log = logging.getLogger(__name__)


def next_date(frequency: str, calendar: str, series_start: date | None, current: date
              ) -> date | None:
    """The occurrence after ``current`` of a series that began on ``series_start``."""
    if frequency == Frequency.NONE or series_start is None:
        return None
    return next_after(Rule(Frequency(frequency), CalendarKind(calendar)), series_start, current)


def next_meeting_start(meeting: meetings.Meeting) -> datetime | None:
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))
    day = next_date(meeting.frequency, meeting.calendar, meeting.series_start, local.date())
    if day is None:
        return None
    return datetime.combine(day, local.time(), ZoneInfo(meeting.time_zone))


def next_deadline_date(deadline: deadlines.Deadline) -> date | None:
    return next_date(deadline.frequency, deadline.calendar, deadline.series_start,
                     deadline.due_date)


class ReminderScheduler:
    def __init__(self, uow_factory: UnitOfWorkFactory, texts: Texts,
                 now: Callable[[], datetime], batch: int = 50) -> None:
        self._uow_factory, self._now, self._batch = uow_factory, now, batch
        self.texts = texts  # handlers render what they queue with the same texts
        self._running = asyncio.Lock()  # the periodic tick and a wake-up never overlap here

    async def tick(self) -> Counter:
        """Work through every due row; returns messages queued per outcome (for logs, the
        bench and tests)."""
        totals: Counter = Counter()
        async with self._running:
            while True:
                now = self._now()
                try:
                    worked = await self._batch_of(now, self._batch, totals)
                except Exception:
                    log.exception("a batch of reminders failed; working them one by one")
                    worked = await self._one_by_one(now, totals)
                if worked < self._batch:
                    break
        if totals:
            log.info("reminders: %s", dict(totals))
        return totals

    async def _batch_of(self, now: datetime, limit: int, totals: Counter) -> int:
        """Claim, work and finish up to ``limit`` due rows in one transaction."""
        found = Counter()
        async with self._uow_factory() as uow:
            due = await uow.reminders.claim_due(now, limit)
            for reminder, (outcome, queued) in zip(
                    due, await self._work(uow, due, now), strict=True):
                await uow.reminders.finish(reminder.id, outcome, queued, now)
                found[outcome.value] += queued
                found[f"{outcome.value}_rows"] += 1
        totals.update(found)  # only what was committed
        return len(due)

    async def _one_by_one(self, now: datetime, totals: Counter) -> int:
        """After a failed batch: each row in its own transaction, and one that fails again is
        set aside as failed, so a single bad row never holds up every other reminder."""
        worked = 0
        for _ in range(self._batch):
            try:
                if not await self._batch_of(now, 1, totals):
                    break
            except Exception:
                async with self._uow_factory() as uow:
                    for reminder in await uow.reminders.claim_due(now, 1):
                        log.exception("reminder %s failed; set aside", reminder.id)
                        await uow.reminders.finish(reminder.id, Outcome.FAILED, 0, now)
                        totals[f"{Outcome.FAILED.value}_rows"] += 1
            worked += 1
        return worked

    async def next_due(self) -> datetime | None:
        async with self._uow_factory() as uow:
            return await uow.reminders.next_due()

    async def _work(self, uow: UnitOfWork, due: list[Reminder], now: datetime
                    ) -> list[tuple[Outcome, int]]:
        nearest = latest_due(due, now)
        results: list[tuple[Outcome, int] | None] = []
        for reminder in due:
            key = (reminder.kind, reminder.target_id)
            if key in nearest and nearest[key] is not reminder:
                results.append(None)  # settled below, by what became of the nearer one
            elif reminder.kind is ReminderKind.MEETING:
                results.append(await meetings.remind(uow, reminder, self.texts, now))
            elif reminder.kind is ReminderKind.DEADLINE:
                results.append(await deadlines.remind(uow, reminder, self.texts, now))
            elif reminder.kind is ReminderKind.POLL_CLOSE:
                results.append(await polls.close_due(uow, reminder, self.texts, now))
            elif reminder.kind is ReminderKind.MEETING_START:
                await meetings.begin(uow, reminder, next_meeting_start, self.texts, now)
                results.append((Outcome.DONE, 0))
            else:
                queued, _ = await deadlines.pass_due(uow, reminder, next_deadline_date,
                                                     self.texts, now)
                results.append((Outcome.DONE, queued))
        # An earlier reminder is superseded only when the nearer one went; when that one was
        # dropped (the meeting had started, the deadline passed) or cancelled, so is this one,
        # and a dropped one counts the messages it would have queued (the same people).
        settled = {(r.kind, r.target_id): result for r, result in zip(due, results, strict=True)
                   if result is not None and nearest.get((r.kind, r.target_id)) is r}
        final = []
        for reminder, result in zip(due, results, strict=True):
            if result is None:
                nearer = settled[(reminder.kind, reminder.target_id)]
                result = (Outcome.SUPERSEDED, 0) if nearer[0] is Outcome.SENT else nearer
            final.append(result)
        return final


TICK_EVERY = timedelta(seconds=20)
