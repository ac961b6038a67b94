"""Import planning and export shaping, against in-memory fakes of the ports."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from bot.domain import bulk
from bot.domain.bulk import Layout, Outcome, SourceRow, plan_import
from bot.domain.bulk_vocabulary import vocabulary
from bot.domain.entities import (
    Organisation,
    OrgStatus,
    Profile,
    Project,
    ProjectStatus,
    Role,
    Visibility,
)
from bot.domain.errors import NotAllowed
from bot.domain.permissions import Viewer

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def ocha(number: int, name: str, province: str = "AF21", cluster: str = "HEALTH_OP",
         district: str = "Balkh", **more: str) -> SourceRow:
    values = {"org_name": name, "org_acronym": "", "org_type": "National NGO",
              "adm1_code": province, "adm2_name": district, "sector_code": cluster}
    values.update(more)
    return SourceRow(number, values)


def member(number: int, **values: str) -> SourceRow:
    values.setdefault("provinces", "AF21")
    values.setdefault("sectors", "health")
    return SourceRow(number, values)


def org(id: int, name: str, status=OrgStatus.VERIFIED, visibility=Visibility.PUBLIC,
        name_latin: str | None = None, **profile) -> Organisation:
    profile.setdefault("provinces", ("AF21",))
    profile.setdefault("sectors", ("health",))
    return Organisation(id=id, profile=Profile(name=name, kind="ngo", country="AF",
                                               name_latin=name_latin, **profile),
                        status=status, visibility=visibility, created_at=NOW)


def plan(rows, existing=(), layout=Layout.THREE_W):
    return plan_import(layout, rows, existing, TODAY)


# -- OCHA 3W rows ------------------------------------------------------------------------------

def test_rows_of_one_organisation_merge_its_provinces_districts_and_sectors():
    result = plan([
        ocha(3, "Solidarity for Afghan Families", "AF31", "HEALTH_OP", "Qadis", org_acronym="SAF"),
        ocha(4, "Solidarity for Afghan Families ", "AF31", "EiE_OP", "Qadis"),  # trailing space
        ocha(5, "solidarity for afghan families", "AF21", "EDUCATION_OP", "WAKAHn"),
        ocha(6, "Your Voice Organisation", "AF06", "FSAC_OP", "Kot"),
    ])
    assert [(r.number, r.outcome, r.first_row) for r in result.rows] == [
        (3, Outcome.CREATE, None), (4, Outcome.MERGE, 3), (5, Outcome.MERGE, 3),
        (6, Outcome.CREATE, None)]
    saf, yvo = (p.profile for p in result.organisations)
    assert (saf.name, saf.acronym, saf.kind, saf.country) == (
        "Solidarity for Afghan Families", "SAF", "ngo", "AF")
    assert saf.provinces == ("AF31", "AF21")
    assert saf.sectors == ("health", "education")  # EiE_OP and EDUCATION_OP are one sector
    assert saf.districts == "Qadis; Wakhan"  # OCHA's "akha" -> "AKAH" slip repaired
    assert (yvo.provinces, yvo.sectors) == (("AF06",), ("food_security",))


@pytest.mark.parametrize(("code", "sector"), [
    ("EiE_OP", "education"), ("EDUCATION_OP", "education"), ("ESNFI_OP", "shelter"),
    ("ES-NFI", "shelter"), ("FSAC_OP", "food_security"), ("NUTRITION_OP", "nutrition"),
    ("PROTECTION_OP", "protection"), ("WASH_OP", "wash"), ("HEALTH_OP", "health"),
    ("GBV", "protection"), ("CP", "protection"), ("HLP", "protection"), ("PRO-GBV", "protection"),
    ("MA", "mine_action"), ("wash", "wash"), ("food_security", "food_security"),
])
def test_cluster_codes_map_onto_the_registry_sectors(code, sector):
    [planned] = plan([ocha(3, "Org", cluster=code)]).organisations
    assert planned.profile.sectors == (sector,)


def test_an_unknown_cluster_code_is_reported_not_guessed():
    result = plan([ocha(3, "Org", cluster="LOG_OP"), ocha(4, "Org", cluster="CCCM")])
    assert [r.outcome for r in result.rows] == [Outcome.INVALID, Outcome.INVALID]
    assert [(p.column, p.reason, p.value) for p in result.rows[0].problems] == [
        ("sector_code", "unknown", "LOG_OP")]
    assert result.organisations == []


def test_a_cluster_name_is_used_when_the_code_is_unknown():
    row = ocha(3, "Org", cluster="XYZ",
               sector_name="Operatioanl Presence: Water, Sanitation & Hygiene")
    assert plan([row]).organisations[0].profile.sectors == ("wash",)


def test_province_name_when_the_code_is_missing_and_unknown_codes_reported():
    result = plan([ocha(3, "Org A", province="", adm1_name="Hirat"),
                   ocha(4, "Org B", province="AF99", adm1_name=""),
                   ocha(5, "Org C", province="")])
    assert result.organisations[0].profile.provinces == ("AF32",)
    assert [(p.column, p.reason, p.value) for p in result.rows[1].problems] == [
        ("adm1_code", "unknown", "AF99")]
    assert [(p.column, p.reason) for p in result.rows[2].problems] == [("adm1_code", "missing")]
    only_names = SourceRow(6, {"org_name": "Org D", "adm1_name": " ", "sector_code": "WASH_OP"})
    [report] = plan([only_names]).rows
    assert [(p.column, p.reason) for p in report.problems] == [("adm1_name", "missing")]


def test_organisation_types_map_to_kinds():
    result = plan([ocha(3, "Org A", org_type="International NGO"),
                   ocha(4, "Org B", org_type="United Nations"), ocha(5, "Org C", org_type="Red Cross")])
    assert [p.profile.kind for p in result.organisations] == ["ngo", "other", "other"]


def test_a_long_district_list_is_shortened_at_a_name_and_flagged():
    rows = [ocha(n, "Big Org", district=f"District number {n:03}") for n in range(3, 40)]
    [planned] = plan(rows).organisations
    assert planned.districts_shortened
    assert len(planned.profile.districts) <= 300
    assert planned.profile.districts.endswith("; …")
    assert "District number 003; District number 004" in planned.profile.districts


# -- member lists ------------------------------------------------------------------------------

def test_a_member_row_with_names_in_any_language():
    row = member(2, name="شبکه صحی بلخ", name_latin="Balkh Health Network", acronym="BHN",
                 kind="انجمن / اتحادیه", provinces="بلخ؛ Қундуз; Herat", districts="Dehdadi; Nahr-e-Shahi",
                 sectors="صحت; WASH (water, sanitation, hygiene); Ғизо", women_led="بلی",
                 youth_led="нет", disability_led="", year_founded="۱۳۸۷", phone="0701234567",
                 email="Info@Example.org", website="example.org", telegram="@bhn_org")
    [planned] = plan([row], layout=Layout.MEMBER_LIST).organisations
    profile = planned.profile
    assert profile.kind == "association" and profile.country == "AF"
    assert profile.provinces == ("AF21", "AF19", "AF32")
    assert profile.sectors == ("health", "wash", "nutrition")
    assert (profile.women_led, profile.youth_led, profile.disability_led) == (True, False, False)
    assert profile.year_founded == 2008  # Solar Hijri 1387
    assert (profile.phone, profile.email, profile.website, profile.telegram) == (
        "+93701234567", "info@example.org", "https://example.org", "bhn_org")
    assert profile.districts == "Dehdadi; Nahr-e-Shahi"


def test_a_list_written_with_commas_is_accepted_only_if_every_part_is_known():
    result = plan([member(2, name="Org A", provinces="Balkh, Kunduz"),
                   member(3, name="Org B", provinces="Balkh, Atlantis")], layout=Layout.MEMBER_LIST)
    assert result.organisations[0].profile.provinces == ("AF21", "AF19")
    assert [(p.column, p.value) for p in result.rows[1].problems] == [("provinces", "Balkh, Atlantis")]


def test_every_problem_of_a_member_row_is_reported_at_once():
    row = member(7, name="x", provinces="Balkh; Atlantis", sectors="", women_led="maybe",
                 phone="12", email="not-an-email", year_founded="1850", kind="Company")
    [report] = plan([row], layout=Layout.MEMBER_LIST).rows
    assert report.outcome is Outcome.INVALID and report.name == "x"
    assert {(p.column, p.reason) for p in report.problems} == {
        ("name", "too_short"), ("kind", "unknown"), ("provinces", "unknown"),
        ("sectors", "missing"), ("women_led", "not_yes_no"), ("phone", "not_a_phone"),
        ("email", "not_an_email"), ("year_founded", "out_of_range")}


def test_provinces_must_lie_in_one_country():
    result = plan([member(2, name="Org A", provinces="Balkh; Dushanbe"),
                   member(3, name="Org B", country="Tajikistan", provinces="Balkh")],
                  layout=Layout.MEMBER_LIST)
    assert [(p.column, p.reason) for p in result.rows[0].problems] == [("provinces", "mixed_countries")]
    assert [(p.column, p.reason, p.value) for p in result.rows[1].problems] == [
        ("provinces", "wrong_country", "AF21")]


def test_the_same_organisation_in_another_country_is_invalid():
    result = plan([member(2, name="Hamkori", provinces="Balkh"),
                   member(3, name="Ҳамкорӣ", provinces="Dushanbe")], layout=Layout.MEMBER_LIST)
    assert result.rows[1].outcome is Outcome.INVALID
    assert result.rows[1].problems[0].other_row == 2


def test_formula_cells_are_plain_text():
    formula = "=HYPERLINK(\"http://evil.example\",\"Click\")"
    result = plan([member(2, name=formula, description="=1+2", sectors="health")],
                  layout=Layout.MEMBER_LIST)
    [planned] = result.organisations
    assert planned.profile.name == formula and planned.profile.description == "=1+2"


def test_empty_cells_leave_optional_fields_empty_and_kind_defaults_to_ngo():
    [planned] = plan([member(2, name="Plain")], layout=Layout.MEMBER_LIST).organisations
    assert (planned.profile.kind, planned.profile.phone, planned.profile.districts) == (
        "ngo", None, None)


# -- duplicates -----------------------------------------------------------------------------------

def test_duplicates_of_the_registry_in_any_script_are_not_created():
    existing = [org(12, "همکاری"), org(15, "Balkh Health Network", name_latin="BHN Latin"),
                org(20, "Withdrawn Org", status=OrgStatus.WITHDRAWN)]
    result = plan([member(2, name="Ҳамкорӣ"), member(3, name="Hamkari"),
                   member(4, name="شبکه صحی", name_latin="Balkh Health Network"),
                   member(5, name="WITHDRAWN ORG "), member(6, name="A New Organisation")],
                  existing, layout=Layout.MEMBER_LIST)
    assert [(r.outcome, r.existing_id) for r in result.rows] == [
        (Outcome.DUPLICATE, 12), (Outcome.DUPLICATE, 12), (Outcome.DUPLICATE, 15),
        (Outcome.DUPLICATE, 20), (Outcome.CREATE, None)]
    assert [p.profile.name for p in result.organisations] == ["A New Organisation"]


def test_rows_in_different_scripts_are_one_organisation():
    result = plan([member(2, name="Hamkori", provinces="Balkh"),
                   member(3, name="همکاری", provinces="Kunduz")], layout=Layout.MEMBER_LIST)
    assert [r.outcome for r in result.rows] == [Outcome.CREATE, Outcome.MERGE]
    assert result.organisations[0].profile.provinces == ("AF21", "AF19")


def test_an_invalid_first_row_lets_a_later_valid_row_create():
    result = plan([ocha(3, "Org", cluster="LOG_OP"), ocha(4, "Org")])
    assert [r.outcome for r in result.rows] == [Outcome.INVALID, Outcome.CREATE]
    assert result.organisations[0].first_row == 4


def test_vocabulary_indexes_have_no_conflicting_keys():
    words = vocabulary()
    for sector in ("education", "health", "wash", "mine_action", "other"):
        assert words.sector(sector) == sector
    assert words.province("AF21") == "AF21" and words.province("tjk001") == "TJK001"


# -- through the unit of work ---------------------------------------------------------------------

@dataclass
class FakeOrganisations:
    rows: dict[int, Organisation] = field(default_factory=dict)

    async def add(self, organisation: Organisation) -> Organisation:
        organisation.id = len(self.rows) + 1
        self.rows[organisation.id] = organisation
        return organisation

    async def all_active(self) -> list[Organisation]:
        return [o for o in self.rows.values()
                if o.status in {OrgStatus.PENDING, OrgStatus.VERIFIED}]

    async def with_status(self, status: OrgStatus) -> list[Organisation]:
        return [o for o in self.rows.values() if o.status is status]


@dataclass
class FakeProjects:
    rows: list[Project] = field(default_factory=list)

    async def of_organisation(self, organisation_id: int) -> list[Project]:
        return [p for p in self.rows if p.organisation_id == organisation_id]


@dataclass
class FakeAudit:
    entries: list[tuple] = field(default_factory=list)

    async def record(self, action, organisation_id, actor_user_id, at) -> None:
        self.entries.append((action, organisation_id, actor_user_id))


@dataclass
class FakeUnitOfWork:
    organisations: FakeOrganisations = field(default_factory=FakeOrganisations)
    projects: FakeProjects = field(default_factory=FakeProjects)
    audit: FakeAudit = field(default_factory=FakeAudit)


@asynccontextmanager
async def same(uow):
    yield uow


async def test_a_real_run_creates_verified_network_organisations_and_audits_them():
    uow = FakeUnitOfWork()
    await uow.organisations.add(org(0, "Existing", status=OrgStatus.REJECTED))
    rows = [ocha(3, "New Org"), ocha(4, "New Org", province="AF19"), ocha(5, "existing")]
    admin = Viewer(user_id=7, is_platform_admin=True)
    result = await bulk.run_import(uow, Layout.THREE_W, rows, actor=admin, now=NOW, dry_run=False)
    created = uow.organisations.rows[2]
    assert (created.status, created.visibility, created.profile.provinces) == (
        OrgStatus.VERIFIED, Visibility.NETWORK, ("AF21", "AF19"))
    assert result.applied and result.organisations[0].id == 2
    assert result.rows[2].outcome is Outcome.DUPLICATE  # a rejected organisation stays out
    assert uow.audit.entries == [("imported", 2, 7)]


async def test_a_dry_run_writes_nothing_and_only_admins_may_import():
    uow = FakeUnitOfWork()
    result = await bulk.run_import(uow, Layout.THREE_W, [ocha(3, "Org A")], actor=None, now=NOW,
                                   dry_run=True)
    assert len(result.organisations) == 1 and not result.applied
    assert uow.organisations.rows == {} and uow.audit.entries == []
    with pytest.raises(NotAllowed):
        await bulk.run_import(uow, Layout.THREE_W, [ocha(3, "Org A")], actor=Viewer(user_id=3),
                              now=NOW, dry_run=False)
    assert uow.organisations.rows == {}


async def test_export_shows_each_viewer_only_what_they_may_see():
    uow = FakeUnitOfWork()
    contacts = {"phone": "+93701234567", "email": "a@example.org"}
    for name, status, visibility in [
        ("Public", OrgStatus.VERIFIED, Visibility.PUBLIC),
        ("Network", OrgStatus.VERIFIED, Visibility.NETWORK),
        ("Hidden", OrgStatus.VERIFIED, Visibility.HIDDEN),
        ("Pending public", OrgStatus.PENDING, Visibility.PUBLIC),
        ("Withdrawn", OrgStatus.WITHDRAWN, Visibility.PUBLIC),
    ]:
        await uow.organisations.add(org(0, name, status, visibility, **contacts))
    peer = Viewer(user_id=9, roles={99: Role.MEMBER}, verified_org_ids=frozenset({99}))

    def names(exported):
        return [item.organisation.profile.name for item in exported]

    anyone = await bulk.registry_export(uow, bulk.ANYONE)
    assert names(anyone) == ["Public", "Pending public"]
    assert all(item.organisation.profile.phone is None for item in anyone)
    assert names(await bulk.registry_export(uow, peer)) == ["Public", "Network", "Pending public"]
    operator = await bulk.registry_export(uow, bulk.OPERATOR)
    assert names(operator) == ["Public", "Network", "Hidden", "Pending public"]
    assert all(item.organisation.profile.phone == "+93701234567" for item in operator)
    assert uow.organisations.rows[1].profile.phone == "+93701234567"  # the registry is untouched


def test_presence_rows_follow_projects_then_uncovered_profile_pairs():
    organisation = org(1, "A", provinces=("AF21", "AF19"), sectors=("health", "wash"))
    project = Project(id=5, organisation_id=1, title="Clinics", sectors=("health",),
                      provinces=("AF21",), status=ProjectStatus.ACTIVE, start=date(2024, 7, 1))
    rows = bulk.presence_rows([bulk.ExportedOrganisation(organisation, (project,))])
    assert [(r.sector, r.province, r.project.id if r.project else None) for r in rows] == [
        ("health", "AF21", 5), ("health", "AF19", None), ("wash", "AF21", None),
        ("wash", "AF19", None)]
