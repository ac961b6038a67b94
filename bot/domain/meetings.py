"""Coordination meetings: a body admin schedules one (once or recurring), the members' people are
invited through the outbox with Going / Maybe / Can't go, reminded before it, told once when it
moves or is cancelled, and sent the minutes afterwards. Each occurrence of a recurring meeting
is its own row (its own answers, attendance and minutes), made when the previous one starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.domain import validation
from bot.domain.announcements import Audience
from bot.domain.bodies import get as get_body
from bot.domain.delivery import Delivery, Priority
from bot.domain.entities import CoordinationBody, User
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.permissions import Viewer, administers
from bot.domain.ports import UnitOfWork
from bot.domain.schedule import Outcome, Reminder, ReminderKind, Texts

TITLE_MAX = 150
PLACE_MAX = 300
AGENDA_MAX = 1500
MINUTES_MAX = 3000  # the minutes travel as one message with the meeting's name
MINUTES_CAPTION_MAX = 800  # with a document they are its caption (1024)
DURATION = timedelta(hours=2)  # for calendar files; the bot does not ask how long a meeting lasts


class Answer(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


@dataclass(slots=True)
class Meeting:
    id: int | None
    body_id: int
    title: str
    starts_at: datetime  # UTC
    time_zone: str  # the body's zone when it was scheduled
    created_by: int | None
    created_at: datetime
    place: str | None = None  # an address or an online link
    agenda: str | None = None
    audience: Audience = field(default_factory=Audience)
    frequency: str = "none"  # bot.scheduler.recurrence.Frequency
    calendar: str = "gregorian"  # whose months "monthly" counts in
    series_start: date | None = None  # local date of the first occurrence (recurrence anchor)
    series_id: int | None = None  # the first occurrence's id; None for the first itself
    reminder_offsets: tuple[int, ...] = ()  # minutes before
    sequence: int = 0  # times moved, for calendar files
    cancelled_at: datetime | None = None
    minutes_text: str | None = None
    minutes_document: dict[str, str] | None = None
    minutes_sent_at: datetime | None = None

    @property
    def recurring(self) -> bool:
        return self.frequency != "none"

    def started(self, now: datetime) -> bool:
        return now >= self.starts_at


@dataclass(slots=True)
class Invitee:
    meeting_id: int
    user_id: int
    organisation_id: int | None
    answer: Answer | None = None


def title(value: str) -> str:
    return validation.text_field("meeting_title", value, TITLE_MAX, minimum=2)


def place(value: str) -> str:
    return validation.text_field("place", value, PLACE_MAX)


def agenda(value: str) -> str:
    return validation.text_field("agenda", value, AGENDA_MAX, multiline=True)


def minutes_text(value: str, with_document: bool) -> str:
    maximum = MINUTES_CAPTION_MAX if with_document else MINUTES_MAX
    return validation.text_field("minutes", value, maximum, multiline=True)


def can_schedule(viewer: Viewer, body_id: int) -> bool:
    """Meetings speak for the body, like announcements: its own admins."""
    return administers(viewer, body_id)


async def get(uow: UnitOfWork, meeting_id: int) -> Meeting:
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None:
        raise NotFound("meeting", meeting_id)
    return meeting


async def _managed(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await get(uow, meeting_id)
    if not can_schedule(viewer, meeting.body_id):
        raise NotAllowed("meeting")
    return meeting


def reminders_for(meeting: Meeting, now: datetime) -> list[Reminder]:
    """The meeting's reminder rows: one per offset still ahead, and its start."""
    rows = [Reminder(None, ReminderKind.MEETING, meeting.id, offset,
                     meeting.starts_at - timedelta(minutes=offset))
            for offset in sorted(set(meeting.reminder_offsets), reverse=True)
            if meeting.starts_at - timedelta(minutes=offset) > now]
    rows.append(Reminder(None, ReminderKind.MEETING_START, meeting.id, 0, meeting.starts_at))
    return rows


