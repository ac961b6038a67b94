from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Telegram user ids exceed 32 bits.
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    locale: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    time_zone: Mapped[str | None] = mapped_column(String(40))


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    name_latin: Mapped[str | None] = mapped_column(String(150))
    acronym: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    districts: Mapped[str | None] = mapped_column(String(300))
    women_led: Mapped[bool] = mapped_column(Boolean, default=False)
    youth_led: Mapped[bool] = mapped_column(Boolean, default=False)
    disability_led: Mapped[bool] = mapped_column(Boolean, default=False)
    registration_number: Mapped[str | None] = mapped_column(String(50))
    year_founded: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    contact_person: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(200))
    telegram: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), index=True)
    visibility: Mapped[str] = mapped_column(String(12))
    rejection_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set on every change to the organisation or its projects; search indexes re-read from it.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    sectors: Mapped[list[OrganisationSectorRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationSectorRow.position")
    provinces: Mapped[list[OrganisationProvinceRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationProvinceRow.position")


class OrganisationSectorRow(Base):
    __tablename__ = "organisation_sectors"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class OrganisationProvinceRow(Base):
    __tablename__ = "organisation_provinces"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class StaffRow(Base):
    __tablename__ = "staff"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10))


class ProjectRow(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    districts: Mapped[str | None] = mapped_column(String(300))
    donor: Mapped[str | None] = mapped_column(String(150))
    sectors: Mapped[list[ProjectSectorRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProjectSectorRow.position")
    provinces: Mapped[list[ProjectProvinceRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProjectProvinceRow.position")


class ProjectSectorRow(Base):
    __tablename__ = "project_sectors"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProjectProvinceRow(Base):
    __tablename__ = "project_provinces"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DraftRow(Base):
    """One open conversation per user; JSON so each flow keeps its own fields."""

    __tablename__ = "drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(30))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    history: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InvitationRow(Base):
    __tablename__ = "invitations"

    # Only a hash of the token is stored: a leaked database does not leak working links.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """That something happened, by whom, when; never the data itself."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class CoordinationBodyRow(Base):
    """A coordination body (network, platform, round table). Managed fully by issue 5's features;
    the registry needs its members and admins for verification and hidden visibility."""

    __tablename__ = "coordination_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # locale -> name
    region: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)


class BodyMemberRow(Base):
    __tablename__ = "body_members"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_bodies.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BodyAdminRow(Base):
    __tablename__ = "body_admins"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_bodies.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class BodyAskRow(Base):
    """A membership asked for (by the organisation) or offered (by the body), not yet answered."""

    __tablename__ = "body_asks"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_bodies.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BodyMuteRow(Base):
    """A user who does not want this body's announcements (other bodies and reminders still come)."""

    __tablename__ = "body_mutes"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_bodies.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class AnnouncementRow(Base):
    """What was announced, to whom (the audience rule and counts), and where the sender's
    progress message is; the messages themselves are deliveries keyed ``ann:<id>:...``."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_bodies.id", ondelete="CASCADE"), index=True)
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    versions: Mapped[dict] = mapped_column(JSON)  # locale (or "*" for the first) -> text
    document: Mapped[dict | None] = mapped_column(JSON)  # {"file_id", "file_name"}
    audience: Mapped[dict] = mapped_column(JSON)  # {"sectors": [...], "provinces": [...]}
    recipients: Mapped[int] = mapped_column(Integer)
    muted: Mapped[int] = mapped_column(Integer)
    unreachable: Mapped[int] = mapped_column(Integer)  # known to have blocked the bot before
    report_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    report_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class DeliveryRow(Base):
    """An outgoing message written before it is sent (the outbox): nothing is lost in a crash,
    and the idempotency key stops the same message from being queued twice."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "priority", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    priority: Mapped[int] = mapped_column(Integer, default=5)  # lower goes first
    payload: Mapped[dict] = mapped_column(JSON)  # text and buttons, already in the language
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(40))  # a short code, never message text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingRow(Base):
    """One occurrence of a meeting; a recurring meeting's occurrences share ``series_id``."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_body_start", "body_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("coordination_bodies.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(150))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    time_zone: Mapped[str] = mapped_column(String(40))
    place: Mapped[str | None] = mapped_column(Text)
    agenda: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[dict] = mapped_column(JSON)  # {"sectors": [...], "provinces": [...]}
    frequency: Mapped[str] = mapped_column(String(20))
    calendar: Mapped[str] = mapped_column(String(12))
    series_start: Mapped[date | None] = mapped_column(Date)
    reminder_offsets: Mapped[list] = mapped_column(JSON)  # minutes before
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_text: Mapped[str | None] = mapped_column(Text)
    minutes_document: Mapped[dict | None] = mapped_column(JSON)  # {"file_id", "file_name"}
    minutes_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingInviteeRow(Base):
    """Who was invited (the audience when the invitations went out) and their answer."""

    __tablename__ = "meeting_invitees"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingAttendanceRow(Base):
    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)


class DeadlineRow(Base):
    """One occurrence of a reporting deadline; ``body_id`` None applies to the whole registry."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordination_bodies.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    due_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # end of the due day
    time_zone: Mapped[str] = mapped_column(String(40))
    frequency: Mapped[str] = mapped_column(String(20))
    calendar: Mapped[str] = mapped_column(String(12))
    series_start: Mapped[date | None] = mapped_column(Date)
    reminder_days: Mapped[list] = mapped_column(JSON)
    nudges: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeadlineSubmissionRow(Base):
    __tablename__ = "deadline_submissions"

    deadline_id: Mapped[int] = mapped_column(
        ForeignKey("deadlines.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderRow(Base):
    """A moment the scheduler must act on (a reminder, a meeting's start, a deadline passing).
    ``done_at`` is set in the same transaction that queues its messages."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_pending", "done_at", "due_at"),
                      Index("ix_reminders_target", "kind", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(12))
    queued: Mapped[int] = mapped_column(Integer, default=0)


class PollRow(Base):
    """A quick poll of a body's members; its versions are the question and options per language."""

    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_body_created", "body_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("coordination_bodies.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locale: Mapped[str] = mapped_column(String(8))
    versions: Mapped[dict] = mapped_column(JSON)  # "*" or locale -> {"question", "options"}
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    counting: Mapped[str] = mapped_column(String(12))
    audience: Mapped[dict] = mapped_column(JSON)  # {"sectors": [...], "provinces": [...]}
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    post_to_group: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class PollMessageRow(Base):
    """The poll as one chat got it; Telegram's poll id matches answers and totals to it."""

    __tablename__ = "poll_messages"
    __table_args__ = (UniqueConstraint("poll_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    locale: Mapped[str | None] = mapped_column(String(8))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_poll_id: Mapped[str | None] = mapped_column(String(64), index=True)
    counts: Mapped[list | None] = mapped_column(JSON)  # anonymous: latest totals per option
    voters: Mapped[int] = mapped_column(Integer, default=0)


class PollVoteRow(Base):
    """A named poll's latest answer of one person; empty ``choices`` was retracted."""

    __tablename__ = "poll_votes"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    choices: Mapped[list] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
