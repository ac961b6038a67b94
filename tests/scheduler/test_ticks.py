"""Meetings, deadlines and the reminder tick against a real database, on a clock the test moves.

The world: one coordination body in Afghanistan (Asia/Kabul, UTC+4:30) with three member
organisations. A has two people (a1, a2), B one reachable person (b1) and one who blocked the
bot (b_gone), C one person (c1). Messages are rendered by a fake Texts as
"purpose|user id|meeting or deadline id|...", so keys and recipients can be checked exactly.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import DeliveryRow, ReminderRow
from bot.domain import deadlines, meetings
from bot.domain.deadlines import Deadline
from bot.domain.entities import (
    CoordinationBody,
    Organisation,
    OrgStatus,
    Profile,
    Role,
    StaffMember,
    User,
    Visibility,
)
from bot.domain.errors import StaleAction
from bot.domain.meetings import Answer, Meeting
from bot.domain.permissions import Viewer
from bot.domain.schedule import Outcome, ReminderKind
from bot.scheduler.ticks import ReminderScheduler

KABUL = ZoneInfo("Asia/Kabul")
CREATED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
MONDAY_10 = datetime(2026, 3, 16, 10, 0, tzinfo=KABUL)  # 05:30 UTC
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)


class Clock:
    """The scheduler's wall clock; tests set ``now``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeTexts:
    def meeting(self, purpose, user, body, meeting, answer):
        return {"text": f"{purpose}|{user.id}|{meeting.id}|{answer}", "buttons": []}

    def deadline(self, purpose, user, body, deadline, organisation):
        return {"text": f"{purpose}|{user.id}|{deadline.id}|{organisation.id}", "buttons": []}


class World:
    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self.factory = factory
        self.clock = Clock(CREATED)
        self.texts = FakeTexts()
        self.scheduler = ReminderScheduler(factory, self.texts, self.clock)
        self.body: CoordinationBody
        self.admin: Viewer
        self.orgs: dict[str, int] = {}
        self.users: dict[str, User] = {}

    def uid(self, name: str) -> int:
        return self.users[name].id

    async def tick_at(self, moment: datetime) -> Counter:
        self.clock.now = moment
        return await self.scheduler.tick()


@pytest.fixture
async def world(engine) -> World:
    await upgrade_to_head(engine)
    world = World(UnitOfWorkFactory(engine))
    async with world.factory() as uow:
        world.body = await uow.bodies.add(CoordinationBody(None, "Balkh CSO Network", "AF"), CREATED)
        admin = await uow.users.add(User(None, 900, "en", CREATED))
        await uow.bodies.add_admin(world.body.id, admin.id)
        world.admin = Viewer(user_id=admin.id, administered_body_ids=frozenset({world.body.id}))
        people = {"A": ("a1", "a2"), "B": ("b1", "b_gone"), "C": ("c1",)}
        for number, (name, staff) in enumerate(people.items(), start=1):
            organisation = await uow.organisations.add(Organisation(
                None, Profile(name=f"Organisation {name}", kind="ngo", country="AF"),
                OrgStatus.VERIFIED, Visibility.PUBLIC, CREATED))
            world.orgs[name] = organisation.id
            await uow.bodies.add_member(world.body.id, organisation.id, CREATED)
            for index, person in enumerate(staff):
                user = await uow.users.add(User(None, 1000 * number + index, "en", CREATED))
                await uow.staff.add(StaffMember(organisation.id, user.id,
                                                Role.OWNER if index == 0 else Role.MEMBER))
                world.users[person] = user
        world.users["b_gone"].unreachable_since = CREATED
        await uow.users.save(world.users["b_gone"])
    return world


async def schedule(world: World, starts_at: datetime = MONDAY_10, offsets=(1440, 60),
                   frequency: str = "none") -> Meeting:
    meeting = Meeting(None, world.body.id, "Coordination meeting", starts_at.astimezone(UTC),
                      "Asia/Kabul", world.admin.user_id, world.clock.now, frequency=frequency,
                      series_start=starts_at.date(), reminder_offsets=offsets)
    async with world.factory() as uow:
        meeting, queued = await meetings.schedule(uow, world.admin, meeting, world.texts,
                                                  world.clock.now)
    assert queued == 4  # a1, a2, b1, c1: b_gone blocked the bot
    return meeting


