"""Repositories: SQL in, domain objects out."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AnnouncementRow,
    AuditRow,
    BodyAdminRow,
    BodyAskRow,
    BodyMemberRow,
    BodyMuteRow,
    CoordinationBodyRow,
    DeliveryRow,
    DraftRow,
    InvitationRow,
    OrganisationProvinceRow,
    OrganisationRow,
    OrganisationSectorRow,
    ProjectProvinceRow,
    ProjectRow,
    ProjectSectorRow,
    StaffRow,
    UserRow,
)
from bot.domain.announcements import Announcement, Audience
from bot.domain.delivery import LEASE, Delivery, DeliveryStatus, Priority
from bot.domain.entities import (
    CoordinationBody,
    Draft,
    MembershipAsk,
    Organisation,
    OrgStatus,
    Profile,
    Project,
    ProjectStatus,
    Role,
    StaffMember,
    User,
    Visibility,
)
from bot.domain.search import SearchDocument

_PROFILE_COLUMNS = (
    "name", "name_latin", "acronym", "kind", "country", "districts", "women_led", "youth_led",
    "disability_led", "registration_number", "year_founded", "description", "contact_person",
    "phone", "email", "website", "telegram",
)


def _to_user(row: UserRow) -> User:
    return User(id=row.id, telegram_user_id=row.telegram_user_id, locale=row.locale,
                created_at=row.created_at, display_name=row.display_name,
                unreachable_since=row.unreachable_since, time_zone=row.time_zone)


def _chunks(ids: list[int], size: int = 1000):
    """IN lists of bounded length (SQLite caps the number of parameters)."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> User | None:
        row = await self._session.get(UserRow, user_id)
        return None if row is None else _to_user(row)

    async def by_telegram_id(self, telegram_user_id: int) -> User | None:
        row = await self._session.scalar(
            select(UserRow).where(UserRow.telegram_user_id == telegram_user_id)
        )
        return None if row is None else _to_user(row)

    async def get_many(self, user_ids: list[int]) -> dict[int, User]:
        found: dict[int, User] = {}
        for chunk in _chunks(user_ids):
            for row in await self._session.scalars(select(UserRow).where(UserRow.id.in_(chunk))):
                found[row.id] = _to_user(row)
        return found

    async def mark_unreachable(self, telegram_user_id: int, now: datetime) -> None:
        await self._session.execute(update(UserRow).where(
            UserRow.telegram_user_id == telegram_user_id, UserRow.unreachable_since.is_(None))
            .values(unreachable_since=now))

    async def add(self, user: User) -> User:
        row = UserRow(telegram_user_id=user.telegram_user_id, locale=user.locale,
                      created_at=user.created_at, display_name=user.display_name)
        self._session.add(row)
        await self._session.flush()
        user.id = row.id
        return user

    async def save(self, user: User) -> None:
        row = await self._session.get(UserRow, user.id)
        if row is None:
            raise LookupError(user.id)
        row.locale = user.locale
        row.display_name = user.display_name
        row.unreachable_since = user.unreachable_since
        row.time_zone = user.time_zone
        await self._session.flush()


def _to_organisation(row: OrganisationRow) -> Organisation:
    profile = Profile(**{column: getattr(row, column) for column in _PROFILE_COLUMNS},
                      sectors=tuple(s.code for s in row.sectors),
                      provinces=tuple(p.code for p in row.provinces))
    return Organisation(id=row.id, profile=profile, status=OrgStatus(row.status),
                        visibility=Visibility(row.visibility), created_at=row.created_at,
                        rejection_reason=row.rejection_reason)


def _fill_organisation(row: OrganisationRow, organisation: Organisation) -> None:
    for column in _PROFILE_COLUMNS:
        setattr(row, column, getattr(organisation.profile, column))
    row.status = organisation.status.value
    row.visibility = organisation.visibility.value
    row.updated_at = datetime.now(UTC)
    row.rejection_reason = organisation.rejection_reason
    row.sectors = [OrganisationSectorRow(code=code, position=i)
                   for i, code in enumerate(organisation.profile.sectors)]
    row.provinces = [OrganisationProvinceRow(code=code, position=i)
                     for i, code in enumerate(organisation.profile.provinces)]


class SqlOrganisationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, organisation_id: int) -> Organisation | None:
        row = await self._session.get(OrganisationRow, organisation_id)
        return None if row is None else _to_organisation(row)

    async def get_many(self, organisation_ids: list[int]) -> dict[int, Organisation]:
        rows = await self._session.scalars(
            select(OrganisationRow).where(OrganisationRow.id.in_(organisation_ids)))
        return {row.id: _to_organisation(row) for row in rows}

    async def places(self, organisation_ids: list[int]
                     ) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
        found: dict[int, tuple[list[str], list[str]]] = {}
        for chunk in _chunks(organisation_ids):
            for kind, table in enumerate((OrganisationProvinceRow, OrganisationSectorRow)):
                rows = await self._session.execute(select(table.organisation_id, table.code)
                                                   .where(table.organisation_id.in_(chunk)))
                for organisation_id, code in rows:
                    found.setdefault(organisation_id, ([], []))[kind].append(code)
        return {key: (tuple(sorted(provinces)), tuple(sorted(sectors)))
                for key, (provinces, sectors) in found.items()}

    async def add(self, organisation: Organisation) -> Organisation:
        row = OrganisationRow(created_at=organisation.created_at)
        _fill_organisation(row, organisation)
        self._session.add(row)
        await self._session.flush()
        organisation.id = row.id
        return organisation

    async def save(self, organisation: Organisation) -> None:
        row = await self._session.get(OrganisationRow, organisation.id)
        if row is None:
            raise LookupError(organisation.id)
        _fill_organisation(row, organisation)
        await self._session.flush()

    async def delete(self, organisation_id: int) -> None:
        row = await self._session.get(OrganisationRow, organisation_id)
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()

    async def all_active(self) -> list[Organisation]:
        rows = await self._session.scalars(select(OrganisationRow).where(
            OrganisationRow.status.in_([OrgStatus.PENDING.value, OrgStatus.VERIFIED.value])))
        return [_to_organisation(row) for row in rows]

    async def with_status(self, status: OrgStatus) -> list[Organisation]:
        rows = await self._session.scalars(
            select(OrganisationRow).where(OrganisationRow.status == status.value)
            .order_by(OrganisationRow.id))
        return [_to_organisation(row) for row in rows]


class SqlStaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_user(self, user_id: int) -> list[StaffMember]:
        rows = await self._session.scalars(select(StaffRow).where(StaffRow.user_id == user_id)
                                           .order_by(StaffRow.organisation_id))
        return [StaffMember(r.organisation_id, r.user_id, Role(r.role)) for r in rows]

    async def of_organisation(self, organisation_id: int) -> list[StaffMember]:
        rows = await self._session.scalars(select(StaffRow).where(
            StaffRow.organisation_id == organisation_id).order_by(StaffRow.user_id))
        return [StaffMember(r.organisation_id, r.user_id, Role(r.role)) for r in rows]

    async def of_organisations(self, organisation_ids: list[int]) -> list[StaffMember]:
        found: list[StaffMember] = []
        for chunk in _chunks(organisation_ids):
            rows = await self._session.scalars(select(StaffRow).where(
                StaffRow.organisation_id.in_(chunk)).order_by(StaffRow.organisation_id,
                                                              StaffRow.user_id))
            found += [StaffMember(row.organisation_id, row.user_id, Role(row.role)) for row in rows]
        return found

    async def add(self, member: StaffMember) -> None:
        row = await self._session.get(StaffRow, (member.organisation_id, member.user_id))
        if row is None:
            self._session.add(StaffRow(organisation_id=member.organisation_id,
                                       user_id=member.user_id, role=member.role.value))
        else:
            row.role = member.role.value
        await self._session.flush()

    async def remove(self, organisation_id: int, user_id: int) -> None:
        await self._session.execute(delete(StaffRow).where(
            StaffRow.organisation_id == organisation_id, StaffRow.user_id == user_id))


class SqlBodyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, body: CoordinationBody, now: datetime) -> CoordinationBody:
        row = CoordinationBodyRow(name=body.name, country=body.country, created_at=now,
                                  names=dict(body.names), region=body.region,
                                  description=body.description)
        self._session.add(row)
        await self._session.flush()
        body.id = row.id
        return body

    async def get(self, body_id: int) -> CoordinationBody | None:
        row = await self._session.get(CoordinationBodyRow, body_id)
        return None if row is None else _to_body(row)

    async def all(self) -> list[CoordinationBody]:
        rows = await self._session.scalars(select(CoordinationBodyRow).order_by(
            CoordinationBodyRow.country, CoordinationBodyRow.name))
        return [_to_body(row) for row in rows]

    async def remove_member(self, body_id: int, organisation_id: int) -> None:
        await self._session.execute(delete(BodyMemberRow).where(
            BodyMemberRow.body_id == body_id, BodyMemberRow.organisation_id == organisation_id))

    async def is_member(self, body_id: int, organisation_id: int) -> bool:
        return await self._session.get(BodyMemberRow, (body_id, organisation_id)) is not None

    async def member_ids(self, body_id: int) -> list[int]:
        return list(await self._session.scalars(select(BodyMemberRow.organisation_id).where(
            BodyMemberRow.body_id == body_id).order_by(BodyMemberRow.organisation_id)))

    async def member_count(self, body_id: int) -> int:
        return await self._session.scalar(select(func.count()).select_from(BodyMemberRow).where(
            BodyMemberRow.body_id == body_id))

    async def bodies_of(self, organisation_id: int) -> list[int]:
        return list(await self._session.scalars(select(BodyMemberRow.body_id).where(
            BodyMemberRow.organisation_id == organisation_id).order_by(BodyMemberRow.body_id)))

    async def remove_admin(self, body_id: int, user_id: int) -> None:
        await self._session.execute(delete(BodyAdminRow).where(
            BodyAdminRow.body_id == body_id, BodyAdminRow.user_id == user_id))

    async def admins_of(self, body_id: int) -> list[int]:
        return list(await self._session.scalars(select(BodyAdminRow.user_id).where(
            BodyAdminRow.body_id == body_id).order_by(BodyAdminRow.user_id)))

    async def administered_by(self, user_id: int) -> list[int]:
        return list(await self._session.scalars(select(BodyAdminRow.body_id).where(
            BodyAdminRow.user_id == user_id).order_by(BodyAdminRow.body_id)))

    async def ask_of(self, body_id: int, organisation_id: int) -> MembershipAsk | None:
        row = await self._session.get(BodyAskRow, (body_id, organisation_id))
        return None if row is None else MembershipAsk(row.kind)

    async def asks_of(self, body_id: int) -> dict[int, MembershipAsk]:
        rows = await self._session.scalars(select(BodyAskRow).where(
            BodyAskRow.body_id == body_id).order_by(BodyAskRow.asked_at))
        return {row.organisation_id: MembershipAsk(row.kind) for row in rows}

    async def put_ask(self, body_id: int, organisation_id: int, kind: MembershipAsk,
                      now: datetime) -> None:
        row = await self._session.get(BodyAskRow, (body_id, organisation_id))
        if row is None:
            self._session.add(BodyAskRow(body_id=body_id, organisation_id=organisation_id,
                                         kind=kind.value, asked_at=now))
        else:
            row.kind, row.asked_at = kind.value, now
        await self._session.flush()

    async def delete_ask(self, body_id: int, organisation_id: int) -> None:
        await self._session.execute(delete(BodyAskRow).where(
            BodyAskRow.body_id == body_id, BodyAskRow.organisation_id == organisation_id))

    async def by_group(self, chat_id: int) -> CoordinationBody | None:
        row = await self._session.scalar(select(CoordinationBodyRow).where(
            CoordinationBodyRow.group_chat_id == chat_id))
        return None if row is None else _to_body(row)

    async def set_group(self, body_id: int, chat_id: int | None) -> None:
        await self._session.execute(update(CoordinationBodyRow).where(
            CoordinationBodyRow.id == body_id).values(group_chat_id=chat_id))

    async def muted_users(self, body_id: int) -> set[int]:
        return set(await self._session.scalars(select(BodyMuteRow.user_id).where(
            BodyMuteRow.body_id == body_id)))

    async def muted_by(self, user_id: int) -> set[int]:
        return set(await self._session.scalars(select(BodyMuteRow.body_id).where(
            BodyMuteRow.user_id == user_id)))

    async def set_muted(self, body_id: int, user_id: int, muted: bool) -> None:
        row = await self._session.get(BodyMuteRow, (body_id, user_id))
        if muted and row is None:
            self._session.add(BodyMuteRow(body_id=body_id, user_id=user_id))
            await self._session.flush()
        elif not muted and row is not None:
            await self._session.delete(row)
            await self._session.flush()

    async def add_member(self, body_id: int, organisation_id: int, now: datetime) -> None:
        if await self._session.get(BodyMemberRow, (body_id, organisation_id)) is None:
            self._session.add(BodyMemberRow(body_id=body_id, organisation_id=organisation_id,
                                            joined_at=now))
            await self._session.flush()

    async def add_admin(self, body_id: int, user_id: int) -> None:
        if await self._session.get(BodyAdminRow, (body_id, user_id)) is None:
            self._session.add(BodyAdminRow(body_id=body_id, user_id=user_id))
            await self._session.flush()

    async def members_administered_by(self, user_id: int) -> set[int]:
        rows = await self._session.scalars(
            select(BodyMemberRow.organisation_id)
            .join(BodyAdminRow, BodyAdminRow.body_id == BodyMemberRow.body_id)
            .where(BodyAdminRow.user_id == user_id))
        return set(rows)

    async def names_of(self, organisation_id: int) -> list[str]:
        rows = await self._session.scalars(
            select(CoordinationBodyRow.name)
            .join(BodyMemberRow, BodyMemberRow.body_id == CoordinationBodyRow.id)
            .where(BodyMemberRow.organisation_id == organisation_id)
            .order_by(CoordinationBodyRow.name))
        return list(rows)

    async def admins_over(self, organisation_id: int) -> list[int]:
        rows = await self._session.scalars(
            select(BodyAdminRow.user_id).distinct()
            .join(BodyMemberRow, BodyMemberRow.body_id == BodyAdminRow.body_id)
            .where(BodyMemberRow.organisation_id == organisation_id)
            .order_by(BodyAdminRow.user_id))
        return list(rows)


