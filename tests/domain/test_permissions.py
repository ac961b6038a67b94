"""Who may view, see contacts, edit, manage and verify: the whole matrix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.entities import Organisation, OrgStatus, Profile, Role, Visibility
from bot.domain.permissions import (
    Viewer,
    can_edit,
    can_manage,
    can_review,
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
    # admins of a coordination body: one the organisation belongs to, one it does not
    "body_admin": Viewer(user_id=17, roles={3: Role.MEMBER}, supervised_org_ids=frozenset({ORG_ID})),
    "other_body_admin": Viewer(user_id=18, roles={OTHER_VERIFIED_ORG: Role.OWNER},
                               verified_org_ids=frozenset({OTHER_VERIFIED_ORG}),
                               supervised_org_ids=frozenset({OTHER_VERIFIED_ORG})),
    "body_admin_member": Viewer(user_id=19, roles={ORG_ID: Role.MEMBER},
                                supervised_org_ids=frozenset({ORG_ID})),
}
STAFF_AND_ADMINS = {"member", "owner", "admin", "admin_owner", "body_admin_member"}

# (visibility, status) -> viewers that may view
VIEW = {
    (Visibility.PUBLIC, OrgStatus.VERIFIED): set(VIEWERS),
    (Visibility.PUBLIC, OrgStatus.PENDING): set(VIEWERS),
    (Visibility.NETWORK, OrgStatus.VERIFIED): STAFF_AND_ADMINS | {"verified_peer", "body_admin",
                                                                   "other_body_admin"},
    (Visibility.HIDDEN, OrgStatus.VERIFIED): STAFF_AND_ADMINS | {"body_admin"},
    (Visibility.HIDDEN, OrgStatus.PENDING): STAFF_AND_ADMINS | {"body_admin"},
    # withdrawn: "nobody else sees it until it is sent for review again", body admins included
    (Visibility.PUBLIC, OrgStatus.WITHDRAWN): STAFF_AND_ADMINS,
    (Visibility.PUBLIC, OrgStatus.REJECTED): STAFF_AND_ADMINS,
}
CONTACTS = STAFF_AND_ADMINS | {"verified_peer", "body_admin", "other_body_admin"}


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
    assert can_edit(viewer, organisation) == (
        who in {"member", "owner", "admin_owner", "body_admin_member"})
    assert can_manage(viewer, organisation) == (who in {"owner", "admin_owner"})
    # platform admins and admins of its bodies verify; nobody verifies their own organisation
    assert can_verify(viewer, organisation) == (who in {"admin", "body_admin"})
    assert can_review(viewer) == (
        who in {"admin", "admin_owner", "body_admin", "other_body_admin", "body_admin_member"})