async def answer(world: World, person: str, meeting_id: int, value: Answer) -> None:
    async with world.factory() as uow:
        await meetings.respond(uow, world.users[person], meeting_id, value, world.clock.now)


async def queued(world: World, prefix: str) -> dict[str, str]:
    """Key -> text of the outbox rows whose key starts with ``prefix``."""
    async with world.factory() as uow:
        rows = await uow.session.execute(select(DeliveryRow.key, DeliveryRow.payload)
                                         .where(DeliveryRow.key.startswith(prefix)))
        return {key: payload["text"] for key, payload in rows}


async def outbox_size(world: World) -> int:
    return len(await queued(world, ""))


async def reminder_rows(world: World, kind: ReminderKind, target_id: int
                        ) -> list[tuple[int, datetime, str | None, int]]:
    """(offset, due_at, outcome, queued) of a meeting's or deadline's rows, earliest first."""
    async with world.factory() as uow:
        rows = await uow.session.execute(
            select(ReminderRow.offset, ReminderRow.due_at, ReminderRow.outcome, ReminderRow.queued)
            .where(ReminderRow.kind == kind.value, ReminderRow.target_id == target_id)
            .order_by(ReminderRow.due_at, ReminderRow.id))
        return [tuple(row) for row in rows]


def keys(prefix: str, *user_ids: int) -> set[str]:
    return {f"{prefix}:u{user_id}" for user_id in user_ids}


# -- meetings -------------------------------------------------------------------------------------

async def test_a_reminder_goes_once_to_each_invitee_who_did_not_decline(world):
    meeting = await schedule(world)
    await answer(world, "c1", meeting.id, Answer.NO)
    await answer(world, "a2", meeting.id, Answer.MAYBE)
    a1, a2, b1, c1 = (world.uid(p) for p in ("a1", "a2", "b1", "c1"))
    assert set(await queued(world, f"mtg:{meeting.id}:invitation:")) == keys(
        f"mtg:{meeting.id}:invitation", a1, a2, b1, c1)

    assert await world.tick_at(MONDAY_10 - DAY - timedelta(seconds=1)) == Counter()
    assert await world.tick_at(MONDAY_10 - DAY) == Counter(sent=3, sent_rows=1)
    reminders = await queued(world, f"mtg:{meeting.id}:r1440:")
    assert reminders == {f"mtg:{meeting.id}:r1440:u{a1}": f"r1440|{a1}|{meeting.id}|None",
                         f"mtg:{meeting.id}:r1440:u{a2}": f"r1440|{a2}|{meeting.id}|maybe",
                         f"mtg:{meeting.id}:r1440:u{b1}": f"r1440|{b1}|{meeting.id}|None"}

    assert await world.tick_at(MONDAY_10 - DAY + MINUTE) == Counter()
    assert await outbox_size(world) == 4 + 3
    assert await reminder_rows(world, ReminderKind.MEETING, meeting.id) == [
        (1440, MONDAY_10 - DAY, Outcome.SENT, 3), (60, MONDAY_10 - HOUR, None, 0)]


async def test_a_restarted_scheduler_sends_nothing_twice(world):
    meeting = await schedule(world)
    assert await world.tick_at(MONDAY_10 - DAY) == Counter(sent=4, sent_rows=1)

    restarted = ReminderScheduler(world.factory, world.texts, world.clock)  # same time, same db
    assert await restarted.tick() == Counter()
    assert await outbox_size(world) == 4 + 4

    world.clock.now = MONDAY_10 - HOUR
    assert await restarted.tick() == Counter(sent=4, sent_rows=1)
    assert await world.scheduler.tick() == Counter()
    assert len(await queued(world, f"mtg:{meeting.id}:r60:")) == 4
    assert await restarted.next_due() == MONDAY_10  # the start row is all that is left