def _to_body(row: CoordinationBodyRow) -> CoordinationBody:
    return CoordinationBody(id=row.id, name=row.name, country=row.country,
                            names=dict(row.names or {}), region=row.region,
                            description=row.description, group_chat_id=row.group_chat_id)


def _to_project(row: ProjectRow) -> Project:
    return Project(id=row.id, organisation_id=row.organisation_id, title=row.title,
                   sectors=tuple(s.code for s in row.sectors),
                   provinces=tuple(p.code for p in row.provinces),
                   status=ProjectStatus(row.status), start=row.start, end=row.end,
                   districts=row.districts, donor=row.donor)


def _fill_project(row: ProjectRow, project: Project) -> None:
    row.organisation_id = project.organisation_id
    row.title, row.status = project.title, project.status.value
    row.start, row.end = project.start, project.end
    row.districts, row.donor = project.districts, project.donor
    row.sectors = [ProjectSectorRow(code=c, position=i) for i, c in enumerate(project.sectors)]
    row.provinces = [ProjectProvinceRow(code=c, position=i) for i, c in enumerate(project.provinces)]


async def _touch(session: AsyncSession, organisation_id: int) -> None:
    """A project change is an organisation change for search (titles, sectors, provinces)."""
    await session.execute(update(OrganisationRow).where(OrganisationRow.id == organisation_id)
                          .values(updated_at=datetime.now(UTC)))


class SqlProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, project_id: int) -> Project | None:
        row = await self._session.get(ProjectRow, project_id)
        return None if row is None else _to_project(row)

    async def add(self, project: Project) -> Project:
        row = ProjectRow()
        _fill_project(row, project)
        self._session.add(row)
        await self._session.flush()
        project.id = row.id
        await _touch(self._session, project.organisation_id)
        return project

    async def save(self, project: Project) -> None:
        row = await self._session.get(ProjectRow, project.id)
        if row is None:
            raise LookupError(project.id)
        _fill_project(row, project)
        await self._session.flush()
        await _touch(self._session, project.organisation_id)

    async def delete(self, project_id: int) -> None:
        row = await self._session.get(ProjectRow, project_id)
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()
            await _touch(self._session, row.organisation_id)

    async def of_organisation(self, organisation_id: int) -> list[Project]:
        rows = await self._session.scalars(select(ProjectRow).where(
            ProjectRow.organisation_id == organisation_id).order_by(ProjectRow.id))
        return [_to_project(row) for row in rows]

    async def overlapping(self, sectors: tuple[str, ...], provinces: tuple[str, ...],
                          exclude_organisation: int) -> list[Project]:
        """Active projects of other organisations sharing a sector and a province."""
        if not sectors or not provinces:
            return []
        query = (
            select(ProjectRow)
            .where(ProjectRow.status == ProjectStatus.ACTIVE.value,
                   ProjectRow.organisation_id != exclude_organisation,
                   ProjectRow.id.in_(select(ProjectSectorRow.project_id)
                                     .where(ProjectSectorRow.code.in_(sectors))),
                   ProjectRow.id.in_(select(ProjectProvinceRow.project_id)
                                     .where(ProjectProvinceRow.code.in_(provinces))))
            .order_by(ProjectRow.organisation_id, ProjectRow.id)
        )
        return [_to_project(row) for row in await self._session.scalars(query)]


class SqlDraftRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> Draft | None:
        row = await self._session.get(DraftRow, user_id)
        if row is None:
            return None
        return Draft(user_id=row.user_id, flow=row.flow, step=row.step, data=dict(row.data),
                     history=list(row.history))

    async def put(self, draft: Draft) -> None:
        row = await self._session.get(DraftRow, draft.user_id)
        if row is None:
            row = DraftRow(user_id=draft.user_id)
            self._session.add(row)
        row.flow, row.step = draft.flow, draft.step
        row.data, row.history = dict(draft.data), list(draft.history)
        row.updated_at = datetime.now(UTC)
        await self._session.flush()

    async def delete(self, user_id: int) -> None:
        await self._session.execute(delete(DraftRow).where(DraftRow.user_id == user_id))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SqlInvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: str, organisation_id: int, created_by: int,
                  expires_at: datetime) -> None:
        self._session.add(InvitationRow(token_hash=token_hash(token), organisation_id=organisation_id,
                                        created_by=created_by, expires_at=expires_at))
        await self._session.flush()

    async def take(self, token: str, now: datetime) -> int | None:
        # One UPDATE that only matches an unused, unexpired row: two people racing for the same
        # link cannot both get in.
        result = await self._session.execute(
            update(InvitationRow)
            .where(InvitationRow.token_hash == token_hash(token), InvitationRow.used_at.is_(None),
                   InvitationRow.expires_at > now)
            .values(used_at=now)
            .returning(InvitationRow.organisation_id)
        )
        return result.scalar_one_or_none()


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, action: str, organisation_id: int | None, actor_user_id: int | None,
                     at: datetime) -> None:
        self._session.add(AuditRow(action=action, organisation_id=organisation_id,
                                   actor_user_id=actor_user_id, at=at))
        await self._session.flush()


