"""Coordination bodies: creating them, their admins, memberships (asked, offered, answered,
ended), the linked Telegram group and each user's mute. Rules in permissions.py."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.domain import validation
from bot.domain.entities import CoordinationBody, MembershipAsk, Organisation, User
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.organisations import owners_of
from bot.domain.permissions import (
    Viewer,
    can_create_body,
    can_link_group,
    can_manage_members,
    can_speak_for,
)
from bot.domain.ports import UnitOfWork

BODY_NAME_MAX = 150
REGION_MAX = 100
COUNTRIES = ("AF", "TJ")


def body_name(value: str) -> str:
    return validation.text_field("body_name", value, BODY_NAME_MAX, minimum=2)


def region(value: str) -> str:
    return validation.text_field("region", value, REGION_MAX)


def description(value: str) -> str:
    return validation.description(value)


async def get(uow: UnitOfWork, body_id: int) -> CoordinationBody:
    body = await uow.bodies.get(body_id)
    if body is None:
        raise NotFound("body", body_id)
    return body


async def create(uow: UnitOfWork, viewer: Viewer, body: CoordinationBody, now: datetime
                 ) -> CoordinationBody:
    if not can_create_body(viewer):
        raise NotAllowed("create_body")
    if body.country not in COUNTRIES:
        raise InvalidValue("country", "unknown")
    body.name = body_name(body.name)
    body.names = {locale: body_name(name) for locale, name in body.names.items() if name}
    created = await uow.bodies.add(body, now)
    await uow.audit.record("body_created", None, viewer.user_id, now)
    return created


@dataclass(frozen=True)
class Overview:
    body: CoordinationBody
    member_count: int


async def overview(uow: UnitOfWork) -> list[Overview]:
    """Every body with its number of members: bodies are public, their member lists are not."""
    return [Overview(body, await uow.bodies.member_count(body.id)) for body in await uow.bodies.all()]


# -- admins ---------------------------------------------------------------------------------------

async def candidates_for_admin(uow: UnitOfWork, viewer: Viewer, body_id: int
                               ) -> list[tuple[User, Organisation]]:
    """Users of member organisations, who may be appointed (body admins come from members)."""
    if not can_create_body(viewer):
        raise NotAllowed("appoint_admin")
    await get(uow, body_id)
    members = await uow.organisations.get_many(await uow.bodies.member_ids(body_id))
    staff = await uow.staff.of_organisations(list(members))
    users = await uow.users.get_many(sorted({member.user_id for member in staff}))
    seen: set[int] = set()
    found = []
    for member in staff:
        if member.user_id in users and member.user_id not in seen:
            seen.add(member.user_id)
            found.append((users[member.user_id], members[member.organisation_id]))
    return found


async def appoint_admin(uow: UnitOfWork, viewer: Viewer, body_id: int, user_id: int,
                        now: datetime) -> User:
    candidates = {user.id: user for user, _ in await candidates_for_admin(uow, viewer, body_id)}
    if user_id not in candidates:
        raise StaleAction()  # no longer staff of a member organisation
    await uow.bodies.add_admin(body_id, user_id)
    await uow.audit.record("body_admin_appointed", None, viewer.user_id, now)
    return candidates[user_id]


async def dismiss_admin(uow: UnitOfWork, viewer: Viewer, body_id: int, user_id: int,
                        now: datetime) -> None:
    if not can_create_body(viewer):
        raise NotAllowed("dismiss_admin")
    await uow.bodies.remove_admin(body_id, user_id)
    await uow.audit.record("body_admin_dismissed", None, viewer.user_id, now)


async def admins(uow: UnitOfWork, body_id: int) -> list[User]:
    found = await uow.users.get_many(await uow.bodies.admins_of(body_id))
    return [found[user_id] for user_id in sorted(found)]


# -- memberships ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MembershipNews:
    """What happened to a membership, and who should hear of it (each in their language)."""

    body: CoordinationBody
    organisation: Organisation
    to_tell: list[User]
    ask: MembershipAsk | None = None  # what was answered, for answers


async def _organisation(uow: UnitOfWork, organisation_id: int) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("organisation", organisation_id)
    return organisation


async def deciders_for_requests(uow: UnitOfWork, body_id: int,
                                platform_admin_ids: Collection[int]) -> list[User]:
    """The body's admins; platform administrators while the body has none yet."""
    found = await admins(uow, body_id)
    if found:
        return found
    users = [await uow.users.by_telegram_id(telegram_id) for telegram_id in platform_admin_ids]
    return [user for user in users if user is not None]


