from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.domain.delivery import Delivery, DeliveryStatus
from bot.domain.entities import (
    CoordinationBody,
    Draft,
    MembershipAsk,
    Organisation,
    OrgStatus,
    Project,
    StaffMember,
    User,
)
from bot.domain.search import SearchDocument

if TYPE_CHECKING:
    from bot.domain.announcements import Announcement
    from bot.domain.deadlines import Deadline, Submission
    from bot.domain.meetings import Answer, Invitee, Meeting
    from bot.domain.polls import Poll, PollMessage, Vote
    from bot.domain.schedule import Outcome, Reminder


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...

    async def by_telegram_id(self, telegram_user_id: int) -> User | None: ...

    async def get_many(self, user_ids: list[int]) -> dict[int, User]: ...

    async def add(self, user: User) -> User: ...

    async def save(self, user: User) -> None:
        """Locale, display name and unreachable_since."""
        ...

    async def mark_unreachable(self, telegram_user_id: int, now: datetime) -> None:
        """Telegram said 403: queue nothing more for them until they write to the bot again."""
        ...


class OrganisationRepository(Protocol):
    async def get(self, organisation_id: int) -> Organisation | None: ...

    async def get_many(self, organisation_ids: list[int]) -> dict[int, Organisation]:
        """The ones that exist, by id, in one round trip."""
        ...

    async def places(self, organisation_ids: list[int]
                     ) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
        """(provinces, sectors) of each, without the rest of the profile."""
        ...

    async def add(self, organisation: Organisation) -> Organisation: ...

    async def save(self, organisation: Organisation) -> None: ...

    async def delete(self, organisation_id: int) -> None: ...

    async def all_active(self) -> list[Organisation]:
        """Every organisation that is not withdrawn or rejected (for duplicate checks)."""
        ...

    async def with_status(self, status: OrgStatus) -> list[Organisation]: ...


class StaffRepository(Protocol):
    async def of_user(self, user_id: int) -> list[StaffMember]: ...

    async def of_organisation(self, organisation_id: int) -> list[StaffMember]: ...

    async def of_organisations(self, organisation_ids: list[int]) -> list[StaffMember]: ...

    async def add(self, member: StaffMember) -> None: ...

    async def remove(self, organisation_id: int, user_id: int) -> None: ...


class BodyRepository(Protocol):
    async def add(self, body: CoordinationBody, now: datetime) -> CoordinationBody: ...

    async def get(self, body_id: int) -> CoordinationBody | None: ...

    async def all(self) -> list[CoordinationBody]: ...

    async def add_member(self, body_id: int, organisation_id: int, now: datetime) -> None: ...

    async def remove_member(self, body_id: int, organisation_id: int) -> None: ...

    async def is_member(self, body_id: int, organisation_id: int) -> bool: ...

    async def member_ids(self, body_id: int) -> list[int]: ...

    async def member_count(self, body_id: int) -> int: ...

    async def bodies_of(self, organisation_id: int) -> list[int]:
        """Ids of the bodies this organisation belongs to."""
        ...

    async def add_admin(self, body_id: int, user_id: int) -> None: ...

    async def remove_admin(self, body_id: int, user_id: int) -> None: ...

    async def admins_of(self, body_id: int) -> list[int]: ...

    async def administered_by(self, user_id: int) -> list[int]:
        """Ids of the bodies this user administers."""
        ...

    async def ask_of(self, body_id: int, organisation_id: int) -> MembershipAsk | None: ...

    async def asks_of(self, body_id: int) -> dict[int, MembershipAsk]:
        """Open asks by organisation id."""
        ...

    async def put_ask(self, body_id: int, organisation_id: int, kind: MembershipAsk,
                      now: datetime) -> None: ...

    async def delete_ask(self, body_id: int, organisation_id: int) -> None: ...

    async def by_group(self, chat_id: int) -> CoordinationBody | None: ...

    async def set_group(self, body_id: int, chat_id: int | None) -> None: ...

    async def muted_users(self, body_id: int) -> set[int]: ...

    async def muted_by(self, user_id: int) -> set[int]:
        """Ids of the bodies this user muted."""
        ...

    async def set_muted(self, body_id: int, user_id: int, muted: bool) -> None: ...

    async def members_administered_by(self, user_id: int) -> set[int]:
        """Ids of organisations belonging to a body that this user administers."""
        ...

    async def admins_over(self, organisation_id: int) -> list[int]:
        """User ids of the admins of every body this organisation belongs to."""
        ...

    async def names_of(self, organisation_id: int) -> list[str]:
        """Names of the bodies this organisation belongs to."""
        ...


