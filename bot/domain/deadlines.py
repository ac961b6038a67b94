"""Reporting deadlines: a body (or, for the whole registry, a platform administrator) sets one,
each organisation marks it submitted, the rest are reminded before it and told once when it has
passed. Each occurrence of a recurring deadline is its own row, made when the previous is due."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.domain import validation
from bot.domain.bodies import get as get_body
from bot.domain.delivery import Delivery, Priority
from bot.domain.entities import Organisation, StaffMember, User
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.permissions import Viewer, administers
from bot.domain.ports import UnitOfWork
from bot.domain.schedule import (
    DEADLINE_REMINDER_HOUR,
    Outcome,
    Reminder,
    ReminderKind,
    Texts,
    at_local,
)

TITLE_MAX = 150


@dataclass(slots=True)
class Deadline:
    id: int | None
    body_id: int | None  # None: every organisation in the registry (platform administrators)
    title: str
    due_date: date  # the last day, in ``time_zone``
    time_zone: str
    created_by: int | None
    created_at: datetime
    frequency: str = "none"  # bot.scheduler.recurrence.Frequency
    calendar: str = "gregorian"
    series_start: date | None = None
    series_id: int | None = None
    reminder_days: tuple[int, ...] = ()  # days before; 0 = on the day
    cancelled_at: datetime | None = None
    nudges: int = 0

    @property
    def due_at(self) -> datetime:
        """The moment it has passed: the end of the due day in its zone."""
        return at_local(self.due_date + timedelta(days=1), datetime.min.time(), self.time_zone)

    @property
    def recurring(self) -> bool:
        return self.frequency != "none"


@dataclass(slots=True, frozen=True)
class Submission:
    organisation_id: int
    user_id: int | None
    submitted_at: datetime


@dataclass(slots=True)
class Compliance:
    submitted: list[tuple[Organisation, Submission]] = field(default_factory=list)
    outstanding: list[Organisation] = field(default_factory=list)


def title(value: str) -> str:
    return validation.text_field("deadline_title", value, TITLE_MAX, minimum=2)


def can_set(viewer: Viewer, body_id: int | None) -> bool:
    """Body admins for their body; platform administrators for any body or the registry."""
    return viewer.is_platform_admin or (body_id is not None and administers(viewer, body_id))


async def get(uow: UnitOfWork, deadline_id: int) -> Deadline:
    deadline = await uow.deadlines.get(deadline_id)
    if deadline is None:
        raise NotFound("deadline", deadline_id)
    return deadline


async def _managed(uow: UnitOfWork, viewer: Viewer, deadline_id: int) -> Deadline:
    deadline = await get(uow, deadline_id)
    if not can_set(viewer, deadline.body_id):
        raise NotAllowed("deadline")
    return deadline


def reminders_for(deadline: Deadline, now: datetime) -> list[Reminder]:
    rows = []
    for days in sorted(set(deadline.reminder_days), reverse=True):
        due = at_local(deadline.due_date - timedelta(days=days), DEADLINE_REMINDER_HOUR,
                       deadline.time_zone)
        if due > now:
            rows.append(Reminder(None, ReminderKind.DEADLINE, deadline.id, days, due))
    rows.append(Reminder(None, ReminderKind.DEADLINE_DUE, deadline.id, 0, deadline.due_at))
    return rows


async def organisations_of(uow: UnitOfWork, deadline: Deadline) -> list[Organisation]:
    """The organisations it applies to now: the body's members, or the whole registry; never
    withdrawn or rejected ones."""
    if deadline.body_id is None:
        found = await uow.organisations.all_active()
    else:
        found = list((await uow.organisations.get_many(
            await uow.bodies.member_ids(deadline.body_id))).values())
    return sorted((o for o in found if not o.status.closed), key=lambda o: o.id)


async def compliance(uow: UnitOfWork, deadline: Deadline) -> Compliance:
    submissions = await uow.deadlines.submissions(deadline.id)
    result = Compliance()
    for organisation in await organisations_of(uow, deadline):
        if organisation.id in submissions:
            result.submitted.append((organisation, submissions[organisation.id]))
        else:
            result.outstanding.append(organisation)
    return result


async def _recipients(uow: UnitOfWork, organisations: list[Organisation]
                      ) -> list[tuple[StaffMember, User]]:
    """Each person of each organisation who can still be reached (a person working for two
    is there twice: each has its own Submitted button)."""
    staff = await uow.staff.of_organisations([o.id for o in organisations])
    users = await uow.users.get_many(sorted({m.user_id for m in staff}))
    return [(member, users[member.user_id]) for member in staff
            if member.user_id in users and users[member.user_id].unreachable_since is None]


async def _queue(uow: UnitOfWork, deadline: Deadline, purpose: str, key: str,
                 organisations: list[Organisation], texts: Texts, now: datetime) -> int:
    """One message per person of each organisation."""
    body = await uow.bodies.get(deadline.body_id) if deadline.body_id else None
    by_id = {o.id: o for o in organisations}
    queued = []
    for member, user in await _recipients(uow, organisations):
        queued.append(Delivery(
            key=f"dl:{deadline.id}:{key}:o{member.organisation_id}:u{user.id}",
            chat_id=user.telegram_user_id,
            payload=texts.deadline(purpose, user, body, deadline, by_id[member.organisation_id]),
            priority=Priority.REMINDER))
    return await uow.deliveries.enqueue_many(queued, now)


async def create(uow: UnitOfWork, viewer: Viewer, deadline: Deadline, texts: Texts,
                 now: datetime) -> tuple[Deadline, int]:
    """Record it with its reminders and tell the organisations it applies to."""
    if not can_set(viewer, deadline.body_id):
        raise NotAllowed("deadline")
    if deadline.body_id is not None:
        await get_body(uow, deadline.body_id)
    if deadline.due_at <= now:
        raise InvalidValue("deadline_date", "in_the_past")
    deadline.title = title(deadline.title)
    deadline = await uow.deadlines.add(deadline)
    await uow.reminders.add_many(reminders_for(deadline, now))
    queued = await _queue(uow, deadline, "new", "new", await organisations_of(uow, deadline), texts, now)
    await uow.audit.record("deadline_set", None, viewer.user_id, now)
    return deadline, queued


async def cancel(uow: UnitOfWork, viewer: Viewer, deadline_id: int, now: datetime) -> Deadline:
    deadline = await _managed(uow, viewer, deadline_id)
    if deadline.cancelled_at is not None:
        raise StaleAction()
    deadline.cancelled_at, deadline.frequency = now, "none"
    await uow.deadlines.save(deadline)
    await uow.reminders.cancel_pending(ReminderKind.DEADLINE, deadline.id, now)
    await uow.reminders.cancel_pending(ReminderKind.DEADLINE_DUE, deadline.id, now)
    return deadline


async def mark(uow: UnitOfWork, viewer: Viewer, deadline_id: int, organisation_id: int,
               submitted: bool, now: datetime) -> Deadline:
    """Any of the organisation's people may mark it submitted (or take that back); its
    reminders stop at once, since they are worked out when due."""
    deadline = await get(uow, deadline_id)
    if viewer.role_in(organisation_id) is None or deadline.cancelled_at is not None:
        raise NotAllowed("submit")
    if organisation_id not in {o.id for o in await organisations_of(uow, deadline)}:
        raise StaleAction()
    if submitted:
        await uow.deadlines.submit(deadline_id, organisation_id, viewer.user_id, now)
    else:
        await uow.deadlines.unsubmit(deadline_id, organisation_id)
    return deadline


async def nudge(uow: UnitOfWork, viewer: Viewer, deadline_id: int, texts: Texts,
                now: datetime) -> tuple[Deadline, int]:
    """One more reminder to the organisations that have not submitted, now."""
    deadline = await _managed(uow, viewer, deadline_id)
    if deadline.cancelled_at is not None:
        raise StaleAction()
    deadline.nudges += 1
    await uow.deadlines.save(deadline)
    outstanding = (await compliance(uow, deadline)).outstanding
    queued = await _queue(uow, deadline, "nudge", f"nudge{deadline.nudges}", outstanding, texts, now)
    return deadline, queued


async def listed(uow: UnitOfWork, viewer: Viewer, now: datetime) -> list[Deadline]:
    """The deadlines this user manages, current ones first."""
    # Platform administrators see every body's and the registry's (None: no filter).
    bodies = None if viewer.is_platform_admin else sorted(viewer.administered_body_ids)
    return await uow.deadlines.of_bodies(bodies, since=now - timedelta(days=90))


async def of_user(uow: UnitOfWork, user: User, now: datetime
                  ) -> list[tuple[Deadline, Organisation, bool]]:
    """(deadline, organisation, submitted) for the user's organisations, upcoming ones."""
    staff = await uow.staff.of_user(user.id)
    organisations = await uow.organisations.get_many([m.organisation_id for m in staff])
    rows = []
    for organisation in organisations.values():
        if organisation.status.closed:
            continue
        bodies = await uow.bodies.bodies_of(organisation.id)
        for deadline in await uow.deadlines.upcoming(bodies, now):
            submitted = organisation.id in await uow.deadlines.submissions(deadline.id)
            rows.append((deadline, organisation, submitted))
    return sorted(rows, key=lambda row: (row[0].due_date, row[0].id, row[1].id))