async def invitees_now(uow: UnitOfWork, body: CoordinationBody, audience: Audience
                       ) -> list[tuple[User, int]]:
    """(user, their organisation) for the people of the member organisations in the audience
    who use the bot; once each, with the first of their organisations."""
    organisations = await uow.organisations.get_many(await uow.bodies.member_ids(body.id))
    chosen = sorted(o.id for o in organisations.values()
                    if not o.status.closed and audience.admits(o))
    staff = await uow.staff.of_organisations(chosen)
    first_org: dict[int, int] = {}
    for member in sorted(staff, key=lambda m: m.organisation_id):
        first_org.setdefault(member.user_id, member.organisation_id)
    users = await uow.users.get_many(sorted(first_org))
    return [(users[user_id], first_org[user_id]) for user_id in sorted(users)]


def _key(meeting: Meeting, purpose: str, user: User) -> str:
    return f"mtg:{meeting.id}:{purpose}:u{user.id}"


async def _recipients(uow: UnitOfWork, meeting: Meeting, skip_declined: bool
                      ) -> list[tuple[User, Invitee]]:
    """The invitees who can still be reached (and, with ``skip_declined``, did not decline)."""
    invitees = await uow.meetings.invitees(meeting.id)
    users = await uow.users.get_many([i.user_id for i in invitees])
    return [(users[i.user_id], i) for i in invitees
            if i.user_id in users and users[i.user_id].unreachable_since is None
            and not (skip_declined and i.answer is Answer.NO)]


async def _queue(uow: UnitOfWork, meeting: Meeting, body: CoordinationBody, purpose: str,
                 texts: Texts, now: datetime, skip_declined: bool = False,
                 key: str | None = None) -> int:
    """One message per invitee who can still be reached, in their language; ``key`` (the
    purpose unless given) makes the delivery keys."""
    queued = []
    for user, invitee in await _recipients(uow, meeting, skip_declined):
        answer = invitee.answer.value if invitee.answer else None
        queued.append(Delivery(key=_key(meeting, key or purpose, user),
                               chat_id=user.telegram_user_id,
                               payload=texts.meeting(purpose, user, body, meeting, answer),
                               priority=Priority.REMINDER))
    return await uow.deliveries.enqueue_many(queued, now)


async def _invite(uow: UnitOfWork, meeting: Meeting, body: CoordinationBody, texts: Texts,
                  now: datetime) -> int:
    people = await invitees_now(uow, body, meeting.audience)
    await uow.meetings.add_invitees([Invitee(meeting.id, user.id, org) for user, org in people])
    await uow.reminders.add_many(reminders_for(meeting, now))
    return await _queue(uow, meeting, body, "invitation", texts, now)


async def schedule(uow: UnitOfWork, viewer: Viewer, meeting: Meeting, texts: Texts,
                   now: datetime) -> tuple[Meeting, int]:
    """Record the meeting, its invitees and reminders, and queue the invitations, in one
    transaction. Returns the meeting and the number of invitations queued."""
    if not can_schedule(viewer, meeting.body_id):
        raise NotAllowed("meeting")
    if meeting.starts_at <= now:
        raise InvalidValue("meeting_start", "in_the_past")
    body = await get_body(uow, meeting.body_id)
    meeting.title = title(meeting.title)
    meeting = await uow.meetings.add(meeting)
    queued = await _invite(uow, meeting, body, texts, now)
    await uow.audit.record("meeting_scheduled", None, viewer.user_id, now)
    return meeting, queued


async def respond(uow: UnitOfWork, user: User, meeting_id: int, answer: Answer, now: datetime
                  ) -> Meeting:
    """An invitee's answer; it may change until the meeting starts."""
    meeting = await get(uow, meeting_id)
    invitee = await uow.meetings.invitee(meeting_id, user.id)
    if invitee is None or meeting.cancelled_at is not None:
        raise StaleAction()
    if meeting.started(now):
        raise InvalidValue("rsvp", "started")
    await uow.meetings.set_answer(meeting_id, user.id, answer, now)
    return meeting