class DeliveryRepository(Protocol):
    async def enqueue(self, delivery: Delivery, now: datetime) -> bool:
        """Queue it unless its key was queued before; True if queued now."""
        ...

    async def enqueue_many(self, deliveries: list[Delivery], now: datetime) -> int:
        """enqueue() for many rows in one round trip; returns how many were queued now."""
        ...

    async def claim(self, now: datetime, limit: int) -> list[Delivery]:
        """Due pending rows, best priority first, leased to this caller (others skip them)."""
        ...

    async def finish(self, delivery_id: int, status: DeliveryStatus, now: datetime,
                     error: str | None = None) -> None: ...

    async def retry_later(self, delivery_id: int, attempts: int, due_at: datetime,
                          error: str) -> None: ...

    async def counts(self, key_prefix: str) -> dict[DeliveryStatus, int]: ...

    async def cancel_pending(self, key_prefix: str, now: datetime) -> int:
        """Rows of ``key_prefix`` not sent yet (nor being sent) are not sent at all."""
        ...


class AnnouncementRepository(Protocol):
    async def add(self, announcement: Announcement) -> Announcement: ...

    async def get(self, announcement_id: int) -> Announcement | None: ...

    async def unfinished(self) -> list[Announcement]:
        """Announcements whose final report has not been given yet."""
        ...

    async def set_report_message(self, announcement_id: int, chat_id: int,
                                 message_id: int) -> None: ...

    async def finish(self, announcement_id: int, now: datetime) -> None: ...


class MeetingRepository(Protocol):
    async def add(self, meeting: Meeting) -> Meeting: ...

    async def get(self, meeting_id: int) -> Meeting | None: ...

    async def save(self, meeting: Meeting) -> None:
        """Start, sequence, recurrence, cancellation and minutes."""
        ...

    async def upcoming_of_body(self, body_id: int, now: datetime) -> list[Meeting]:
        """Not yet started, cancelled ones included (they say so), soonest first."""
        ...

    async def past_of_body(self, body_id: int, now: datetime, limit: int) -> list[Meeting]:
        """Started and not cancelled, latest first."""
        ...

    async def add_invitees(self, invitees: list[Invitee]) -> None: ...

    async def invitees(self, meeting_id: int) -> list[Invitee]: ...

    async def invitee(self, meeting_id: int, user_id: int) -> Invitee | None: ...

    async def set_answer(self, meeting_id: int, user_id: int, answer: Answer,
                         now: datetime) -> None: ...

    async def upcoming_for_user(self, user_id: int, now: datetime
                                ) -> list[tuple[Meeting, Answer | None]]:
        """Meetings the user is invited to that have not started, soonest first."""
        ...

    async def attended(self, meeting_id: int) -> set[int]:
        """Ids of the organisations recorded as present."""
        ...

    async def set_attended(self, meeting_id: int, organisation_id: int, attended: bool) -> None: ...


class DeadlineRepository(Protocol):
    async def add(self, deadline: Deadline) -> Deadline: ...

    async def get(self, deadline_id: int) -> Deadline | None: ...

    async def save(self, deadline: Deadline) -> None: ...

    async def of_bodies(self, body_ids: list[int] | None, since: datetime) -> list[Deadline]:
        """Deadlines of these bodies (all bodies and the registry's when None) due after
        ``since``, soonest first."""
        ...

    async def upcoming(self, body_ids: list[int], now: datetime) -> list[Deadline]:
        """Not cancelled, not yet passed, of these bodies or the whole registry."""
        ...

    async def submissions(self, deadline_id: int) -> dict[int, Submission]:
        """By organisation id."""
        ...

    async def submit(self, deadline_id: int, organisation_id: int, user_id: int,
                     now: datetime) -> None:
        """Marked once: a second mark keeps the first time and person."""
        ...

    async def unsubmit(self, deadline_id: int, organisation_id: int) -> None: ...


