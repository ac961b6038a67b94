"""Engine, session factory and the unit of work handed to use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.repositories import (
    SqlAnnouncementRepository,
    SqlAuditLog,
    SqlBodyRepository,
    SqlDeliveryRepository,
    SqlDraftRepository,
    SqlInvitationRepository,
    SqlOrganisationRepository,
    SqlProjectRepository,
    SqlSearchSource,
    SqlStaffRepository,
    SqlUserRepository,
)
from bot.db.schedule_repositories import (
    SqlDeadlineRepository,
    SqlMeetingRepository,
    SqlPollRepository,
    SqlReminderRepository,
)


def make_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    # WAL lets the console and a running bot read while the other writes; foreign keys are
    # off by default in SQLite.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


class SqlUnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = SqlUserRepository(session)
        self.organisations = SqlOrganisationRepository(session)
        self.staff = SqlStaffRepository(session)
        self.projects = SqlProjectRepository(session)
        self.drafts = SqlDraftRepository(session)
        self.invitations = SqlInvitationRepository(session)
        self.bodies = SqlBodyRepository(session)
        self.search = SqlSearchSource(session)
        self.deliveries = SqlDeliveryRepository(session)
        self.announcements = SqlAnnouncementRepository(session)
        self.meetings = SqlMeetingRepository(session)
        self.deadlines = SqlDeadlineRepository(session)
        self.reminders = SqlReminderRepository(session)
        self.polls = SqlPollRepository(session)
        self.audit = SqlAuditLog(session)


class UnitOfWorkFactory:
    """Callable returning an ``async with`` unit of work: one session, one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[SqlUnitOfWork]:
        async with self._sessions() as session, session.begin():
            yield SqlUnitOfWork(session)
