"""Meetings, deadlines, polls and the reminder rows the scheduler works through."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    DeadlineRow,
    DeadlineSubmissionRow,
    MeetingAttendanceRow,
    MeetingInviteeRow,
    MeetingRow,
    PollMessageRow,
    PollRow,
    PollVoteRow,
    ReminderRow,
)
from bot.domain.announcements import Audience
from bot.domain.deadlines import Deadline, Submission
from bot.domain.meetings import Answer, Invitee, Meeting
from bot.domain.polls import Counting, Poll, PollMessage, Vote
from bot.domain.schedule import Outcome, Reminder, ReminderKind


def _insert(session: AsyncSession):
    return postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


_MEETING_PLAIN = ("id", "body_id", "series_id", "title", "starts_at", "time_zone", "place",
                  "agenda", "frequency", "calendar", "series_start", "sequence", "created_by",
                  "created_at", "cancelled_at", "minutes_text", "minutes_document",
                  "minutes_sent_at")


def _to_meeting(row: MeetingRow) -> Meeting:
    return Meeting(**{name: getattr(row, name) for name in _MEETING_PLAIN},
                   audience=Audience.from_dict(row.audience),
                   reminder_offsets=tuple(row.reminder_offsets))


def _fill_meeting(row: MeetingRow, meeting: Meeting) -> None:
    for name in _MEETING_PLAIN[1:]:
        setattr(row, name, getattr(meeting, name))
    row.audience = meeting.audience.as_dict()
    row.reminder_offsets = list(meeting.reminder_offsets)


class SqlMeetingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, meeting: Meeting) -> Meeting:
        row = MeetingRow()
        _fill_meeting(row, meeting)
        self._session.add(row)
        await self._session.flush()
        meeting.id = row.id
        return meeting

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self._session.get(MeetingRow, meeting_id)
        return None if row is None else _to_meeting(row)

    async def save(self, meeting: Meeting) -> None:
        row = await self._session.get(MeetingRow, meeting.id)
        _fill_meeting(row, meeting)
        await self._session.flush()

    async def upcoming_of_body(self, body_id: int, now: datetime) -> list[Meeting]:
        rows = await self._session.scalars(select(MeetingRow).where(
            MeetingRow.body_id == body_id, MeetingRow.starts_at > now)
            .order_by(MeetingRow.starts_at, MeetingRow.id))
        return [_to_meeting(row) for row in rows]

    async def past_of_body(self, body_id: int, now: datetime, limit: int) -> list[Meeting]:
        rows = await self._session.scalars(select(MeetingRow).where(
            MeetingRow.body_id == body_id, MeetingRow.starts_at <= now,
            MeetingRow.cancelled_at.is_(None))
            .order_by(MeetingRow.starts_at.desc(), MeetingRow.id.desc()).limit(limit))
        return [_to_meeting(row) for row in rows]

    async def add_invitees(self, invitees: list[Invitee]) -> None:
        for start in range(0, len(invitees), 1000):
            rows = [{"meeting_id": i.meeting_id, "user_id": i.user_id,
                     "organisation_id": i.organisation_id} for i in invitees[start:start + 1000]]
            await self._session.execute(_insert(self._session)(MeetingInviteeRow).values(rows)
                                        .on_conflict_do_nothing())

    @staticmethod
    def _invitee(row: MeetingInviteeRow) -> Invitee:
        return Invitee(row.meeting_id, row.user_id, row.organisation_id,
                       Answer(row.answer) if row.answer else None)

    async def invitees(self, meeting_id: int) -> list[Invitee]:
        rows = await self._session.scalars(select(MeetingInviteeRow).where(
            MeetingInviteeRow.meeting_id == meeting_id).order_by(MeetingInviteeRow.user_id))
        return [self._invitee(row) for row in rows]

    async def invitee(self, meeting_id: int, user_id: int) -> Invitee | None:
        row = await self._session.get(MeetingInviteeRow, (meeting_id, user_id))
        return None if row is None else self._invitee(row)

    async def set_answer(self, meeting_id: int, user_id: int, answer: Answer,
                         now: datetime) -> None:
        await self._session.execute(update(MeetingInviteeRow).where(
            MeetingInviteeRow.meeting_id == meeting_id, MeetingInviteeRow.user_id == user_id)
            .values(answer=answer.value, answered_at=now))

    async def upcoming_for_user(self, user_id: int, now: datetime
                                ) -> list[tuple[Meeting, Answer | None]]:
        rows = await self._session.execute(
            select(MeetingRow, MeetingInviteeRow.answer).join(
                MeetingInviteeRow, MeetingInviteeRow.meeting_id == MeetingRow.id)
            .where(MeetingInviteeRow.user_id == user_id, MeetingRow.starts_at > now)
            .order_by(MeetingRow.starts_at, MeetingRow.id))
        return [(_to_meeting(row), Answer(answer) if answer else None) for row, answer in rows]

    async def attended(self, meeting_id: int) -> set[int]:
        return set(await self._session.scalars(select(MeetingAttendanceRow.organisation_id)
                                               .where(MeetingAttendanceRow.meeting_id == meeting_id)))

    async def set_attended(self, meeting_id: int, organisation_id: int, attended: bool) -> None:
        if attended:
            await self._session.execute(_insert(self._session)(MeetingAttendanceRow).values(
                meeting_id=meeting_id, organisation_id=organisation_id).on_conflict_do_nothing())
        else:
            await self._session.execute(delete(MeetingAttendanceRow).where(
                MeetingAttendanceRow.meeting_id == meeting_id,
                MeetingAttendanceRow.organisation_id == organisation_id))


_DEADLINE_PLAIN = tuple(f.name for f in fields(Deadline) if f.name != "reminder_days")


def _to_deadline(row: DeadlineRow) -> Deadline:
    return Deadline(**{name: getattr(row, name) for name in _DEADLINE_PLAIN},
                    reminder_days=tuple(row.reminder_days))


def _fill_deadline(row: DeadlineRow, deadline: Deadline) -> None:
    for name in _DEADLINE_PLAIN[1:]:
        setattr(row, name, getattr(deadline, name))
    row.reminder_days = list(deadline.reminder_days)
    row.due_at = deadline.due_at


class SqlDeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, deadline: Deadline) -> Deadline:
        row = DeadlineRow()
        _fill_deadline(row, deadline)
        self._session.add(row)
        await self._session.flush()
        deadline.id = row.id
        return deadline

    async def get(self, deadline_id: int) -> Deadline | None:
        row = await self._session.get(DeadlineRow, deadline_id)
        return None if row is None else _to_deadline(row)

    async def save(self, deadline: Deadline) -> None:
        row = await self._session.get(DeadlineRow, deadline.id)
        _fill_deadline(row, deadline)
        await self._session.flush()

    async def of_bodies(self, body_ids: list[int] | None, since: datetime) -> list[Deadline]:
        query = select(DeadlineRow).where(DeadlineRow.due_at > since)
        if body_ids is not None:
            query = query.where(DeadlineRow.body_id.in_(body_ids))
        rows = await self._session.scalars(query.order_by(DeadlineRow.due_at, DeadlineRow.id))
        return [_to_deadline(row) for row in rows]

    async def upcoming(self, body_ids: list[int], now: datetime) -> list[Deadline]:
        rows = await self._session.scalars(select(DeadlineRow).where(
            DeadlineRow.due_at > now, DeadlineRow.cancelled_at.is_(None),
            or_(DeadlineRow.body_id.is_(None), DeadlineRow.body_id.in_(body_ids)))
            .order_by(DeadlineRow.due_at, DeadlineRow.id))
        return [_to_deadline(row) for row in rows]

    async def submissions(self, deadline_id: int) -> dict[int, Submission]:
        rows = await self._session.scalars(select(DeadlineSubmissionRow).where(
            DeadlineSubmissionRow.deadline_id == deadline_id))
        return {row.organisation_id: Submission(row.organisation_id, row.user_id,
                                                row.submitted_at) for row in rows}

    async def submit(self, deadline_id: int, organisation_id: int, user_id: int,
                     now: datetime) -> None:
        await self._session.execute(_insert(self._session)(DeadlineSubmissionRow).values(
            deadline_id=deadline_id, organisation_id=organisation_id, user_id=user_id,
            submitted_at=now).on_conflict_do_nothing())

    async def unsubmit(self, deadline_id: int, organisation_id: int) -> None:
        await self._session.execute(delete(DeadlineSubmissionRow).where(
            DeadlineSubmissionRow.deadline_id == deadline_id,
            DeadlineSubmissionRow.organisation_id == organisation_id))


def _to_reminder(row: ReminderRow) -> Reminder:
    return Reminder(row.id, ReminderKind(row.kind), row.target_id, row.offset, row.due_at,
                    row.done_at, Outcome(row.outcome) if row.outcome else None, row.queued)


class SqlReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, reminders: list[Reminder]) -> None:
        rows = [ReminderRow(kind=r.kind.value, target_id=r.target_id, offset=r.offset,
                            due_at=r.due_at, queued=0) for r in reminders]
        self._session.add_all(rows)
        await self._session.flush()
        for reminder, row in zip(reminders, rows, strict=True):
            reminder.id = row.id

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        # The claim is a write and the first statement of the transaction: on SQLite it waits
        # for another process's tick to commit and then sees those rows done (a read first would
        # pin an older snapshot and both would work the same rows); on PostgreSQL rows another
        # instance has locked are skipped, not waited for.
        due = (select(ReminderRow.id).where(ReminderRow.done_at.is_(None),
                                            ReminderRow.due_at <= now)
               .order_by(ReminderRow.due_at, ReminderRow.id).limit(limit)
               .with_for_update(skip_locked=True))
        claimed = list(await self._session.scalars(
            update(ReminderRow).where(ReminderRow.id.in_(due), ReminderRow.done_at.is_(None))
            .values(queued=ReminderRow.queued).returning(ReminderRow.id)))
        rows = await self._session.scalars(select(ReminderRow).where(ReminderRow.id.in_(claimed))
                                           .order_by(ReminderRow.due_at, ReminderRow.id))
        return [_to_reminder(row) for row in rows]

    async def finish(self, reminder_id: int, outcome: Outcome, queued: int,
                     now: datetime) -> None:
        await self._session.execute(update(ReminderRow).where(ReminderRow.id == reminder_id)
                                    .values(done_at=now, outcome=outcome.value, queued=queued))

    async def cancel_pending(self, kind: str, target_id: int, now: datetime) -> None:
        await self._session.execute(update(ReminderRow).where(
            ReminderRow.kind == str(kind), ReminderRow.target_id == target_id,
            ReminderRow.done_at.is_(None))
            .values(done_at=now, outcome=Outcome.CANCELLED.value))

    async def next_due(self) -> datetime | None:
        return await self._session.scalar(select(func.min(ReminderRow.due_at)).where(
            ReminderRow.done_at.is_(None)))



_POLL_PLAIN = ("id", "body_id", "created_by", "created_at", "locale", "versions", "multiple",
               "anonymous", "closes_at", "post_to_group", "closed_at", "nudged_at", "recipients")
_MESSAGE_PLAIN = ("id", "poll_id", "user_id", "organisation_id", "locale", "chat_id",
                  "message_id", "telegram_poll_id", "counts", "voters")


def _to_poll(row: PollRow) -> Poll:
    return Poll(**{name: getattr(row, name) for name in _POLL_PLAIN},
                counting=Counting(row.counting), audience=Audience.from_dict(row.audience))


def _fill_poll(row: PollRow, poll: Poll) -> None:
    for name in _POLL_PLAIN[1:]:
        setattr(row, name, getattr(poll, name))
    row.counting, row.audience = poll.counting.value, poll.audience.as_dict()


def _to_message(row: PollMessageRow) -> PollMessage:
    return PollMessage(**{name: getattr(row, name) for name in _MESSAGE_PLAIN})


class SqlPollRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, poll: Poll) -> Poll:
        row = PollRow()
        _fill_poll(row, poll)
        self._session.add(row)
        await self._session.flush()
        poll.id = row.id
        return poll

    async def get(self, poll_id: int) -> Poll | None:
        row = await self._session.get(PollRow, poll_id)
        return None if row is None else _to_poll(row)

    async def save(self, poll: Poll) -> None:
        row = await self._session.get(PollRow, poll.id)
        _fill_poll(row, poll)
        await self._session.flush()

    async def of_body(self, body_id: int, limit: int) -> list[Poll]:
        rows = await self._session.scalars(select(PollRow).where(PollRow.body_id == body_id)
                                           .order_by(PollRow.created_at.desc(), PollRow.id.desc())
                                           .limit(limit))
        return [_to_poll(row) for row in rows]

    async def add_messages(self, messages: list[PollMessage]) -> None:
        if messages:  # one executemany: ORM objects for 10,000 rows cost seconds
            await self._session.execute(insert(PollMessageRow), [
                {name: getattr(m, name) for name in _MESSAGE_PLAIN[1:]} for m in messages])

    async def messages(self, poll_id: int) -> list[PollMessage]:
        rows = await self._session.scalars(select(PollMessageRow).where(
            PollMessageRow.poll_id == poll_id).order_by(PollMessageRow.id))
        return [_to_message(row) for row in rows]

    async def message(self, poll_id: int, chat_id: int) -> PollMessage | None:
        row = await self._session.scalar(select(PollMessageRow).where(
            PollMessageRow.poll_id == poll_id, PollMessageRow.chat_id == chat_id))
        return None if row is None else _to_message(row)

    async def message_by_telegram_poll(self, telegram_poll_id: str) -> PollMessage | None:
        row = await self._session.scalar(select(PollMessageRow).where(
            PollMessageRow.telegram_poll_id == telegram_poll_id))
        return None if row is None else _to_message(row)

    async def set_sent(self, message_row_id: int, message_id: int,
                       telegram_poll_id: str) -> None:
        await self._session.execute(update(PollMessageRow).where(
            PollMessageRow.id == message_row_id).values(message_id=message_id,
                                                        telegram_poll_id=telegram_poll_id))

    async def set_totals(self, message_row_id: int, counts: list[int], voters: int) -> None:
        await self._session.execute(update(PollMessageRow).where(
            PollMessageRow.id == message_row_id).values(counts=counts, voters=voters))

    async def votes(self, poll_id: int) -> list[Vote]:
        rows = await self._session.scalars(select(PollVoteRow).where(
            PollVoteRow.poll_id == poll_id))
        return [Vote(row.user_id, row.organisation_id, tuple(row.choices), row.at)
                for row in rows]

    async def put_vote(self, poll_id: int, vote: Vote) -> None:
        values = {"poll_id": poll_id, "user_id": vote.user_id,
                  "organisation_id": vote.organisation_id, "choices": list(vote.choices),
                  "at": vote.at}
        statement = _insert(self._session)(PollVoteRow).values(values)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=["poll_id", "user_id"],
            set_={"organisation_id": vote.organisation_id, "choices": list(vote.choices),
                  "at": vote.at}))
