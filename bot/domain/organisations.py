"""Use cases after registration: verification, visibility, staff, withdrawal and deletion."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import validation
from bot.domain.entities import Organisation, OrgStatus, Profile, Role, StaffMember, User, Visibility
from bot.domain.errors import NotAllowed, NotFound, StaleAction
from bot.domain.permissions import (
    Viewer,
    can_edit,
    can_manage,
    can_review,
    can_verify,
    can_view,
    supervises,
)
from bot.domain.ports import UnitOfWork

INVITATION_LIFETIME = timedelta(days=7)
INVITATION_PREFIX = "inv_"


async def viewer_for(uow: UnitOfWork, user: User, admin_telegram_ids: Collection[int]) -> Viewer:
    staff = await uow.staff.of_user(user.id)
    roles = {member.organisation_id: member.role for member in staff}
    verified = set()
    for organisation_id in roles:
        organisation = await uow.organisations.get(organisation_id)
        if organisation is not None and organisation.status is OrgStatus.VERIFIED:
            verified.add(organisation_id)
    return Viewer(user_id=user.id, is_platform_admin=user.telegram_user_id in admin_telegram_ids,
                  roles=roles, verified_org_ids=frozenset(verified),
                  supervised_org_ids=frozenset(await uow.bodies.members_administered_by(user.id)),
                  administered_body_ids=frozenset(await uow.bodies.administered_by(user.id)))


async def verifiers_of(uow: UnitOfWork, organisation_id: int, admin_telegram_ids: Collection[int]
                       ) -> list[User]:
    """Who is asked to verify: platform administrators who have started the bot, and the admins
    of the organisation's coordination bodies; never its own staff."""
    staff = {member.user_id for member in await uow.staff.of_organisation(organisation_id)}
    found: dict[int, User] = {}
    for telegram_id in admin_telegram_ids:
        user = await uow.users.by_telegram_id(telegram_id)
        if user is not None:
            found[user.id] = user
    for user_id in await uow.bodies.admins_over(organisation_id):
        user = await uow.users.get(user_id)
        if user is not None:
            found[user.id] = user
    return [user for user_id, user in sorted(found.items()) if user_id not in staff]


