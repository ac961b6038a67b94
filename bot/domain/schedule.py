"""Reminders as rows: each meeting and deadline writes its reminders (and its own start or due
moment) into the ``reminders`` table when it is created or moved. A tick (bot/scheduler) takes
the due rows and queues their messages in the outbox in the same transaction that marks them
done, so a restart neither loses one nor sends one twice. Pure rules live here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.domain.entities import CoordinationBody, Organisation, User

ZONES = {"AF": "Asia/Kabul", "TJ": "Asia/Dushanbe"}
# Zones a user may choose in /settings besides their body's: neighbours and the diaspora.
USER_ZONES = ("Asia/Kabul", "Asia/Dushanbe", "Asia/Tehran", "Asia/Tashkent", "Asia/Karachi",
              "Asia/Dubai", "Europe/Istanbul", "Europe/Berlin", "Europe/London",
              "America/New_York", "UTC")

MEETING_OFFSETS = (10080, 1440, 180, 60, 15)  # minutes before: 1 week, 1 day, 3 h, 1 h, 15 min
DEFAULT_MEETING_OFFSETS = (1440, 60)
DEADLINE_OFFSETS = (30, 14, 7, 3, 1, 0)  # days before; 0 = on the day
DEFAULT_DEADLINE_OFFSETS = (14, 3, 1, 0)
DEADLINE_REMINDER_HOUR = time(9, 0)  # deadline reminders go out at 9:00 in the body's zone


def zone_of(body: CoordinationBody | None) -> str:
    """A body's time zone follows its country; registry-wide deadlines use Kabul's."""
    return ZONES.get(body.country if body else "AF", "Asia/Kabul")


def at_local(day: date, clock: time, zone: str) -> datetime:
    """The moment ``day`` ``clock`` in ``zone`` (zoneinfo even where there is no daylight saving:
    zones do change their offsets by law)."""
    return datetime.combine(day, clock, ZoneInfo(zone))


class ReminderKind(StrEnum):
    MEETING = "meeting"  # before a meeting, to invitees who did not decline
    MEETING_START = "start"  # the meeting begins: answers close, the next occurrence is made
    DEADLINE = "deadline"  # before a deadline, to organisations that have not submitted
    DEADLINE_DUE = "due"  # the deadline passed: one overdue notice, the next occurrence
    POLL_CLOSE = "poll_close"  # a poll's closing time: stop it, send the results


class Outcome(StrEnum):
    SENT = "sent"
    DROPPED = "dropped"  # too late to be useful (the meeting had started)
    SUPERSEDED = "superseded"  # a nearer reminder of the same thing was due as well, and went
    CANCELLED = "cancelled"  # its meeting or deadline was cancelled or moved
    DONE = "done"  # start and due rows: their work was done
    FAILED = "failed"  # raised an error: set aside (and logged) so it does not hold up the rest


@dataclass(slots=True)
class Reminder:
    id: int | None
    kind: ReminderKind
    target_id: int
    offset: int  # minutes (meetings) or days (deadlines) before; 0 for start and due rows
    due_at: datetime
    done_at: datetime | None = None
    outcome: Outcome | None = None
    queued: int = 0  # messages queued (or, when dropped, that would have been)


def latest_due(reminders: Iterable[Reminder], now: datetime) -> dict[tuple[ReminderKind, int],
                                                                      Reminder]:
    """Per meeting or deadline, the nearest reminder among those due now: when the bot was
    stopped through two of them, the nearer one says everything the earlier one would have."""
    nearest: dict[tuple[ReminderKind, int], Reminder] = {}
    for reminder in reminders:
        if reminder.due_at <= now and reminder.kind in {ReminderKind.MEETING,
                                                        ReminderKind.DEADLINE}:
            key = (reminder.kind, reminder.target_id)
            if key not in nearest or reminder.due_at > nearest[key].due_at:
                nearest[key] = reminder
    return nearest


class Texts(Protocol):
    """Renders each scheduled message in its recipient's language and zone (implemented by the
    Telegram layer); returns outbox payloads."""

    def meeting(self, purpose: str, user: User, body: CoordinationBody, meeting: Any,
                answer: str | None) -> dict[str, Any]:
        """purpose: invitation, reminder, moved, cancelled, minutes."""
        ...

    def deadline(self, purpose: str, user: User, body: CoordinationBody | None, deadline: Any,
                 organisation: Organisation) -> dict[str, Any]:
        """purpose: new, reminder, nudge, overdue."""
        ...
