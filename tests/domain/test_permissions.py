"""Who may view, see contacts, edit, manage and verify: the whole matrix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.entities import Organisation, OrgStatus, Profile, Role, Visibility
from bot.domain.permissions import (
    Viewer,
    can_edit,
    can_manage,
    can_see_contacts,
    can_verify,
    can_view,
)

ORG_ID = 1
OTHER_VERIFIED_ORG = 2


def org(status: OrgStatus, visibility: Visibility) -> Organisation:
    return Organisation(id=ORG_ID, profile=Profile(name="Hamkari", kind="ngo", country="AF"),
                        status=status, visibility=visibility, created_at=datetime.now(UTC))


VIEWERS = {
    "stranger": Viewer(user_id=10),
    "pending_peer": Viewer(user_id=11, roles={3: Role.OWNER}),
    "verified_peer": Viewer(user_id=12, roles={OTHER_VERIFIED_ORG: Role.MEMBER},
                            verified_org_ids=frozenset({OTHER_VERIFIED_ORG})),
    "member": Viewer(user_id=13, roles={ORG_ID: Role.MEMBER}),
    "owner": Viewer(user_id=14, roles={ORG_ID: Role.OWNER}),
    "admin": Viewer(user_id=15, is_platform_admin=True),
    "admin_owner": Viewer(user_id=16, is_platform_admin=True, roles={ORG_ID: Role.OWNER}),
}

# (visibility, status) -> viewers that may view
VIEW = {
    (Visibility.PUBLIC, OrgStatus.VERIFIED): set(VIEWERS),
    (Visibility.PUBLIC, OrgStatus.PENDING): set(VIEWERS),
    (Visibility.NETWORK, OrgStatus.VERIFIED): {"verified_peer", "member", "owner", "admin",
                                               "admin_owner"},
    (Visibility.HIDDEN, OrgStatus.VERIFIED): {"member", "owner", "admin", "admin_owner"},
    (Visibility.PUBLIC, OrgStatus.WITHDRAWN): {"member", "owner", "admin", "admin_owner"},
    (Visibility.PUBLIC, OrgStatus.REJECTED): {"member", "owner", "admin", "admin_owner"},
}
CONTACTS = {"verified_peer", "member", "owner", "admin", "admin_owner"}


@pytest.mark.parametrize(("visibility", "status"), list(VIEW))
@pytest.mark.parametrize("who", list(VIEWERS))
def test_view_and_contacts(who, visibility, status):
    organisation, viewer = org(status, visibility), VIEWERS[who]
    assert can_view(viewer, organisation) == (who in VIEW[(visibility, status)])
    # contacts: only users of verified organisations (and own staff, admins), never more than view
    assert can_see_contacts(viewer, organisation) == (
        who in VIEW[(visibility, status)] and who in CONTACTS)


@pytest.mark.parametrize("who", list(VIEWERS))
def test_edit_manage_verify(who):
    organisation, viewer = org(OrgStatus.PENDING, Visibility.PUBLIC), VIEWERS[who]
    assert can_edit(viewer, organisation) == (who in {"member", "owner", "admin_owner"})
    assert can_manage(viewer, organisation) == (who in {"owner", "admin_owner"})
    # an administrator never verifies their own organisation
    assert can_verify(viewer, organisation) == (who == "admin")
