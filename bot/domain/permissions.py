"""Who may do what with an organisation. Pure functions over a Viewer, tested as a matrix."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.entities import Organisation, OrgStatus, Role, Visibility


@dataclass(frozen=True, slots=True)
class Viewer:
    """The acting user as the rules see them."""

    user_id: int
    is_platform_admin: bool = False
    roles: dict[int, Role] = field(default_factory=dict)  # organisation id -> role
    verified_org_ids: frozenset[int] = frozenset()  # the subset of theirs that is verified
    # Members of the coordination bodies this user administers.
    supervised_org_ids: frozenset[int] = frozenset()
    administered_body_ids: frozenset[int] = frozenset()

    def role_in(self, organisation_id: int | None) -> Role | None:
        return self.roles.get(organisation_id) if organisation_id is not None else None

    @property
    def in_verified_org(self) -> bool:
        return bool(self.verified_org_ids)


def is_staff(viewer: Viewer, org: Organisation) -> bool:
    return viewer.role_in(org.id) is not None


def supervises(viewer: Viewer, org: Organisation) -> bool:
    """An admin of a coordination body this organisation belongs to."""
    return org.id in viewer.supervised_org_ids


def can_view(viewer: Viewer, org: Organisation) -> bool:
    return may_view(viewer, org.id, org.status, org.visibility)


def may_view(viewer: Viewer, organisation_id: int | None, status: OrgStatus,
             visibility: Visibility) -> bool:
    """can_view on the three facts it needs, for callers (the search index) without a whole profile."""
    if viewer.role_in(organisation_id) is not None or viewer.is_platform_admin:
        return True
    if status.closed:
        return False
    if organisation_id in viewer.supervised_org_ids:  # hidden from others, not from its bodies' admins
        return True
    if visibility is Visibility.PUBLIC:
        return True
    if visibility is Visibility.NETWORK:
        return viewer.in_verified_org
    return False


def can_see_contacts(viewer: Viewer, org: Organisation) -> bool:
    """Contact details only for users of verified organisations, whatever the visibility."""
    return can_view(viewer, org) and (
        is_staff(viewer, org) or viewer.is_platform_admin or supervises(viewer, org)
        or viewer.in_verified_org
    )


def can_edit(viewer: Viewer, org: Organisation) -> bool:
    return is_staff(viewer, org)


def can_manage(viewer: Viewer, org: Organisation) -> bool:
    """Staff, visibility, ownership, withdrawal and deletion: the owner only."""
    return viewer.role_in(org.id) is Role.OWNER


def can_verify(viewer: Viewer, org: Organisation) -> bool:
    # Nobody verifies their own organisation.
    return (viewer.is_platform_admin or supervises(viewer, org)) and not is_staff(viewer, org)


def can_review(viewer: Viewer) -> bool:
    """May see the queue of organisations waiting for verification."""
    return viewer.is_platform_admin or bool(viewer.supervised_org_ids)


# -- coordination bodies -------------------------------------------------------------------------

def administers(viewer: Viewer, body_id: int) -> bool:
    return body_id in viewer.administered_body_ids


def can_create_body(viewer: Viewer) -> bool:
    """Creating bodies and appointing or dismissing their admins."""
    return viewer.is_platform_admin


def can_manage_members(viewer: Viewer, body_id: int) -> bool:
    """Approve, decline, invite, remove and list the members of one body."""
    return viewer.is_platform_admin or administers(viewer, body_id)


def can_announce(viewer: Viewer, body_id: int) -> bool:
    """Announcements speak for the body: its own admins only, not every platform admin."""
    return administers(viewer, body_id)


def can_link_group(viewer: Viewer, body_id: int) -> bool:
    return administers(viewer, body_id)


def can_speak_for(viewer: Viewer, organisation_id: int) -> bool:
    """Joining or leaving a body commits the whole organisation: its owners decide."""
    return viewer.role_in(organisation_id) is Role.OWNER