async def request_membership(uow: UnitOfWork, viewer: Viewer, body_id: int, organisation_id: int,
                             now: datetime, platform_admin_ids: Collection[int]) -> MembershipNews:
    body = await get(uow, body_id)
    organisation = await _organisation(uow, organisation_id)
    if not can_speak_for(viewer, organisation_id):
        raise NotAllowed("request_membership")
    if organisation.status.closed:
        raise NotAllowed("request_membership")
    if await uow.bodies.is_member(body_id, organisation_id):
        raise StaleAction()
    if await uow.bodies.ask_of(body_id, organisation_id) is MembershipAsk.INVITATION:
        # Invited already: asking is accepting.
        return await answer(uow, viewer, body_id, organisation_id, True, now)
    await uow.bodies.put_ask(body_id, organisation_id, MembershipAsk.REQUEST, now)
    return MembershipNews(body, organisation,
                          await deciders_for_requests(uow, body_id, platform_admin_ids))


async def invite(uow: UnitOfWork, viewer: Viewer, body_id: int, organisation_id: int,
                 now: datetime) -> MembershipNews:
    body = await get(uow, body_id)
    if not can_manage_members(viewer, body_id):
        raise NotAllowed("invite_member")
    organisation = await _organisation(uow, organisation_id)
    if organisation.status.closed:
        raise NotAllowed("invite_member")
    if await uow.bodies.is_member(body_id, organisation_id):
        raise StaleAction()
    if await uow.bodies.ask_of(body_id, organisation_id) is MembershipAsk.REQUEST:
        return await answer(uow, viewer, body_id, organisation_id, True, now)
    await uow.bodies.put_ask(body_id, organisation_id, MembershipAsk.INVITATION, now)
    return MembershipNews(body, organisation, await owners_of(uow, organisation_id))


async def answer(uow: UnitOfWork, viewer: Viewer, body_id: int, organisation_id: int,
                 accept: bool, now: datetime) -> MembershipNews:
    """A request is answered by the body's admins, an invitation by the organisation's owners;
    the other side is told."""
    body = await get(uow, body_id)
    organisation = await _organisation(uow, organisation_id)
    ask = await uow.bodies.ask_of(body_id, organisation_id)
    if ask is None:
        raise StaleAction()  # answered already, or withdrawn
    if ask is MembershipAsk.REQUEST:
        if not can_manage_members(viewer, body_id):
            raise NotAllowed("answer_request")
        to_tell = await owners_of(uow, organisation_id)
    else:
        if not can_speak_for(viewer, organisation_id):
            raise NotAllowed("answer_invitation")
        to_tell = await admins(uow, body_id)
    await uow.bodies.delete_ask(body_id, organisation_id)
    if accept:
        await uow.bodies.add_member(body_id, organisation_id, now)
        await uow.audit.record("body_member_added", organisation_id, viewer.user_id, now)
    return MembershipNews(body, organisation,
                          [user for user in to_tell if user.id != viewer.user_id], ask)


async def remove(uow: UnitOfWork, viewer: Viewer, body_id: int, organisation_id: int,
                 now: datetime) -> MembershipNews:
    """An admin removes a member, or an owner takes their organisation out."""
    body = await get(uow, body_id)
    organisation = await _organisation(uow, organisation_id)
    leaving = can_speak_for(viewer, organisation_id)
    if not (can_manage_members(viewer, body_id) or leaving):
        raise NotAllowed("remove_member")
    if not await uow.bodies.is_member(body_id, organisation_id):
        raise StaleAction()
    await uow.bodies.remove_member(body_id, organisation_id)
    await uow.audit.record("body_member_removed", organisation_id, viewer.user_id, now)
    to_tell = await (admins(uow, body_id) if leaving else owners_of(uow, organisation_id))
    return MembershipNews(body, organisation,
                          [user for user in to_tell if user.id != viewer.user_id])