async def test_after_a_stop_through_both_reminders_only_the_nearer_goes(world):
    meeting = await schedule(world)
    await answer(world, "c1", meeting.id, Answer.NO)
    assert await world.tick_at(MONDAY_10 - 2 * DAY) == Counter()

    assert await world.tick_at(MONDAY_10 - 30 * MINUTE) == Counter(
        sent=3, sent_rows=1, superseded_rows=1)
    assert await queued(world, f"mtg:{meeting.id}:r1440:") == {}
    assert set(await queued(world, f"mtg:{meeting.id}:r60:")) == keys(
        f"mtg:{meeting.id}:r60", world.uid("a1"), world.uid("a2"), world.uid("b1"))
    assert await reminder_rows(world, ReminderKind.MEETING, meeting.id) == [
        (1440, MONDAY_10 - DAY, Outcome.SUPERSEDED, 0), (60, MONDAY_10 - HOUR, Outcome.SENT, 3)]


async def test_reminders_missed_until_the_meeting_started_are_dropped_and_counted(world):
    meeting = await schedule(world)
    await answer(world, "c1", meeting.id, Answer.NO)
    assert await world.tick_at(MONDAY_10 - 2 * DAY) == Counter()

    # Both reminders would have reached a1, a2 and b1; neither is of use any more.
    assert await world.tick_at(MONDAY_10 + MINUTE) == Counter(
        dropped=6, dropped_rows=2, done=0, done_rows=1)
    assert await queued(world, f"mtg:{meeting.id}:r") == {}
    assert await reminder_rows(world, ReminderKind.MEETING, meeting.id) == [
        (1440, MONDAY_10 - DAY, Outcome.DROPPED, 3), (60, MONDAY_10 - HOUR, Outcome.DROPPED, 3)]
    assert await reminder_rows(world, ReminderKind.MEETING_START, meeting.id) == [
        (0, MONDAY_10, Outcome.DONE, 0)]
    assert await outbox_size(world) == 4  # the invitations only


async def test_cancelling_stops_the_reminders_and_tells_each_invitee_once(world):
    meeting = await schedule(world)
    await answer(world, "c1", meeting.id, Answer.NO)
    assert await world.tick_at(MONDAY_10 - DAY) == Counter(sent=3, sent_rows=1)

    world.clock.now = MONDAY_10 - 2 * HOUR
    async with world.factory() as uow:
        _, told = await meetings.cancel(uow, world.admin, meeting.id, world.texts, world.clock.now)
    assert told == 4  # those who declined hear of it too
    with pytest.raises(StaleAction):
        async with world.factory() as uow:
            await meetings.cancel(uow, world.admin, meeting.id, world.texts, world.clock.now)
    a1, a2, b1, c1 = (world.uid(p) for p in ("a1", "a2", "b1", "c1"))
    assert await queued(world, f"mtg:{meeting.id}:cancelled:") == {
        f"mtg:{meeting.id}:cancelled:u{user}": f"cancelled|{user}|{meeting.id}|{reply}"
        for user, reply in ((a1, None), (a2, None), (b1, None), (c1, "no"))}
    assert await reminder_rows(world, ReminderKind.MEETING, meeting.id) == [
        (1440, MONDAY_10 - DAY, Outcome.SENT, 3), (60, MONDAY_10 - HOUR, Outcome.CANCELLED, 0)]

    assert await world.tick_at(MONDAY_10 - HOUR) == Counter()
    assert await world.tick_at(MONDAY_10) == Counter(done=0, done_rows=1)  # not recurring
    assert await queued(world, f"mtg:{meeting.id}:r60:") == {}
    assert await outbox_size(world) == 4 + 3 + 4