async def get_visible(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None or not can_view(viewer, organisation):
        raise NotFound("organisation", organisation_id)  # hidden looks exactly like missing
    return organisation


async def _get_for(uow: UnitOfWork, viewer: Viewer, organisation_id: int, rule, action: str
                   ) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("organisation", organisation_id)
    if not rule(viewer, organisation):
        raise NotAllowed(action)
    return organisation


async def my_organisations(uow: UnitOfWork, viewer: Viewer) -> list[tuple[Organisation, Role]]:
    result = []
    for organisation_id, role in viewer.roles.items():
        organisation = await uow.organisations.get(organisation_id)
        if organisation is not None:
            result.append((organisation, role))
    return result


@dataclass(frozen=True)
class Decision:
    organisation: Organisation
    owners: list[User]  # to be told the outcome, each in their language


async def owners_of(uow: UnitOfWork, organisation_id: int) -> list[User]:
    users = []
    for member in await uow.staff.of_organisation(organisation_id):
        if member.role is Role.OWNER:
            user = await uow.users.get(member.user_id)
            if user is not None:
                users.append(user)
    return users


async def verify(uow: UnitOfWork, viewer: Viewer, organisation_id: int, now: datetime) -> Decision:
    organisation = await _get_for(uow, viewer, organisation_id, can_verify, "verify")
    if organisation.status is not OrgStatus.PENDING:
        raise StaleAction()  # someone else already decided
    organisation.status, organisation.rejection_reason = OrgStatus.VERIFIED, None
    await uow.organisations.save(organisation)
    await uow.audit.record("verified", organisation_id, viewer.user_id, now)
    return Decision(organisation, await owners_of(uow, organisation_id))


async def reject(uow: UnitOfWork, viewer: Viewer, organisation_id: int, reason: str,
                 now: datetime) -> Decision:
    organisation = await _get_for(uow, viewer, organisation_id, can_verify, "verify")
    if organisation.status is not OrgStatus.PENDING:
        raise StaleAction()
    organisation.status = OrgStatus.REJECTED
    organisation.rejection_reason = validation.rejection_reason(reason)
    await uow.organisations.save(organisation)
    await uow.audit.record("rejected", organisation_id, viewer.user_id, now)
    return Decision(organisation, await owners_of(uow, organisation_id))


async def check_can_verify(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> Organisation:
    organisation = await _get_for(uow, viewer, organisation_id, can_verify, "verify")
    if organisation.status is not OrgStatus.PENDING:
        raise StaleAction()
    return organisation


async def update_profile(uow: UnitOfWork, viewer: Viewer, organisation_id: int, profile: Profile,
                         now: datetime) -> Organisation:
    organisation = await _get_for(uow, viewer, organisation_id, can_edit, "edit")
    organisation.profile = profile
    await uow.organisations.save(organisation)
    await uow.audit.record("edited", organisation_id, viewer.user_id, now)
    return organisation


async def editable(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> Organisation:
    return await _get_for(uow, viewer, organisation_id, can_edit, "edit")


async def manageable(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> Organisation:
    return await _get_for(uow, viewer, organisation_id, can_manage, "manage")


async def set_visibility(uow: UnitOfWork, viewer: Viewer, organisation_id: int,
                         visibility: Visibility, now: datetime) -> Organisation:
    organisation = await manageable(uow, viewer, organisation_id)
    organisation.visibility = visibility
    await uow.organisations.save(organisation)
    await uow.audit.record(f"visibility:{visibility.value}", organisation_id, viewer.user_id, now)
    return organisation


async def withdraw(uow: UnitOfWork, viewer: Viewer, organisation_id: int, now: datetime
                   ) -> Organisation:
    """Leave the registry but keep the record (it can be re-submitted for review later)."""
    organisation = await manageable(uow, viewer, organisation_id)
    organisation.status = OrgStatus.WITHDRAWN
    await uow.organisations.save(organisation)
    await uow.audit.record("withdrawn", organisation_id, viewer.user_id, now)
    return organisation


async def resubmit(uow: UnitOfWork, viewer: Viewer, organisation_id: int, now: datetime
                   ) -> Organisation:
    organisation = await manageable(uow, viewer, organisation_id)
    if not organisation.status.closed:
        raise StaleAction()
    organisation.status, organisation.rejection_reason = OrgStatus.PENDING, None
    await uow.organisations.save(organisation)
    await uow.audit.record("resubmitted", organisation_id, viewer.user_id, now)
    return organisation


async def delete(uow: UnitOfWork, viewer: Viewer, organisation_id: int, now: datetime) -> None:
    """Remove the organisation, its projects, staff links and invitations; the audit log keeps
    only that it happened."""
    await manageable(uow, viewer, organisation_id)
    await uow.organisations.delete(organisation_id)
    await uow.audit.record("deleted", organisation_id, viewer.user_id, now)


async def invite(uow: UnitOfWork, viewer: Viewer, organisation_id: int, now: datetime) -> str:
    """A single-use start token for a colleague, valid for INVITATION_LIFETIME."""
    await manageable(uow, viewer, organisation_id)
    token = INVITATION_PREFIX + secrets.token_urlsafe(18)  # deep-link payloads allow [A-Za-z0-9_-]
    await uow.invitations.add(token, organisation_id, viewer.user_id, now + INVITATION_LIFETIME)
    await uow.audit.record("invited", organisation_id, viewer.user_id, now)
    return token


async def accept_invitation(uow: UnitOfWork, user: User, token: str, now: datetime) -> Organisation:
    organisation_id = await uow.invitations.take(token, now)
    if organisation_id is None:
        raise StaleAction()
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise StaleAction()
    existing = {m.user_id: m for m in await uow.staff.of_organisation(organisation_id)}
    if user.id not in existing:
        await uow.staff.add(StaffMember(organisation_id, user.id, Role.MEMBER))
    await uow.audit.record("joined", organisation_id, user.id, now)
    return organisation


async def staff_of(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> list[StaffMember]:
    await editable(uow, viewer, organisation_id)
    return await uow.staff.of_organisation(organisation_id)


async def remove_staff(uow: UnitOfWork, viewer: Viewer, organisation_id: int, user_id: int,
                       now: datetime) -> None:
    await manageable(uow, viewer, organisation_id)
    if user_id == viewer.user_id:
        raise NotAllowed("remove_self")  # an organisation always keeps its owner
    await uow.staff.remove(organisation_id, user_id)
    await uow.audit.record("staff_removed", organisation_id, viewer.user_id, now)


async def transfer_ownership(uow: UnitOfWork, viewer: Viewer, organisation_id: int, user_id: int,
                             now: datetime) -> None:
    await manageable(uow, viewer, organisation_id)
    members = {m.user_id for m in await uow.staff.of_organisation(organisation_id)}
    if user_id not in members or user_id == viewer.user_id:
        raise StaleAction()
    await uow.staff.add(StaffMember(organisation_id, user_id, Role.OWNER))
    await uow.staff.add(StaffMember(organisation_id, viewer.user_id, Role.MEMBER))
    await uow.audit.record("ownership_transferred", organisation_id, viewer.user_id, now)


@dataclass(frozen=True, slots=True)
class JoinRequest:
    deciders: list[User]  # who gets Accept / Decline
    claim: bool  # the organisation has no owner yet (e.g. imported): accepting makes one


async def request_to_join(uow: UnitOfWork, user: User, organisation_id: int,
                          admin_telegram_ids: Collection[int] = ()) -> JoinRequest:
    """The owners decide; an organisation without one (imported) is claimed through its verifiers.
    The request itself travels in the deciders' Accept/Decline buttons."""
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None or organisation.status.closed:
        raise StaleAction()
    await uow.drafts.delete(user.id)
    owners = await owners_of(uow, organisation_id)
    if owners:
        return JoinRequest(owners, claim=False)
    return JoinRequest(await verifiers_of(uow, organisation_id, admin_telegram_ids), claim=True)


async def answerable_join(uow: UnitOfWork, viewer: Viewer, organisation_id: int
                          ) -> tuple[Organisation, bool]:
    """The organisation, and whether answering is a claim; NotAllowed for anyone else."""
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("organisation", organisation_id)
    if await owners_of(uow, organisation_id):
        return await manageable(uow, viewer, organisation_id), False
    if not (viewer.is_platform_admin or supervises(viewer, organisation)):
        raise NotAllowed("manage")
    return organisation, True


async def accept_join_request(uow: UnitOfWork, viewer: Viewer, organisation_id: int, user_id: int,
                              now: datetime) -> tuple[Organisation, User, Role]:
    """The requester joins as a member, or as the owner of an organisation that had none."""
    organisation, claim = await answerable_join(uow, viewer, organisation_id)
    user = await uow.users.get(user_id)
    if user is None:
        raise StaleAction()
    role = Role.OWNER if claim else Role.MEMBER
    current = {m.user_id: m.role for m in await uow.staff.of_organisation(organisation_id)}
    if current.get(user_id) is not Role.OWNER and (claim or user_id not in current):
        await uow.staff.add(StaffMember(organisation_id, user_id, role))
        await uow.audit.record("claimed" if claim else "joined", organisation_id, user_id, now)
    return organisation, user, role


async def pending_review(uow: UnitOfWork, viewer: Viewer) -> list[Organisation]:
    if not can_review(viewer):
        raise NotAllowed("verify")
    return [org for org in await uow.organisations.with_status(OrgStatus.PENDING)
            if can_verify(viewer, org)]