# -- the scheduler's side ------------------------------------------------------------------------

async def remind(uow: UnitOfWork, reminder: Reminder, texts: Texts, now: datetime
                 ) -> tuple[Outcome, int]:
    deadline = await uow.deadlines.get(reminder.target_id)
    if deadline is None or deadline.cancelled_at is not None:
        return Outcome.CANCELLED, 0
    outstanding = (await compliance(uow, deadline)).outstanding
    if now >= deadline.due_at:
        return Outcome.DROPPED, len(await _recipients(uow, outstanding))
    return Outcome.SENT, await _queue(uow, deadline, "reminder", f"r{reminder.offset}",
                                      outstanding, texts, now)


async def pass_due(uow: UnitOfWork, reminder: Reminder,
                   next_due: Callable[[Deadline], date | None], texts: Texts,
                   now: datetime) -> tuple[int, Deadline | None]:
    """The deadline has passed: one overdue notice to each organisation that did not mark it,
    and the next occurrence of a recurring one (``next_due`` applies the recurrence rule).
    Returns (notices queued, the next one)."""
    deadline = await uow.deadlines.get(reminder.target_id)
    if deadline is None or deadline.cancelled_at is not None:
        return 0, None
    outstanding = (await compliance(uow, deadline)).outstanding
    queued = await _queue(uow, deadline, "overdue", "overdue", outstanding, texts, now)
    following = None
    due_date = next_due(deadline) if deadline.recurring else None
    if due_date is not None:
        following = await uow.deadlines.add(replace(
            deadline, id=None, due_date=due_date, created_at=now, nudges=0,
            series_id=deadline.series_id or deadline.id))
        await uow.reminders.add_many(reminders_for(following, now))
    return queued, following
