from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


@dataclass(slots=True)
class User:
    """A person using the bot. ``locale`` is the language everything is rendered in for them."""

    id: int | None
    telegram_user_id: int
    locale: str
    created_at: datetime
    # Telegram first name, kept so owners can tell their staff apart; refreshed on each update.
    display_name: str | None = None
    # Set when Telegram answered 403 (blocked the bot); cleared when they write to it again.
    unreachable_since: datetime | None = None
    # Chosen in /settings; None: times are shown in the zone of the meeting's body.
    time_zone: str | None = None


class OrgStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def closed(self) -> bool:
        """Withdrawn or rejected: out of the registry for everyone but its own staff."""
        return self in {OrgStatus.WITHDRAWN, OrgStatus.REJECTED}


class Visibility(StrEnum):
    PUBLIC = "public"  # anyone using the bot
    NETWORK = "network"  # users of verified organisations
    HIDDEN = "hidden"  # only its own staff (and, later, admins of its coordination bodies)


class Role(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"


@dataclass(slots=True)
class Profile:
    """What an organisation says about itself; every field is editable from /myorg."""

    name: str
    kind: str
    country: str
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    name_latin: str | None = None
    acronym: str | None = None
    districts: str | None = None
    women_led: bool = False
    youth_led: bool = False
    disability_led: bool = False
    registration_number: str | None = None
    year_founded: int | None = None
    description: str | None = None
    contact_person: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    telegram: str | None = None

    CONTACT_FIELDS = ("contact_person", "phone", "email", "website", "telegram")


@dataclass(slots=True)
class Organisation:
    id: int | None
    profile: Profile
    status: OrgStatus
    visibility: Visibility
    created_at: datetime
    rejection_reason: str | None = None


@dataclass(slots=True)
class CoordinationBody:
    """A network, platform or round table that organisations belong to.

    ``name`` is the name in the language it was first written in; ``names`` holds it in other
    languages by locale, so each user reads it in theirs when it was given."""

    id: int | None
    name: str
    country: str
    names: dict[str, str] = field(default_factory=dict)
    region: str | None = None
    description: str | None = None
    group_chat_id: int | None = None  # its Telegram group, once the bot was added there

    def name_in(self, locale: str) -> str:
        return self.names.get(locale) or self.name


class MembershipAsk(StrEnum):
    """A membership not yet agreed: asked by the organisation, or offered by the body."""

    REQUEST = "request"  # the organisation asked; the body's admins decide
    INVITATION = "invitation"  # the body invited; the organisation's owners decide


@dataclass(slots=True, frozen=True)
class StaffMember:
    organisation_id: int
    user_id: int
    role: Role


@dataclass(slots=True)
class Project:
    id: int | None
    organisation_id: int
    title: str
    sectors: tuple[str, ...]
    provinces: tuple[str, ...]
    status: ProjectStatus
    start: date | None = None
    end: date | None = None
    districts: str | None = None
    donor: str | None = None


@dataclass(slots=True)
class Draft:
    """A half-finished conversation (registration, an edit, a project), kept in the database so
    it survives restarts. ``data`` holds only JSON-able values."""

    user_id: int
    flow: str
    step: str
    data: dict = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # previous steps, for Back