class SqlSearchSource:
    """Search documents read with plain column queries: fast enough to load 50,000 at start."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def documents_changed_since(self, since: datetime | None, after_id: int = 0,
                                      limit: int = 2000) -> list[SearchDocument]:
        o = OrganisationRow
        query = select(o.id, o.status, o.visibility, o.country, o.women_led, o.youth_led, o.name,
                       o.name_latin, o.acronym, o.description, o.updated_at).where(o.id > after_id)
        if since is not None:
            # Through the updated_at index: a plain filter lets SQLite walk every row by id.
            query = query.where(o.id.in_(select(o.id).where(o.updated_at > since)
                                         .scalar_subquery()))
        rows = (await self._session.execute(query.order_by(o.id).limit(limit))).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        sectors = await self._codes(OrganisationSectorRow, ids)
        provinces = await self._codes(OrganisationProvinceRow, ids)
        projects = await self._projects(ids)
        documents = []
        for row in rows:
            titles, project_sectors, project_provinces = projects.get(row.id, ((), (), ()))
            documents.append(SearchDocument(
                organisation_id=row.id, status=OrgStatus(row.status),
                visibility=Visibility(row.visibility), country=row.country,
                sectors=tuple(sectors.get(row.id, ())), provinces=tuple(provinces.get(row.id, ())),
                women_led=row.women_led, youth_led=row.youth_led,
                names=tuple(n for n in (row.name, row.name_latin, row.acronym) if n),
                description=row.description or "", project_titles=titles,
                project_sectors=project_sectors, project_provinces=project_provinces,
                version=row.updated_at.timestamp() if row.updated_at else 0.0))
        return documents

    async def _codes(self, model, ids: list[int]) -> dict[int, list[str]]:
        query = (select(model.organisation_id, model.code)
                 .where(model.organisation_id.in_(ids)).order_by(model.position))
        found: dict[int, list[str]] = {}
        for organisation_id, code in (await self._session.execute(query)).all():
            found.setdefault(organisation_id, []).append(code)
        return found

    async def _projects(self, ids: list[int]
                        ) -> dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
        """Titles of every project; sectors and provinces of the active ones (for the filters)."""
        rows = (await self._session.execute(
            select(ProjectRow.id, ProjectRow.organisation_id, ProjectRow.title, ProjectRow.status)
            .where(ProjectRow.organisation_id.in_(ids)))).all()
        if not rows:
            return {}
        active = [row.id for row in rows if row.status == ProjectStatus.ACTIVE.value]
        codes: dict[int, tuple[set[str], set[str]]] = {}
        for model, position in ((ProjectSectorRow, 0), (ProjectProvinceRow, 1)):
            query = select(model.project_id, model.code).where(model.project_id.in_(active))
            for project_id, code in (await self._session.execute(query)).all():
                codes.setdefault(project_id, (set(), set()))[position].add(code)
        found: dict[int, tuple[list[str], set[str], set[str]]] = {}
        for row in rows:
            titles, sectors, provinces = found.setdefault(row.organisation_id, ([], set(), set()))
            titles.append(row.title)
            project_sectors, project_provinces = codes.get(row.id, ((), ()))
            sectors.update(project_sectors)
            provinces.update(project_provinces)
        return {oid: (tuple(t), tuple(sorted(s)), tuple(sorted(p)))
                for oid, (t, s, p) in found.items()}

    async def deleted_since(self, since: datetime) -> list[int]:
        rows = await self._session.scalars(select(AuditRow.organisation_id).where(
            AuditRow.action == "deleted", AuditRow.at > since))
        return [organisation_id for organisation_id in rows if organisation_id is not None]


class SqlDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, delivery: Delivery, now: datetime) -> bool:
        return await self.enqueue_many([delivery], now) == 1

    async def enqueue_many(self, deliveries: list[Delivery], now: datetime) -> int:
        if not deliveries:
            return 0
        dialect = self._session.bind.dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        rows = [{"key": d.key, "chat_id": d.chat_id, "priority": int(d.priority),
                 "payload": d.payload, "status": DeliveryStatus.PENDING.value, "attempts": 0,
                 "due_at": d.due_at or now, "created_at": now} for d in deliveries]
        # The same key twice: queued once. One statement with a list of rows: SQLAlchemy sends
        # them in batches ("insertmanyvalues") compiled once, and the ids it returns count the
        # rows really inserted (a statement of 1,000 VALUES built per batch took most of the
        # time of a 10,000-recipient poll).
        statement = insert(DeliveryRow).on_conflict_do_nothing(
            index_elements=["key"]).returning(DeliveryRow.id)
        return len((await self._session.execute(statement, rows)).all())

    async def claim(self, now: datetime, limit: int) -> list[Delivery]:
        d = DeliveryRow
        free = (d.status == DeliveryStatus.PENDING.value) & (
            d.claimed_until.is_(None) | (d.claimed_until < now))
        candidates = list(await self._session.scalars(
            select(d.id).where(free, d.due_at <= now)
            .order_by(d.priority, d.due_at, d.id).limit(limit)
            .with_for_update(skip_locked=True)))  # PostgreSQL: instances skip each other's rows
        if not candidates:
            return []
        # The lease is taken only where still free: on SQLite, which has no SKIP LOCKED, a
        # second worker that read the same candidates gets none of them.
        claimed = set(await self._session.scalars(
            update(d).where(d.id.in_(candidates), free).values(claimed_until=now + LEASE)
            .returning(d.id)))
        rows = await self._session.scalars(select(d).where(d.id.in_(claimed))
                                           .order_by(d.priority, d.due_at, d.id))
        return [Delivery(key=row.key, chat_id=row.chat_id, payload=row.payload,
                         priority=Priority(row.priority), id=row.id, attempts=row.attempts,
                         status=DeliveryStatus(row.status), due_at=row.due_at) for row in rows]

    async def finish(self, delivery_id: int, status: DeliveryStatus, now: datetime,
                     error: str | None = None) -> None:
        await self._session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(
            status=status.value, error=error, claimed_until=None,
            sent_at=now if status is DeliveryStatus.SENT else None))

    async def retry_later(self, delivery_id: int, attempts: int, due_at: datetime,
                          error: str) -> None:
        await self._session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(
            attempts=attempts, due_at=due_at, error=error, claimed_until=None))

    async def counts(self, key_prefix: str) -> dict[DeliveryStatus, int]:
        rows = await self._session.execute(
            select(DeliveryRow.status, func.count()).where(DeliveryRow.key.startswith(key_prefix))
            .group_by(DeliveryRow.status))
        return {DeliveryStatus(status): count for status, count in rows.all()}

    async def cancel_pending(self, key_prefix: str, now: datetime) -> int:
        d = DeliveryRow
        result = await self._session.execute(update(d).where(
            d.key.startswith(key_prefix), d.status == DeliveryStatus.PENDING.value,
            d.claimed_until.is_(None) | (d.claimed_until < now))
            .values(status=DeliveryStatus.CANCELLED.value, error=None))
        return result.rowcount


def _to_announcement(row: AnnouncementRow) -> Announcement:
    return Announcement(
        id=row.id, body_id=row.body_id, sender_user_id=row.sender_user_id,
        versions=dict(row.versions), created_at=row.created_at, document=row.document,
        audience=Audience.from_dict(row.audience),
        recipients=row.recipients, muted=row.muted, unreachable=row.unreachable,
        report_chat_id=row.report_chat_id, report_message_id=row.report_message_id,
        finished_at=row.finished_at)


class SqlAnnouncementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, announcement: Announcement) -> Announcement:
        a = announcement
        row = AnnouncementRow(
            body_id=a.body_id, sender_user_id=a.sender_user_id, versions=a.versions,
            document=a.document, audience=a.audience.as_dict(),
            recipients=a.recipients, muted=a.muted, unreachable=a.unreachable,
            created_at=a.created_at)
        self._session.add(row)
        await self._session.flush()
        a.id = row.id
        return a

    async def get(self, announcement_id: int) -> Announcement | None:
        row = await self._session.get(AnnouncementRow, announcement_id)
        return None if row is None else _to_announcement(row)

    async def unfinished(self) -> list[Announcement]:
        rows = await self._session.scalars(select(AnnouncementRow).where(
            AnnouncementRow.finished_at.is_(None)).order_by(AnnouncementRow.id))
        return [_to_announcement(row) for row in rows]

    async def set_report_message(self, announcement_id: int, chat_id: int,
                                 message_id: int) -> None:
        await self._session.execute(update(AnnouncementRow).where(
            AnnouncementRow.id == announcement_id).values(report_chat_id=chat_id,
                                                         report_message_id=message_id))

    async def finish(self, announcement_id: int, now: datetime) -> None:
        await self._session.execute(update(AnnouncementRow).where(
            AnnouncementRow.id == announcement_id).values(finished_at=now))