class ReminderRepository(Protocol):
    async def add_many(self, reminders: list[Reminder]) -> None: ...

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Due rows not done, earliest first, locked against other instances until this
        transaction ends (they skip them)."""
        ...

    async def finish(self, reminder_id: int, outcome: Outcome, queued: int,
                     now: datetime) -> None: ...

    async def cancel_pending(self, kind: str, target_id: int, now: datetime) -> None: ...

    async def next_due(self) -> datetime | None:
        """When the earliest row not done is due."""
        ...


class PollRepository(Protocol):
    async def add(self, poll: Poll) -> Poll: ...

    async def get(self, poll_id: int) -> Poll | None: ...

    async def save(self, poll: Poll) -> None: ...

    async def of_body(self, body_id: int, limit: int) -> list[Poll]:
        """Newest first."""
        ...

    async def add_messages(self, messages: list[PollMessage]) -> None: ...

    async def messages(self, poll_id: int) -> list[PollMessage]: ...

    async def message(self, poll_id: int, chat_id: int) -> PollMessage | None: ...

    async def message_by_telegram_poll(self, telegram_poll_id: str) -> PollMessage | None: ...

    async def set_sent(self, message_row_id: int, message_id: int,
                       telegram_poll_id: str) -> None: ...

    async def set_totals(self, message_row_id: int, counts: list[int], voters: int) -> None: ...

    async def votes(self, poll_id: int) -> list[Vote]:
        """Each person's latest answer (an empty one was retracted)."""
        ...

    async def put_vote(self, poll_id: int, vote: Vote) -> None:
        """Replaces the person's earlier answer."""
        ...


class SearchSource(Protocol):
    async def documents_changed_since(self, since: datetime | None, after_id: int = 0,
                                      limit: int = 2000) -> list[SearchDocument]:
        """Organisations changed after ``since`` (all when None) with ids above ``after_id``,
        by id, at most ``limit``: the registry is read in batches to keep memory flat."""
        ...

    async def deleted_since(self, since: datetime) -> list[int]: ...


class ProjectRepository(Protocol):
    async def get(self, project_id: int) -> Project | None: ...

    async def add(self, project: Project) -> Project: ...

    async def save(self, project: Project) -> None: ...

    async def delete(self, project_id: int) -> None: ...

    async def of_organisation(self, organisation_id: int) -> list[Project]: ...

    async def overlapping(self, sectors: tuple[str, ...], provinces: tuple[str, ...],
                          exclude_organisation: int) -> list[Project]: ...


class DraftRepository(Protocol):
    async def get(self, user_id: int) -> Draft | None:
        """The user's one open conversation, if any."""
        ...

    async def put(self, draft: Draft) -> None: ...

    async def delete(self, user_id: int) -> None: ...


class InvitationRepository(Protocol):
    async def add(self, token: str, organisation_id: int, created_by: int,
                  expires_at: datetime) -> None: ...

    async def take(self, token: str, now: datetime) -> int | None:
        """Use the invitation once: the organisation id, or None if unknown, used or expired."""
        ...


class AuditLog(Protocol):
    async def record(self, action: str, organisation_id: int | None, actor_user_id: int | None,
                     at: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``async with`` block commits, an exception rolls back."""

    users: UserRepository
    organisations: OrganisationRepository
    staff: StaffRepository
    projects: ProjectRepository
    drafts: DraftRepository
    invitations: InvitationRepository
    bodies: BodyRepository
    search: SearchSource
    deliveries: DeliveryRepository
    announcements: AnnouncementRepository
    meetings: MeetingRepository
    deadlines: DeadlineRepository
    reminders: ReminderRepository
    polls: PollRepository
    audit: AuditLog


UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]

