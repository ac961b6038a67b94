"""Coordination bodies: the permission matrix, audiences and language versions (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.announcements import FIRST, Audience, announcement_text, version_for
from bot.domain.entities import CoordinationBody, Organisation, OrgStatus, Profile, Role, Visibility
from bot.domain.errors import InvalidValue
from bot.domain.permissions import (
    Viewer,
    can_announce,
    can_create_body,
    can_link_group,
    can_manage_members,
    can_speak_for,
)

BODY, OTHER_BODY, ORG = 1, 2, 7

VIEWERS = {
    "stranger": Viewer(user_id=1),
    "org_owner": Viewer(user_id=2, roles={ORG: Role.OWNER}),
    "org_member": Viewer(user_id=3, roles={ORG: Role.MEMBER}),
    "body_admin": Viewer(user_id=4, roles={9: Role.MEMBER}, administered_body_ids=frozenset({BODY})),
    "other_body_admin": Viewer(user_id=5, administered_body_ids=frozenset({OTHER_BODY})),
    "platform_admin": Viewer(user_id=6, is_platform_admin=True),
}

# viewer: (create bodies, manage members of BODY, announce for BODY, link BODY's group,
#          speak for ORG: ask to join, accept an invitation, leave)
EXPECTED = {
    "stranger": (False, False, False, False, False),
    "org_owner": (False, False, False, False, True),
    "org_member": (False, False, False, False, False),
    "body_admin": (False, True, True, True, False),
    "other_body_admin": (False, False, False, False, False),
    "platform_admin": (True, True, False, False, False),
}


@pytest.mark.parametrize("name", VIEWERS)
def test_permission_matrix(name):
    viewer = VIEWERS[name]
    assert (can_create_body(viewer), can_manage_members(viewer, BODY), can_announce(viewer, BODY),
            can_link_group(viewer, BODY), can_speak_for(viewer, ORG)) == EXPECTED[name]


def organisation(sectors: tuple[str, ...], provinces: tuple[str, ...]) -> Organisation:
    return Organisation(id=ORG, profile=Profile(name="N", kind="ngo", country="AF", sectors=sectors,
                                                provinces=provinces),
                        status=OrgStatus.VERIFIED, visibility=Visibility.PUBLIC,
                        created_at=datetime.now(UTC))


@pytest.mark.parametrize(("audience", "admitted"), [
    (Audience(), True),
    (Audience(sectors=("health",)), True),
    (Audience(sectors=("education", "health")), True),  # any of the sectors
    (Audience(sectors=("education",)), False),
    (Audience(provinces=("AF19",)), True),
    (Audience(sectors=("health",), provinces=("AF01",)), False),  # both filters must match
    (Audience(sectors=("wash", "health"), provinces=("AF01", "AF21")), True),
])
def test_audience_filters_by_any_sector_and_any_province(audience, admitted):
    assert audience.admits(organisation(("health", "nutrition"), ("AF21", "AF19"))) is admitted


def test_each_language_gets_its_version_and_the_others_the_first():
    versions = {FIRST: "Meeting on Monday", "ps": "د دوشنبې غونډه"}
    assert version_for(versions, "ps") == "د دوشنبې غونډه"
    assert version_for(versions, "tg") == "Meeting on Monday"
    assert version_for(versions, None) == "Meeting on Monday"  # the linked group


def test_announcement_text_limits_and_cleaning():
    assert announcement_text("  Line one\u200b\n\n\u202eLine two  ", False) == "Line one\nLine two"
    with pytest.raises(InvalidValue) as error:
        announcement_text("x" * 901, True)  # a document's caption is short
    assert (error.value.reason, error.value.maximum) == ("too_long", 900)
    assert announcement_text("x" * 3500, False)
    with pytest.raises(InvalidValue):
        announcement_text("x" * 3501, False)
    with pytest.raises(InvalidValue):
        announcement_text(" \u200b ", False)


def test_a_body_name_falls_back_to_the_first_one():
    body = CoordinationBody(id=1, name="Balkh CSO Network", country="AF",
                            names={"fa_AF": "شبکه نهادهای مدنی بلخ"})
    assert body.name_in("fa_AF") == "شبکه نهادهای مدنی بلخ"
    assert body.name_in("tg") == "Balkh CSO Network"


def test_an_audience_filter_toggles_known_codes_of_the_bodys_country_only():
    from bot.domain.announcements import toggle_filter
    from bot.domain.reference import load_reference

    ref, data = load_reference(), {"sectors": [], "provinces": []}
    toggle_filter(ref, "AF", data, "sectors", "health")
    toggle_filter(ref, "AF", data, "provinces", "AF01")
    toggle_filter(ref, "AF", data, "provinces", "TJK001")  # another country's: ignored
    toggle_filter(ref, "AF", data, "sectors", "nonsense")  # a forged button: ignored
    assert data == {"sectors": ["health"], "provinces": ["AF01"]}
    toggle_filter(ref, "AF", data, "sectors", "health")  # pressed again: removed
    assert Audience.from_dict(data) == Audience((), ("AF01",))