async def test_a_moved_meeting_is_reminded_at_its_new_time(world):
    meeting = await schedule(world)
    assert await world.tick_at(MONDAY_10 - DAY) == Counter(sent=4, sent_rows=1)

    moved_to = MONDAY_10 + 2 * DAY + 4 * HOUR  # Wednesday 14:00
    world.clock.now = MONDAY_10 - 2 * HOUR
    async with world.factory() as uow:
        moved, told = await meetings.reschedule(uow, world.admin, meeting.id,
                                                moved_to.astimezone(UTC), world.texts, world.clock.now)
    assert (told, moved.sequence, moved.starts_at) == (4, 1, moved_to)
    a1, a2, b1, c1 = (world.uid(p) for p in ("a1", "a2", "b1", "c1"))
    assert set(await queued(world, f"mtg:{meeting.id}:moved")) == keys(
        f"mtg:{meeting.id}:moved1", a1, a2, b1, c1)
    assert await reminder_rows(world, ReminderKind.MEETING, meeting.id) == [
        (1440, MONDAY_10 - DAY, Outcome.SENT, 4), (60, MONDAY_10 - HOUR, Outcome.CANCELLED, 0),
        (1440, moved_to - DAY, None, 0), (60, moved_to - HOUR, None, 0)]
    assert await reminder_rows(world, ReminderKind.MEETING_START, meeting.id) == [
        (0, MONDAY_10, Outcome.CANCELLED, 0), (0, moved_to, None, 0)]

    assert await world.tick_at(MONDAY_10 + MINUTE) == Counter()  # the old times pass quietly
    # The day-before reminder of the new time goes out, although one went for the old time.
    assert await world.tick_at(moved_to - DAY) == Counter(sent=4, sent_rows=1)
    assert set(await queued(world, f"mtg:{meeting.id}:r1440")) == keys(
        f"mtg:{meeting.id}:r1440", a1, a2, b1, c1) | keys(f"mtg:{meeting.id}:r1440m1", a1, a2, b1, c1)
    assert await world.tick_at(moved_to - HOUR) == Counter(sent=4, sent_rows=1)
    assert await world.tick_at(moved_to) == Counter(done=0, done_rows=1)
    assert await outbox_size(world) == 4 + 4 + 4 + 4 + 4


async def test_a_weekly_meeting_makes_its_next_occurrence_when_it_starts(world):
    first = await schedule(world, frequency="weekly")
    await answer(world, "c1", first.id, Answer.NO)
    assert await world.tick_at(MONDAY_10 - DAY) == Counter(sent=3, sent_rows=1)
    assert await world.tick_at(MONDAY_10 - HOUR) == Counter(sent=3, sent_rows=1)
    assert await world.tick_at(MONDAY_10) == Counter(done=0, done_rows=1)

    async with world.factory() as uow:
        upcoming = await uow.meetings.upcoming_of_body(world.body.id, world.clock.now)
    assert len(upcoming) == 1
    second = upcoming[0]
    next_monday = datetime(2026, 3, 23, 10, 0, tzinfo=KABUL)
    assert (second.starts_at, second.series_id, second.series_start, second.frequency) == (
        next_monday, first.id, date(2026, 3, 16), "weekly")
    assert second.starts_at.astimezone(KABUL).time() == MONDAY_10.time()
    a1, a2, b1, c1 = (world.uid(p) for p in ("a1", "a2", "b1", "c1"))
    # Everyone is invited again, c1 too: answers belong to one occurrence.
    assert set(await queued(world, f"mtg:{second.id}:invitation:")) == keys(
        f"mtg:{second.id}:invitation", a1, a2, b1, c1)
    assert await reminder_rows(world, ReminderKind.MEETING, second.id) == [
        (1440, next_monday - DAY, None, 0), (60, next_monday - HOUR, None, 0)]
    assert await reminder_rows(world, ReminderKind.MEETING_START, second.id) == [
        (0, next_monday, None, 0)]

    assert await world.tick_at(MONDAY_10 + MINUTE) == Counter()  # made once
    assert await world.tick_at(next_monday - DAY) == Counter(sent=4, sent_rows=1)


async def test_a_first_monday_meeting_rolls_to_next_months_first_monday(world):
    first_monday_april = datetime(2026, 4, 6, 14, 0, tzinfo=KABUL)
    first = await schedule(world, first_monday_april, offsets=(), frequency="monthly_weekday")
    assert await world.tick_at(first_monday_april) == Counter(done=0, done_rows=1)

    async with world.factory() as uow:
        [second] = await uow.meetings.upcoming_of_body(world.body.id, world.clock.now)
    assert second.starts_at == datetime(2026, 5, 4, 14, 0, tzinfo=KABUL)  # 1 May is a Friday
    assert second.series_id == first.id
    assert len(await queued(world, f"mtg:{second.id}:invitation:")) == 4


