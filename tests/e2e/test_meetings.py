"""Meetings, reporting deadlines and /reminders through the real Application and the fake Bot
API, with a clock the test moves: scheduling on the calendar, answers, reminders, moving,
cancelling, minutes, attendance, Submitted, nudges and overdue notices."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import DeadlineRow, MeetingRow, ReminderRow
from bot.tg import schedule_views as sv
from bot.tg import views
from tests.conftest import Harness, start_harness, texts
from tests.e2e.test_bodies import ADMIN, network, org_id
from tests.e2e.test_registry import owner, register

# 1 December 2026, 10:00 in Kabul; the meeting is on 10 December at 10:00 Kabul (05:30 UTC).
START = datetime(2026, 12, 1, 5, 30, tzinfo=UTC)
MEETING_AT = datetime(2026, 12, 10, 5, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def clocked_harness(engine, now: datetime = START) -> Harness:
    """The bot with a clock the test moves, the platform administrator already started."""
    harness = await start_harness(engine)
    harness.clock = Clock(now)
    harness.application.bot_data.clock = harness.clock
    await harness.send(ADMIN, "/start")
    return harness


@pytest.fixture
async def harness(engine):
    harness = await clocked_harness(engine)
    yield harness
    await harness.application.shutdown()


def to(calls, person, method: str = "sendMessage") -> list[str]:
    return [str(c.params.get("text") or c.params.get("caption") or "") for c in calls
            if c.method == method and c.params.get("chat_id") == person.user_id]


def draft_prefix(harness: Harness, person) -> str:
    """mt:<nonce> of the draft whose buttons are on the latest message."""
    data = next(d for d in harness.buttons(person) if d.startswith(("mt:", "dl:")))
    return ":".join(data.split(":")[:2])


async def schedule(harness: Harness, karim, body_id: int, title: str = "Quarterly coordination",
                   day: str = "2026-12-10", at: str = "1000", extra=()) -> int:
    await harness.send(karim, "/meeting")
    await harness.tap(karim, f"mtb:{body_id}:new")
    await harness.send(karim, title)
    await harness.send(karim, day)  # typed; the calendar is tested on its own
    prefix = draft_prefix(harness, karim)
    await harness.tap(karim, f"{prefix}:time:{at}")
    for action in extra:
        await harness.tap(karim, f"{prefix}:{action}")
    calls = await harness.tap(karim, f"{prefix}:send")
    assert "Scheduled" in texts(calls, "editMessageText")[0]
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.session.scalars(select(MeetingRow.id).where(
            MeetingRow.title == title).order_by(MeetingRow.id.desc()))).first()


async def at(harness: Harness, moment: datetime):
    """Move the clock and let the scheduler and the outbox do what is due."""
    harness.clock.now = moment
    harness.api.take_calls()
    await harness.hamkari.settle()
    return harness.api.take_calls()


async def test_schedule_answer_remind_and_calendar_file(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    await harness.send(karim, "/meeting")
    # The calendar keyboard is in the reader's calendar: Gregorian for English.
    await harness.tap(karim, f"mtb:{body_id}:new")
    calls = await harness.send(karim, "Quarterly coordination")
    keyboard = calls[-1].params["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["text"] == "December 2026"
    assert "day:20261130" not in str(keyboard) and "day:20261201" in str(keyboard)  # no past
    prefix = draft_prefix(harness, karim)
    await harness.tap(karim, f"{prefix}:day:20261210")
    await harness.send(karim, "25:00")  # a wrong time is explained; nothing is lost
    assert "24-hour" in harness.api.messages[list(harness.api.messages)[-2]]["text"]
    await harness.send(karim, "۱۰:۰۰")  # any digits
    await harness.tap(karim, f"{prefix}:place")
    await harness.send(karim, "Balkh NGO office <b>hall</b>")
    calls = await harness.tap(karim, f"{prefix}:send")
    assert "2 invitations" in texts(calls, "editMessageText")[0]
    [invitation] = to(calls, gul)
    # Pashto, Solar Hijri date with Pashto month and Eastern digits, HTML shown as typed.
    assert "۱۹ لیندۍ ۱۴۰۵" in invitation and "&lt;b&gt;hall&lt;/b&gt;" in invitation
    assert "Quarterly coordination" in invitation
    async with harness.application.bot_data.uow_factory() as uow:
        meeting_id = (await uow.session.scalars(select(MeetingRow.id))).one()
    # Gul answers, then changes her mind: the last answer counts.
    await harness.tap(gul, f"rsvp:{meeting_id}:going")
    await harness.tap(gul, f"rsvp:{meeting_id}:maybe")
    calls = await harness.tap(karim, f"mtc:{meeting_id}:card",
                              _card_message(karim, meeting_id, "card"))
    card = texts(calls, "editMessageText")[0]
    assert "Going: 0 · Maybe: 1 · Can't go: 0 · No answer yet: 1" in card
    # The calendar file.
    calls = await harness.tap(gul, f"ics:{meeting_id}", harness.api.last_message(gul.user_id))
    [document] = [c for c in calls if c.method == "sendDocument"]
    content = document.files["document"][1].decode()
    assert "DTSTART:20261210T053000Z" in content and "SUMMARY:Quarterly coordination" in content
    # One day before: both are reminded, once, in their language.
    calls = await at(harness, MEETING_AT - timedelta(days=1))
    assert len(to(calls, gul)) == 1 and len(to(calls, karim)) == 1
    heading = sv.MEETING_HEADINGS["reminder"]
    pashto = harness.application.bot_data.catalogs.translator("ps").gettext(heading)
    assert pashto != heading and pashto.split("{body}")[0] in to(calls, gul)[0]
    assert not await at(harness, MEETING_AT - timedelta(hours=23))  # nothing twice
    # Gul declines: the 1-hour reminder skips her.
    await harness.feed(gul.callback(f"rsvp:{meeting_id}:no", harness.api.last_message(gul.user_id)))
    calls = await at(harness, MEETING_AT - timedelta(minutes=59))
    assert not to(calls, gul) and len(to(calls, karim)) == 1
    # Once it has started, answers are closed.
    harness.clock.now = MEETING_AT + timedelta(minutes=1)
    calls = await harness.feed(gul.callback(f"rsvp:{meeting_id}:going",
                                            harness.api.last_message(gul.user_id)))
    assert calls[0].params["show_alert"] is True


async def test_a_stopped_bot_sends_only_what_is_still_useful(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    meeting_id = await schedule(harness, karim, body_id)
    # Stopped from before the 1-day reminder until 30 minutes before the start: the 1-day
    # reminder is superseded by the 1-hour one, which goes out once.
    calls = await at(harness, MEETING_AT - timedelta(minutes=30))
    assert len(to(calls, gul)) == 1 and len(to(calls, karim)) == 1
    async with harness.application.bot_data.uow_factory() as uow:
        outcomes = dict((await uow.session.execute(select(ReminderRow.offset, ReminderRow.outcome)
                                                   .where(ReminderRow.target_id == meeting_id,
                                                          ReminderRow.kind == "meeting"))).all())
    assert outcomes == {1440: "superseded", 60: "sent"}
    # A restarted bot (a new Application on the same database) sends nothing again.
    engine = harness.hamkari.engine
    second = await start_harness(engine)
    second.application.bot_data.clock = harness.clock
    await second.hamkari.settle()
    assert not [c for c in second.api.take_calls() if c.method == "sendMessage"]


async def test_reminders_are_dropped_when_the_meeting_has_started(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    meeting_id = await schedule(harness, karim, body_id)
    calls = await at(harness, MEETING_AT + timedelta(minutes=5))
    assert not to(calls, gul) and not to(calls, karim)
    async with harness.application.bot_data.uow_factory() as uow:
        rows = (await uow.session.execute(select(ReminderRow.outcome, ReminderRow.queued).where(
            ReminderRow.target_id == meeting_id, ReminderRow.kind == "meeting"))).all()
    # Both came due while it was too late: both dropped, each counting the 2 people.
    assert sorted(rows) == [("dropped", 2), ("dropped", 2)]


async def test_move_cancel_and_a_user_time_zone(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    # Karim lives in Berlin for now: his messages add his own time.
    await harness.send(karim, "/settings")
    await harness.tap(karim, "tz:menu")
    await harness.tap(karim, "tz:Europe/Berlin")
    assert "Time zone: Berlin" in harness.api.last_message(karim.user_id)["text"]
    meeting_id = await schedule(harness, karim, body_id)
    await harness.tap(karim, f"mtc:{meeting_id}:move", _card_message(karim, meeting_id, "move"))
    await harness.send(karim, "2026-12-11")
    calls = await harness.tap(karim, f"{draft_prefix(harness, karim)}:time:1400")
    [moved] = to(calls, gul)
    assert "۲۰ لیندۍ ۱۴۰۵" in moved and "۱۴:۰۰" in moved
    [mine] = [text for text in to(calls, karim) if "moved" in text]
    assert "December 11, 2026, 14:00 (Kabul time)" in mine
    assert "Your time: December 11, 2026, 10:30 (Berlin)" in mine
    async with harness.application.bot_data.uow_factory() as uow:
        pending = (await uow.session.execute(select(ReminderRow.due_at).where(
            ReminderRow.target_id == meeting_id, ReminderRow.done_at.is_(None),
            ReminderRow.kind == "meeting"))).scalars().all()
    assert sorted(pending) == [datetime(2026, 12, 10, 9, 30, tzinfo=UTC),
                               datetime(2026, 12, 11, 8, 30, tzinfo=UTC)]
    await harness.tap(karim, f"mtc:{meeting_id}:cancel", _card_message(karim, meeting_id, "cancel"))
    calls = await harness.tap(karim, f"mtc:{meeting_id}:cancel:yes")
    assert len(to(calls, gul)) == 1 and "cancel" in to(calls, karim)[0].lower()
    # Cancelled: no reminder ever comes.
    assert not to(await at(harness, datetime(2026, 12, 11, 8, 0, tzinfo=UTC)), gul)


async def test_minutes_and_attendance_after_the_meeting(harness):
    karim, gul, body_id, _karim_org, gul_org = await network(harness)
    meeting_id = await schedule(harness, karim, body_id)
    # Before the meeting there is nothing to record.
    calls = await harness.tap(karim, f"mtc:{meeting_id}:minutes",
                              _card_message(karim, meeting_id, "minutes"))
    assert calls[0].params["show_alert"] is True
    await at(harness, MEETING_AT + timedelta(hours=3))
    await harness.tap(karim, f"mtc:{meeting_id}:att", _card_message(karim, meeting_id, "att"))
    await harness.tap(karim, f"mtc:{meeting_id}:att:{gul_org}")
    assert "(1 present)" in harness.api.last_message(karim.user_id)["text"]
    # An organisation that is not a member cannot be marked present (an old or forged button).
    outsider = owner("tg", user_id=100_000_003, name="Zarina")
    await register(harness, outsider, name="Mazar Women Forum", provinces=("AF21",),
                   sectors=("gender",))
    outsider_org = await org_id(harness, "Mazar Women Forum")
    calls = await harness.tap(karim, f"mtc:{meeting_id}:att:{outsider_org}",
                              _card_message(karim, meeting_id, f"att:{outsider_org}"))
    assert calls[0].params["text"] == views.stale_button(harness.application.bot_data.catalogs
                                                         .translator("en"))
    await harness.tap(karim, f"mtc:{meeting_id}:minutes", _card_message(karim, meeting_id, "minutes"))
    await harness.send(karim, "x" * 3001)  # over the limit: explained, asked again
    await harness.send(karim, "Decided: joint health mapping in Kunduz.")
    calls = await harness.tap(karim, f"{draft_prefix(harness, karim)}:sendmin")
    [minutes] = to(calls, gul)
    assert "joint health mapping" in minutes
    # The past meetings stay listed with their minutes, for members too.
    await harness.send(gul, "/meeting")
    calls = await harness.tap(gul, f"mtb:{body_id}:past")
    assert "📝" in texts(calls, "editMessageText")[0]


async def test_deadline_submitted_nudged_and_overdue(harness):
    karim, gul, _body_id, karim_org, gul_org = await network(harness)
    await harness.send(karim, "/deadline")
    await harness.tap(karim, "dlc:0:new")
    await harness.send(karim, "Half-yearly activity report")
    await harness.send(karim, "2026-12-31")
    prefix = draft_prefix(harness, karim)
    calls = await harness.tap(karim, f"{prefix}:save")
    [notice] = to(calls, gul)
    assert "۱۰ مرغومی ۱۴۰۵" in notice  # 31 December, Pashto month name
    async with harness.application.bot_data.uow_factory() as uow:
        deadline_id = (await uow.session.scalars(select(DeadlineRow.id))).one()
    # Gul's organisation submits; its reminders stop, Karim's keep coming.
    calls = await harness.tap(gul, f"dls:{deadline_id}:{gul_org}:1")
    calls = await at(harness, datetime(2026, 12, 17, 5, 0, tzinfo=UTC))  # 14 days before, 9:30
    assert not to(calls, gul) and len(to(calls, karim)) == 1
    # The admin sees who has submitted and nudges the rest with one tap.
    await harness.send(karim, "/deadline")
    calls = await harness.tap(karim, f"dlc:{deadline_id}:card")
    card = texts(calls, "editMessageText")[0]
    assert "Submitted: 1" in card and "Outstanding: 1" in card
    calls = await harness.tap(karim, f"dlc:{deadline_id}:nudge")
    assert len(to(calls, karim)) == 1 and not to(calls, gul)
    # After the day: one overdue notice, once.
    calls = await at(harness, datetime(2027, 1, 1, 0, 0, tzinfo=UTC))
    assert len(to(calls, karim)) == 1 and "passed" in to(calls, karim)[0]
    assert not to(await at(harness, datetime(2027, 1, 2, 0, 0, tzinfo=UTC)), karim)
    # A stranger cannot mark another organisation's deadline.
    calls = await harness.feed(gul.callback(f"dls:{deadline_id}:{karim_org}:1",
                                            harness.api.last_message(gul.user_id)))
    assert calls[0].params["show_alert"] is True


async def test_reminders_lists_meetings_and_deadlines_in_the_users_calendar(harness):
    karim, gul, body_id, _k, _gul_org = await network(harness)
    await schedule(harness, karim, body_id)
    await harness.send(ADMIN, "/deadline")
    await harness.tap(ADMIN, "dlc:0:new")
    await harness.tap(ADMIN, "dlc:0:for")  # every organisation in the registry
    await harness.send(ADMIN, "Ministry of Economy report")
    await harness.send(ADMIN, "1405-10-10")  # Solar Hijri, typed
    await harness.tap(ADMIN, f"{draft_prefix(harness, ADMIN)}:save")
    calls = await harness.send(gul, "/reminders")
    text = texts(calls)[0]
    assert "Quarterly coordination" in text and "Ministry of Economy report" in text
    assert "۱۹ لیندۍ ۱۴۰۵" in text and "۱۰ مرغومی ۱۴۰۵" in text
    assert "dls:" in str(calls[0].params["reply_markup"])
    # A user in no body sees a clear empty list.
    loner = owner("tg", user_id=100_000_077, name="Firuz")
    await harness.send(loner, "/start")
    assert texts(await harness.send(loner, "/reminders"))[0]
    assert "Ministry" not in texts(await harness.send(loner, "/reminders"))[0]


def _card_message(person, meeting_id: int, action: str) -> dict:
    """A card message carrying the one button the test presses."""
    data = f"mtc:{meeting_id}:{action}"
    return {"message_id": 1, "chat": {"id": person.user_id, "type": "private"}, "date": 0,
            "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}}



async def test_apscheduler_ticks_the_reminders_in_a_running_bot(harness):
    """The JobQueue job made at start-up (no stored jobs: the rows are the truth) queues a due
    reminder and the outbox task sends it, without anything calling settle()."""
    karim, gul, body_id, _k, _g = await network(harness)
    meeting_id = await schedule(harness, karim, body_id)
    harness.clock.now = MEETING_AT - timedelta(minutes=50)  # the 1-hour reminder is due
    harness.api.take_calls()
    application = harness.application
    await harness.hamkari._on_startup(application)
    await application.job_queue.start()
    try:
        assert [job.name for job in application.job_queue.jobs()] == ["reminders"]
        for _ in range(100):
            await asyncio.sleep(0.05)
            if to(harness.api.calls, gul):
                break
        assert len(to(harness.api.calls, gul)) == 1
    finally:
        await application.job_queue.stop(wait=False)
        for task in harness.hamkari._tasks:
            task.cancel()
    async with application.bot_data.uow_factory() as uow:
        outcome = await uow.session.scalar(select(ReminderRow.outcome).where(
            ReminderRow.target_id == meeting_id, ReminderRow.offset == 60))
    assert outcome == "sent"