async def reschedule(uow: UnitOfWork, viewer: Viewer, meeting_id: int, starts_at: datetime,
                     texts: Texts, now: datetime) -> tuple[Meeting, int]:
    """Move one occurrence: its reminders follow it and every invitee is told once."""
    meeting = await _managed(uow, viewer, meeting_id)
    if meeting.cancelled_at is not None or meeting.started(now):
        raise StaleAction()
    if starts_at <= now:
        raise InvalidValue("meeting_start", "in_the_past")
    meeting.starts_at, meeting.sequence = starts_at, meeting.sequence + 1
    await uow.meetings.save(meeting)
    await uow.reminders.cancel_pending(ReminderKind.MEETING, meeting.id, now)
    await uow.reminders.cancel_pending(ReminderKind.MEETING_START, meeting.id, now)
    await uow.reminders.add_many(reminders_for(meeting, now))
    body = await get_body(uow, meeting.body_id)
    queued = await _queue(uow, meeting, body, f"moved{meeting.sequence}", texts, now)
    return meeting, queued


async def cancel(uow: UnitOfWork, viewer: Viewer, meeting_id: int, texts: Texts,
                 now: datetime, *, whole_series: bool = False) -> tuple[Meeting, int]:
    """Cancel one occurrence (a recurring meeting goes on, unless ``whole_series``)."""
    meeting = await _managed(uow, viewer, meeting_id)
    if meeting.cancelled_at is not None or meeting.started(now):
        raise StaleAction()
    meeting.cancelled_at = now
    if whole_series:
        meeting.frequency = "none"
    await uow.meetings.save(meeting)
    await uow.reminders.cancel_pending(ReminderKind.MEETING, meeting.id, now)
    body = await get_body(uow, meeting.body_id)
    queued = await _queue(uow, meeting, body, "cancelled", texts, now)
    return meeting, queued