async def test_stopping_a_series_makes_no_next_occurrence(world):
    first = await schedule(world, frequency="weekly")
    async with world.factory() as uow:
        await meetings.stop_repeating(uow, world.admin, first.id)
    await world.tick_at(MONDAY_10)
    async with world.factory() as uow:
        assert await uow.meetings.upcoming_of_body(world.body.id, world.clock.now) == []


# -- deadlines -----------------------------------------------------------------------------------

DUE = date(2026, 3, 31)
DUE_AT = datetime(2026, 4, 1, 0, 0, tzinfo=KABUL)  # the end of the due day: 19:30 UTC


def nine_in_kabul(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=KABUL)


async def set_deadline(world: World, days=(14, 3, 1, 0), frequency: str = "none",
                       due: date = DUE) -> Deadline:
    deadline = Deadline(None, world.body.id, "Quarterly 3W report", due, "Asia/Kabul",
                        world.admin.user_id, world.clock.now, frequency=frequency,
                        series_start=due, reminder_days=days)
    async with world.factory() as uow:
        deadline, told = await deadlines.create(uow, world.admin, deadline, world.texts,
                                                world.clock.now)
    assert told == 4  # one per reachable person of each member organisation
    return deadline


async def mark_submitted(world: World, person: str, organisation: str, deadline_id: int) -> None:
    organisation_id = world.orgs[organisation]
    viewer = Viewer(user_id=world.uid(person), roles={organisation_id: Role.MEMBER})
    async with world.factory() as uow:
        await deadlines.mark(uow, viewer, deadline_id, organisation_id, True, world.clock.now)


def deadline_keys(world: World, deadline_id: int, purpose: str, *people: str) -> set[str]:
    org_of = {"a1": "A", "a2": "A", "b1": "B", "c1": "C"}
    return {f"dl:{deadline_id}:{purpose}:o{world.orgs[org_of[p]]}:u{world.uid(p)}" for p in people}


async def test_deadline_reminders_at_nine_stop_for_those_who_submitted_and_one_overdue_notice(world):
    deadline = await set_deadline(world)
    assert await reminder_rows(world, ReminderKind.DEADLINE, deadline.id) == [
        (14, nine_in_kabul(date(2026, 3, 17)), None, 0), (3, nine_in_kabul(date(2026, 3, 28)), None, 0),
        (1, nine_in_kabul(date(2026, 3, 30)), None, 0), (0, nine_in_kabul(DUE), None, 0)]
    assert nine_in_kabul(date(2026, 3, 17)) == datetime(2026, 3, 17, 4, 30, tzinfo=UTC)

    assert await world.tick_at(nine_in_kabul(date(2026, 3, 17)) - MINUTE) == Counter()
    assert await world.tick_at(nine_in_kabul(date(2026, 3, 17))) == Counter(sent=4, sent_rows=1)
    a1, a2, b1, c1 = (world.uid(p) for p in ("a1", "a2", "b1", "c1"))
    org_a, org_b, org_c = (world.orgs[name] for name in "ABC")
    assert await queued(world, f"dl:{deadline.id}:r14:") == {
        f"dl:{deadline.id}:r14:o{org}:u{user}": f"reminder|{user}|{deadline.id}|{org}"
        for org, user in ((org_a, a1), (org_a, a2), (org_b, b1), (org_c, c1))}

    await mark_submitted(world, "a2", "A", deadline.id)
    async with world.factory() as uow:
        mine = await deadlines.of_user(uow, world.users["a1"], world.clock.now)
        compliance = await deadlines.compliance(uow, deadline)
    assert [(d.id, o.id, submitted) for d, o, submitted in mine] == [
        (deadline.id, world.orgs["A"], True)]
    assert [o.id for o in compliance.outstanding] == [world.orgs["B"], world.orgs["C"]]

    for days, moment in ((3, date(2026, 3, 28)), (1, date(2026, 3, 30)), (0, DUE)):
        assert await world.tick_at(nine_in_kabul(moment)) == Counter(sent=2, sent_rows=1)
        assert set(await queued(world, f"dl:{deadline.id}:r{days}:")) == deadline_keys(
            world, deadline.id, f"r{days}", "b1", "c1")

    assert await world.tick_at(DUE_AT - timedelta(seconds=1)) == Counter()
    assert await world.tick_at(DUE_AT) == Counter(done=2, done_rows=1)
    assert await world.tick_at(DUE_AT + HOUR) == Counter()
    assert set(await queued(world, f"dl:{deadline.id}:overdue:")) == deadline_keys(
        world, deadline.id, "overdue", "b1", "c1")
    assert await reminder_rows(world, ReminderKind.DEADLINE_DUE, deadline.id) == [
        (0, DUE_AT, Outcome.DONE, 2)]
    assert await outbox_size(world) == 4 + 4 + 3 * 2 + 2