async def members(uow: UnitOfWork, viewer: Viewer, body_id: int) -> list[Organisation]:
    """The member list with each organisation's status, for those who manage it."""
    if not can_manage_members(viewer, body_id):
        raise NotAllowed("list_members")
    await get(uow, body_id)
    found = await uow.organisations.get_many(await uow.bodies.member_ids(body_id))
    return sorted(found.values(), key=lambda organisation: organisation.profile.name.casefold())


async def open_asks(uow: UnitOfWork, viewer: Viewer, body_id: int
                    ) -> list[tuple[Organisation, MembershipAsk]]:
    if not can_manage_members(viewer, body_id):
        raise NotAllowed("list_members")
    asks = await uow.bodies.asks_of(body_id)
    found = await uow.organisations.get_many(list(asks))
    return [(found[organisation_id], kind) for organisation_id, kind in asks.items()
            if organisation_id in found]


async def relations(uow: UnitOfWork, viewer: Viewer, body_id: int
                    ) -> list[tuple[Organisation, bool, MembershipAsk | None]]:
    """The viewer's own organisations, each with: member already? an open ask?"""
    found = []
    for organisation_id in sorted(viewer.roles):
        organisation = await uow.organisations.get(organisation_id)
        if organisation is not None:
            found.append((organisation, await uow.bodies.is_member(body_id, organisation_id),
                          await uow.bodies.ask_of(body_id, organisation_id)))
    return found


# -- the linked group and mutes --------------------------------------------------------------------

async def administered_bodies(uow: UnitOfWork, viewer: Viewer) -> list[CoordinationBody]:
    """The bodies this user administers (they announce for them and link their groups)."""
    bodies = [await uow.bodies.get(body_id) for body_id in sorted(viewer.administered_body_ids)]
    return [body for body in bodies if body is not None]


async def link_group(uow: UnitOfWork, viewer: Viewer, body_id: int, chat_id: int,
                     now: datetime) -> CoordinationBody:
    body = await get(uow, body_id)
    if not can_link_group(viewer, body_id):
        raise NotAllowed("link_group")
    previous = await uow.bodies.by_group(chat_id)
    if previous is not None and previous.id != body_id:  # one group speaks for one body
        await uow.bodies.set_group(previous.id, None)
    await uow.bodies.set_group(body_id, chat_id)
    body.group_chat_id = chat_id
    await uow.audit.record("body_group_linked", None, viewer.user_id, now)
    return body


async def unlink_group(uow: UnitOfWork, chat_id: int, now: datetime) -> CoordinationBody | None:
    """The bot left or was removed from the group: nothing more is sent there."""
    body = await uow.bodies.by_group(chat_id)
    if body is not None:
        await uow.bodies.set_group(body.id, None)
        await uow.audit.record("body_group_unlinked", None, None, now)
    return body


async def group_moved(uow: UnitOfWork, old_chat_id: int, new_chat_id: int) -> None:
    """A group upgraded to a supergroup gets a new id; the link follows it."""
    body = await uow.bodies.by_group(old_chat_id)
    if body is not None:
        await uow.bodies.set_group(body.id, new_chat_id)


async def bodies_of_user(uow: UnitOfWork, viewer: Viewer) -> list[tuple[CoordinationBody, bool]]:
    """The bodies whose announcements this user receives, each with: muted?"""
    body_ids: set[int] = set()
    for organisation_id in viewer.roles:
        body_ids.update(await uow.bodies.bodies_of(organisation_id))
    muted = await uow.bodies.muted_by(viewer.user_id)
    bodies = [await uow.bodies.get(body_id) for body_id in sorted(body_ids)]
    return [(body, body.id in muted) for body in bodies if body is not None]


async def set_muted(uow: UnitOfWork, user: User, body_id: int, muted: bool) -> CoordinationBody:
    body = await get(uow, body_id)
    await uow.bodies.set_muted(body_id, user.id, muted)
    return body