async def stop_repeating(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> Meeting:
    """This occurrence still takes place; no more are made after it."""
    meeting = await _managed(uow, viewer, meeting_id)
    meeting.frequency = "none"
    await uow.meetings.save(meeting)
    return meeting


async def send_minutes(uow: UnitOfWork, viewer: Viewer, meeting_id: int, text: str | None,
                       document: dict[str, str] | None, texts: Texts, now: datetime
                       ) -> tuple[Meeting, int]:
    """The minutes or decisions, kept with the meeting and sent to every invitee once."""
    meeting = await _managed(uow, viewer, meeting_id)
    if not meeting.started(now) or meeting.cancelled_at is not None:
        raise StaleAction()
    if meeting.minutes_sent_at is not None:
        raise StaleAction()
    if not text and not document:
        raise InvalidValue("minutes", "too_short", minimum=1)
    meeting.minutes_text = minutes_text(text, bool(document)) if text else None
    meeting.minutes_document, meeting.minutes_sent_at = document, now
    await uow.meetings.save(meeting)
    body = await get_body(uow, meeting.body_id)
    queued = await _queue(uow, meeting, body, "minutes", texts, now)
    return meeting, queued


async def toggle_attended(uow: UnitOfWork, viewer: Viewer, meeting_id: int,
                          organisation_id: int, now: datetime) -> bool:
    """Mark a member organisation present, or no longer present; returns whether it is now.
    Only members can be marked present; one that has left since can still be unmarked."""
    meeting = await _managed(uow, viewer, meeting_id)
    if not meeting.started(now) or meeting.cancelled_at is not None:
        raise StaleAction()
    present = organisation_id not in await uow.meetings.attended(meeting_id)
    if present and not await uow.bodies.is_member(meeting.body_id, organisation_id):
        raise StaleAction()
    await uow.meetings.set_attended(meeting_id, organisation_id, present)
    return present


@dataclass(slots=True)
class Answers:
    """Who answered what, by organisation (ids to names are the view's business)."""

    counts: dict[str | None, int]  # Answer value or None (no answer yet) -> people
    by_organisation: dict[int | None, list[tuple[User, Answer | None]]]


async def answers(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> Answers:
    meeting = await _managed(uow, viewer, meeting_id)
    invitees = await uow.meetings.invitees(meeting.id)
    users = await uow.users.get_many([i.user_id for i in invitees])
    counts: dict[str | None, int] = {a.value: 0 for a in Answer} | {None: 0}
    grouped: dict[int | None, list[tuple[User, Answer | None]]] = {}
    for invitee in invitees:
        counts[invitee.answer.value if invitee.answer else None] += 1
        if invitee.user_id in users:
            grouped.setdefault(invitee.organisation_id, []).append(
                (users[invitee.user_id], invitee.answer))
    return Answers(counts, grouped)


async def of_body(uow: UnitOfWork, viewer: Viewer, body_id: int, now: datetime
                  ) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of a body, for its admins and the people of its members."""
    if not (can_schedule(viewer, body_id) or viewer.is_platform_admin
            or await _belongs(uow, viewer, body_id)):
        raise NotAllowed("meeting")
    return (await uow.meetings.upcoming_of_body(body_id, now),
            await uow.meetings.past_of_body(body_id, now, 20))


async def _belongs(uow: UnitOfWork, viewer: Viewer, body_id: int) -> bool:
    members = set(await uow.bodies.member_ids(body_id))
    return bool(members & set(viewer.roles))


async def may_read(uow: UnitOfWork, viewer: Viewer, meeting: Meeting) -> bool:
    """The meeting's details and minutes: its body's admins and members' people, and invitees."""
    return (can_schedule(viewer, meeting.body_id) or viewer.is_platform_admin
            or await _belongs(uow, viewer, meeting.body_id)
            or await uow.meetings.invitee(meeting.id, viewer.user_id) is not None)


async def readable(uow: UnitOfWork, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await get(uow, meeting_id)
    if not await may_read(uow, viewer, meeting):
        raise NotAllowed("meeting")
    return meeting


# -- the scheduler's side ------------------------------------------------------------------------

async def remind(uow: UnitOfWork, reminder: Reminder, texts: Texts, now: datetime
                 ) -> tuple[Outcome, int]:
    """A reminder row came due: queue it to those who did not decline, unless the meeting has
    started (dropped and counted) or was cancelled."""
    meeting = await uow.meetings.get(reminder.target_id)
    if meeting is None or meeting.cancelled_at is not None:
        return Outcome.CANCELLED, 0
    body = await uow.bodies.get(meeting.body_id)
    if meeting.started(now) or body is None:
        return Outcome.DROPPED, len(await _recipients(uow, meeting, skip_declined=True))
    # A moved meeting is reminded again at its new time: its keys are not the old time's.
    key = f"r{reminder.offset}" + (f"m{meeting.sequence}" if meeting.sequence else "")
    queued = await _queue(uow, meeting, body, f"r{reminder.offset}", texts, now,
                          skip_declined=True, key=key)
    return Outcome.SENT, queued


async def begin(uow: UnitOfWork, reminder: Reminder,
                next_start: Callable[[Meeting], datetime | None], texts: Texts,
                now: datetime) -> Meeting | None:
    """The meeting starts: a recurring one gets its next occurrence (``next_start`` applies the
    recurrence rule, which the scheduler knows), whose invitations go out now. Returns it."""
    meeting = await uow.meetings.get(reminder.target_id)
    if meeting is None or not meeting.recurring:
        return None
    starts_at = next_start(meeting)
    if starts_at is None:
        return None
    body = await uow.bodies.get(meeting.body_id)
    if body is None:
        return None
    following = replace(meeting, id=None, starts_at=starts_at, created_at=now,
                        series_id=meeting.series_id or meeting.id, sequence=0,
                        cancelled_at=None, minutes_text=None, minutes_document=None,
                        minutes_sent_at=None)
    following = await uow.meetings.add(following)
    await _invite(uow, following, body, texts, now)
    return following


def calendar_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@hamkari"


def summary_of(meeting: Meeting) -> dict[str, Any]:
    """What a calendar file needs."""
    return {"uid": calendar_uid(meeting), "title": meeting.title, "starts_at": meeting.starts_at,
            "ends_at": meeting.starts_at + DURATION, "location": meeting.place,
            "description": meeting.agenda, "sequence": meeting.sequence,
            "cancelled": meeting.cancelled_at is not None}