async def test_deadline_reminders_missed_until_it_passed_are_dropped_and_counted(world):
    deadline = await set_deadline(world)
    assert await world.tick_at(nine_in_kabul(date(2026, 3, 28))) == Counter(
        sent=4, sent_rows=1, superseded_rows=1)  # the 14-day one is long past: the 3-day one goes

    # Stopped from before the day before until after the end of the due day.
    assert await world.tick_at(DUE_AT + HOUR) == Counter(
        dropped=8, dropped_rows=2, done=4, done_rows=1)
    assert await reminder_rows(world, ReminderKind.DEADLINE, deadline.id) == [
        (14, nine_in_kabul(date(2026, 3, 17)), Outcome.SUPERSEDED, 0),
        (3, nine_in_kabul(date(2026, 3, 28)), Outcome.SENT, 4),
        (1, nine_in_kabul(date(2026, 3, 30)), Outcome.DROPPED, 4),
        (0, nine_in_kabul(DUE), Outcome.DROPPED, 4)]
    assert await queued(world, f"dl:{deadline.id}:r1:") == {}
    assert await queued(world, f"dl:{deadline.id}:r0:") == {}
    assert len(await queued(world, f"dl:{deadline.id}:overdue:")) == 4


async def test_a_quarterly_deadline_makes_its_next_occurrence_when_it_passes(world):
    first = await set_deadline(world, days=(3,), frequency="quarterly")
    await mark_submitted(world, "c1", "C", first.id)
    assert await world.tick_at(nine_in_kabul(date(2026, 3, 28))) == Counter(sent=3, sent_rows=1)
    assert await world.tick_at(DUE_AT) == Counter(done=3, done_rows=1)

    async with world.factory() as uow:
        [second] = await uow.deadlines.upcoming([world.body.id], world.clock.now)
        assert await uow.deadlines.submissions(second.id) == {}  # C submits each quarter anew
    assert (second.due_date, second.series_id, second.nudges, second.reminder_days) == (
        date(2026, 6, 30), first.id, 0, (3,))  # a month end stays on month ends
    assert await reminder_rows(world, ReminderKind.DEADLINE, second.id) == [
        (3, nine_in_kabul(date(2026, 6, 27)), None, 0)]
    assert await reminder_rows(world, ReminderKind.DEADLINE_DUE, second.id) == [
        (0, datetime(2026, 7, 1, 0, 0, tzinfo=KABUL), None, 0)]

    assert await world.tick_at(DUE_AT + DAY) == Counter()  # made once
    assert await world.tick_at(nine_in_kabul(date(2026, 6, 27))) == Counter(sent=4, sent_rows=1)


async def test_a_cancelled_deadline_is_neither_reminded_nor_overdue(world):
    deadline = await set_deadline(world, frequency="quarterly")
    async with world.factory() as uow:
        await deadlines.cancel(uow, world.admin, deadline.id, world.clock.now)
    assert await world.tick_at(DUE_AT + DAY) == Counter()
    assert [row[2] for row in await reminder_rows(world, ReminderKind.DEADLINE, deadline.id)] == [
        Outcome.CANCELLED] * 4
    assert await reminder_rows(world, ReminderKind.DEADLINE_DUE, deadline.id) == [
        (0, DUE_AT, Outcome.CANCELLED, 0)]
    assert await outbox_size(world) == 4  # the first notice only


