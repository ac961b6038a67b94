"""Announcements: a body admin writes once (optionally once per language), chooses the audience,
and every recipient gets their own language through the outbox. The sender's progress and final
report are counted from the outbox rows, so they stay true across restarts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain import validation
from bot.domain.bodies import get as get_body
from bot.domain.delivery import Delivery, DeliveryStatus, Priority
from bot.domain.entities import CoordinationBody, Organisation, User
from bot.domain.errors import InvalidValue, NotAllowed
from bot.domain.permissions import Viewer, can_announce
from bot.domain.ports import UnitOfWork
from bot.domain.reference import Reference

TEXT_MAX = 3500  # Telegram allows 4096; the rest is for the body's name and the buttons
CAPTION_TEXT_MAX = 900  # with a document the text travels as its caption (1024)
FIRST = "*"  # the version written first, for everyone whose language has none


@dataclass(frozen=True, slots=True)
class Audience:
    """All members, or those working in any of ``sectors`` and in any of ``provinces``."""

    sectors: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()

    def admits(self, organisation: Organisation) -> bool:
        profile = organisation.profile
        return ((not self.sectors or bool(set(self.sectors) & set(profile.sectors)))
                and (not self.provinces or bool(set(self.provinces) & set(profile.provinces))))

    @property
    def everyone(self) -> bool:
        return not (self.sectors or self.provinces)

    @classmethod
    def from_dict(cls, data: dict) -> Audience:
        """From the JSON shape drafts and rows keep it in: {"sectors": [...], "provinces": [...]}."""
        return cls(tuple(data.get("sectors", ())), tuple(data.get("provinces", ())))

    def as_dict(self) -> dict[str, list[str]]:
        return {"sectors": list(self.sectors), "provinces": list(self.provinces)}


def toggle_filter(ref: Reference, country: str, data: dict, kind: str, code: str) -> None:
    """Add or remove a sector or a province (of the body's country) in a draft's audience, kept
    as in ``Audience.as_dict``; a code that is neither is ignored (an old or forged button)."""
    valid = ref.is_sector(code) if kind == "sectors" else (
        ref.is_place(code) and ref.place(code).country == country)
    if valid:
        chosen = data[kind]
        chosen.remove(code) if code in chosen else chosen.append(code)


@dataclass(slots=True)
class Announcement:
    id: int | None
    body_id: int
    sender_user_id: int
    versions: dict[str, str]
    audience: Audience
    created_at: datetime
    document: dict[str, str] | None = None  # {"file_id", "file_name"}
    recipients: int = 0
    muted: int = 0
    unreachable: int = 0  # known before sending to have blocked the bot
    report_chat_id: int | None = None
    report_message_id: int | None = None
    finished_at: datetime | None = None


def announcement_text(value: str, with_document: bool) -> str:
    maximum = CAPTION_TEXT_MAX if with_document else TEXT_MAX
    return validation.text_field("announcement", value, maximum, multiline=True)


def version_for(versions: dict[str, str], locale: str | None) -> str:
    return versions.get(locale or FIRST) or versions[FIRST]


def key_prefix(announcement_id: int) -> str:
    return f"ann:{announcement_id}:"


@dataclass(slots=True)
class Recipients:
    users: list[User] = field(default_factory=list)  # will be sent a message
    muted: int = 0
    unreachable: int = 0  # blocked the bot earlier: nothing is queued for them
    organisations_without_users: int = 0  # in the audience, but nobody of theirs uses the bot
    group_chat_id: int | None = None

    @property
    def count(self) -> int:
        return len(self.users) + (1 if self.group_chat_id else 0)


async def recipients(uow: UnitOfWork, body: CoordinationBody, audience: Audience) -> Recipients:
    """Users of the member organisations in the audience who have started the bot, once each
    however many member organisations they work for, minus those who muted the body."""
    organisations = await uow.organisations.get_many(await uow.bodies.member_ids(body.id))
    chosen = [organisation.id for organisation in organisations.values()
              if not organisation.status.closed
              and audience.admits(organisation)]
    staff = await uow.staff.of_organisations(chosen)
    users = await uow.users.get_many(sorted({member.user_id for member in staff}))
    muted = await uow.bodies.muted_users(body.id)
    found = Recipients(group_chat_id=body.group_chat_id,
                       organisations_without_users=len(set(chosen) - {m.organisation_id
                                                                      for m in staff}))
    for user_id in sorted(users):
        user = users[user_id]
        if user_id in muted:
            found.muted += 1
        elif user.unreachable_since is not None:
            found.unreachable += 1
        else:
            found.users.append(user)
    return found


# Renders one recipient's message: (body, their locale or None for the group, the text) -> payload.
PayloadFor = Callable[[CoordinationBody, str | None, str, dict[str, str] | None], dict[str, Any]]


async def announce(uow: UnitOfWork, viewer: Viewer, body_id: int, versions: dict[str, str],
                   document: dict[str, str] | None, audience: Audience, now: datetime,
                   payload_for: PayloadFor) -> tuple[Announcement, Recipients]:
    """Record the announcement and queue one message per recipient, in one transaction: either
    every message is queued or none is."""
    if not can_announce(viewer, body_id):
        raise NotAllowed("announce")
    if not versions.get(FIRST):
        raise InvalidValue("announcement", "too_short", minimum=1)
    body = await get_body(uow, body_id)
    plan = await recipients(uow, body, audience)
    announcement = await uow.announcements.add(Announcement(
        id=None, body_id=body_id, sender_user_id=viewer.user_id, versions=dict(versions),
        audience=audience, created_at=now, document=document, recipients=plan.count,
        muted=plan.muted, unreachable=plan.unreachable))
    prefix = key_prefix(announcement.id)
    queued = [Delivery(key=f"{prefix}u{user.id}", chat_id=user.telegram_user_id,
                       payload=payload_for(body, user.locale, version_for(versions, user.locale),
                                           document),
                       priority=Priority.BROADCAST) for user in plan.users]
    if plan.group_chat_id:
        queued.append(Delivery(key=f"{prefix}group", chat_id=plan.group_chat_id,
                               payload=payload_for(body, None, versions[FIRST], document),
                               priority=Priority.BROADCAST))
    await uow.deliveries.enqueue_many(queued, now)
    await uow.audit.record("announced", None, viewer.user_id, now)
    return announcement, plan


@dataclass(frozen=True, slots=True)
class Report:
    delivered: int
    failed: int
    unreachable: int
    muted: int
    waiting: int
    total: int

    @property
    def finished(self) -> bool:
        return self.waiting == 0


async def report(uow: UnitOfWork, announcement: Announcement) -> Report:
    counts = await uow.deliveries.counts(key_prefix(announcement.id))
    return Report(delivered=counts.get(DeliveryStatus.SENT, 0),
                  failed=counts.get(DeliveryStatus.FAILED, 0),
                  unreachable=counts.get(DeliveryStatus.UNREACHABLE, 0) + announcement.unreachable,
                  muted=announcement.muted, waiting=counts.get(DeliveryStatus.PENDING, 0),
                  total=announcement.recipients)