async def test_a_nudge_goes_to_the_outstanding_only_and_each_nudge_has_its_own_keys(world):
    deadline = await set_deadline(world)
    await mark_submitted(world, "b1", "B", deadline.id)

    async with world.factory() as uow:
        _, first = await deadlines.nudge(uow, world.admin, deadline.id, world.texts, world.clock.now)
    assert first == 3
    assert set(await queued(world, f"dl:{deadline.id}:nudge")) == deadline_keys(
        world, deadline.id, "nudge1", "a1", "a2", "c1")

    await mark_submitted(world, "c1", "C", deadline.id)
    world.clock.now += HOUR
    async with world.factory() as uow:
        nudged, second = await deadlines.nudge(uow, world.admin, deadline.id, world.texts,
                                               world.clock.now)
    assert (nudged.nudges, second) == (2, 2)
    assert set(await queued(world, f"dl:{deadline.id}:nudge2:")) == deadline_keys(
        world, deadline.id, "nudge2", "a1", "a2")
    assert await outbox_size(world) == 4 + 3 + 2


# -- several instances -------------------------------------------------------------------------

async def test_two_schedulers_ticking_at_once_queue_each_message_once(world, engine):
    """Two instances: on PostgreSQL two schedulers sharing the database (SKIP LOCKED); on
    SQLite two engines on the same file, as two processes would be (each tick's claim waits
    for the other's commit). Each row is worked once, each message queued once."""
    made = [await schedule(world, MONDAY_10 + i * MINUTE, offsets=(1440,)) for i in range(10)]
    sunday = MONDAY_10.date() - timedelta(days=1)
    deadline = await set_deadline(world, days=(0,), due=sunday)

    # Due at once: the day-before reminder of each meeting and the deadline's on-the-day one.
    world.clock.now = MONDAY_10 - DAY + 10 * MINUTE
    first = ReminderScheduler(world.factory, world.texts, world.clock, batch=2)
    other_engine = (make_engine(engine.url.render_as_string(hide_password=False))
                    if engine.dialect.name == "sqlite" else None)
    second = ReminderScheduler(UnitOfWorkFactory(other_engine) if other_engine else world.factory,
                               world.texts, world.clock, batch=2)
    totals = await asyncio.gather(first.tick(), second.tick())
    assert totals[0] + totals[1] == Counter(sent=10 * 4 + 4, sent_rows=11)

    for meeting in made:
        assert set(await queued(world, f"mtg:{meeting.id}:r1440:")) == keys(
            f"mtg:{meeting.id}:r1440", *(world.uid(p) for p in ("a1", "a2", "b1", "c1")))
    assert set(await queued(world, f"dl:{deadline.id}:r0:")) == deadline_keys(
        world, deadline.id, "r0", "a1", "a2", "b1", "c1")
    async with world.factory() as uow:
        outcomes = (await uow.session.execute(select(ReminderRow.outcome, ReminderRow.queued)
                                              .where(ReminderRow.done_at.is_not(None)))).all()
    assert sorted(outcomes) == [(Outcome.SENT.value, 4)] * 11
    assert await outbox_size(world) == 10 * 4 + 4 + 10 * 4 + 4
    assert await first.tick() == Counter() and await second.tick() == Counter()
    if other_engine is not None:
        await other_engine.dispose()


async def test_a_reminder_that_fails_is_set_aside_and_the_others_still_go(world):
    """One meeting's messages cannot be rendered (a bug, bad data): its reminder is marked
    failed and logged; the other meeting due in the same tick is reminded all the same, and
    later ticks do not try the failed one again and again."""
    broken = await schedule(world, offsets=(1440,))
    fine = await schedule(world, MONDAY_10 + MINUTE, offsets=(1440,))
    render = world.texts.meeting

    def meeting(purpose, user, body, meeting, answer):
        if meeting.id == broken.id and purpose.startswith("r"):
            raise RuntimeError("cannot render")
        return render(purpose, user, body, meeting, answer)

    world.texts.meeting = meeting
    assert await world.tick_at(MONDAY_10 - DAY + 2 * MINUTE) == Counter(
        sent=4, sent_rows=1, failed_rows=1)
    assert await reminder_rows(world, ReminderKind.MEETING, broken.id) == [
        (1440, MONDAY_10 - DAY, Outcome.FAILED, 0)]
    assert len(await queued(world, f"mtg:{fine.id}:r1440:")) == 4
    assert not await queued(world, f"mtg:{broken.id}:r1440:")
    assert await world.tick_at(MONDAY_10 - DAY + 3 * MINUTE) == Counter()
