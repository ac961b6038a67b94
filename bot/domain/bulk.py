"""Bulk data: importing member lists and OCHA 3W files, exporting the registry.

File formats live in bot/bulk; here rows arrive as canonical column -> cell text and leave as
an ImportPlan: per row, what would happen (create, merge into an earlier row, duplicate of an
organisation already in the registry, invalid and why), and the organisations to create. The
same plan is computed for a dry run and for the real run; the real run writes it in the caller's
single unit of work, so it is all or nothing. Invalid rows and duplicates are skipped, never
half-applied, and an existing organisation is never changed by an import.

Imported organisations are verified (a platform administrator vouches for the list), visible to
the network only, and have no owner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from bot.domain import validation
from bot.domain.bulk_vocabulary import Vocabulary, vocabulary
from bot.domain.entities import Organisation, OrgStatus, Profile, Project, Visibility
from bot.domain.errors import InvalidValue, NotAllowed
from bot.domain.permissions import Viewer, can_see_contacts, can_view
from bot.domain.ports import UnitOfWork
from bot.domain.registration import name_keys, validate_text
from bot.domain.text import clean_text, fold

IMPORTED = "imported"  # the audit action
# Who the command line acts as: the operator sees everything; "anyone" is a stranger.
OPERATOR = Viewer(user_id=0, is_platform_admin=True)
ANYONE = Viewer(user_id=0)
LIST_SEPARATORS = (";", "؛", "\n")
DISTRICT_SEPARATOR = "; "
ELLIPSIS = "…"


class Layout(StrEnum):
    MEMBER_LIST = "member_list"
    THREE_W = "3w"


# Canonical columns. A member list uses the profile's own field names.
MEMBER_COLUMNS: tuple[str, ...] = (
    "name", "name_latin", "acronym", "kind", "country", "provinces", "districts", "sectors",
    "women_led", "youth_led", "disability_led", "registration_number", "year_founded",
    "description", "contact_person", "phone", "email", "website", "telegram",
)
MEMBER_REQUIRED: tuple[str, ...] = ("name", "provinces", "sectors")
LEADERSHIP = ("women_led", "youth_led", "disability_led")
_MEMBER_TEXT_FIELDS = ("name_latin", "acronym", "registration_number", "year_founded",
                       "description", "contact_person", "phone", "email", "website", "telegram")
THREE_W_COLUMNS: tuple[str, ...] = (
    "org_name", "org_acronym", "org_type", "adm1_code", "adm1_name", "adm2_name",
    "sector_code", "sector_name",
)


@dataclass(frozen=True, slots=True)
class SourceRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: Mapping[str, str]  # canonical column -> cell text

    def get(self, column: str) -> str:
        """The cell, trimmed; validation cleans further (spaces, invisible controls)."""
        return (self.values.get(column) or "").strip()


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row cannot be imported; reason codes as in InvalidValue, plus the ones below."""

    column: str
    reason: str  # missing | unknown | not_yes_no | mixed_countries | wrong_country | other_country
    value: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    actual: int | None = None
    other_row: int | None = None


class Outcome(StrEnum):
    CREATE = "create"
    MERGE = "merge"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class RowReport:
    number: int
    outcome: Outcome
    name: str | None = None
    first_row: int | None = None  # MERGE: the row whose organisation this row adds to
    existing_id: int | None = None  # DUPLICATE: the registry organisation
    problems: tuple[Problem, ...] = ()


@dataclass(slots=True)
class PlannedOrganisation:
    first_row: int
    profile: Profile
    keys: frozenset[str]
    districts: list[str] = field(default_factory=list)
    districts_shortened: bool = False
    id: int | None = None  # set once created


@dataclass(slots=True)
class ImportPlan:
    layout: Layout
    rows: list[RowReport] = field(default_factory=list)
    organisations: list[PlannedOrganisation] = field(default_factory=list)
    applied: bool = False
    _by_first_row: dict[int, PlannedOrganisation] = field(default_factory=dict, repr=False)

    def add(self, planned: PlannedOrganisation) -> None:
        self.organisations.append(planned)
        self._by_first_row[planned.first_row] = planned

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    def organisation_created_by(self, row_number: int) -> PlannedOrganisation | None:
        return self._by_first_row.get(row_number)


@dataclass(slots=True)
class _Candidate:
    """One valid row, as the organisation it describes."""

    profile: Profile
    districts: list[str]


class _RowErrors(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


# -- reading one row ---------------------------------------------------------------------------

def identity_keys(profile: Profile) -> frozenset[str]:
    """The same organisation in any script: folded names and cross-script Latin keys."""
    keys = {"f:" + fold(profile.name)} | {"l:" + key for key in name_keys(profile)}
    if profile.name_latin:
        keys.add("f:" + fold(profile.name_latin))
    return frozenset(key for key in keys if len(key) > 2)


def split_list(text: str) -> list[str]:
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [clean_text(part) for part in text.split(LIST_SEPARATORS[0]) if clean_text(part)]


class _RowReader:
    """Collects every problem of a row rather than stopping at the first."""

    def __init__(self, row: SourceRow) -> None:
        self.row = row
        self.problems: list[Problem] = []

    def fail(self, column: str, reason: str, value: str | None = None) -> None:
        self.problems.append(Problem(column, reason, value=value))

    def has_problem(self, column: str) -> bool:
        return any(problem.column == column for problem in self.problems)

    def checked(self, column: str, rule: Callable[[str], object]) -> object | None:
        """The cell through a validation rule; None (and a problem) when it breaks the rule."""
        value = self.row.get(column)
        try:
            return rule(value)
        except InvalidValue as error:
            self.problems.append(Problem(column, error.reason, value=value, minimum=error.minimum,
                                         maximum=error.maximum, actual=error.actual))
            return None

    def required(self, column: str, rule: Callable[[str], object]) -> object | None:
        if not self.row.get(column):
            self.fail(column, "missing")
            return None
        return self.checked(column, rule)

    def optional(self, column: str, rule: Callable[[str], object]) -> object | None:
        return self.checked(column, rule) if self.row.get(column) else None

    def done(self) -> None:
        if self.problems:
            raise _RowErrors(self.problems)


def _codes(reader: _RowReader, column: str, lookup: Callable[[str], str | None]) -> list[str]:
    """Each item of a ;-separated list as a code. An unknown item that holds commas may be a
    list written with commas ("Balkh, Kunduz"): accepted only if every part is known."""
    codes: list[str] = []
    for item in split_list(reader.row.get(column)):
        code = lookup(item)
        parts = [part.strip() for part in item.replace("،", ",").split(",") if part.strip()]
        if code is None and len(parts) > 1 and all(lookup(part) for part in parts):
            found = [lookup(part) for part in parts]
        elif code is None:
            reader.fail(column, "unknown", item)
            continue
        else:
            found = [code]
        codes += [c for c in found if c not in codes]
    if not codes and not reader.has_problem(column):
        reader.fail(column, "missing")
    return codes


def _country(reader: _RowReader, words: Vocabulary, provinces: list[str]) -> str | None:
    """The country written, else the one the provinces lie in; provinces must agree with it."""
    written = reader.row.get("country")
    country = words.country(written) if written else None
    if written and country is None:
        reader.fail("country", "unknown", written)
        return None
    countries = {words.country_of_province(code) for code in provinces}
    if country is None and len(countries) > 1:
        reader.fail("provinces", "mixed_countries")
        return None
    country = country or next(iter(countries), None)
    for code in provinces:
        if words.country_of_province(code) != country:
            reader.fail("provinces", "wrong_country", code)
    return country


def member_candidate(row: SourceRow, words: Vocabulary, today: date) -> _Candidate:
    """A member-list row as an organisation, or _RowErrors listing every problem."""
    reader = _RowReader(row)
    name = reader.required("name", validation.name)
    kind = words.kind(row.get("kind")) if row.get("kind") else "ngo"
    if kind is None:
        reader.fail("kind", "unknown", row.get("kind"))
    provinces = _codes(reader, "provinces", words.province)
    sectors = _codes(reader, "sectors", words.sector)
    country = _country(reader, words, provinces)
    texts = {column: reader.optional(column, lambda value, column=column: validate_text(
        column, value, today, country)) for column in _MEMBER_TEXT_FIELDS}
    leadership = {}
    for column in LEADERSHIP:
        leadership[column] = words.yes_no(row.get(column))
        if leadership[column] is None:
            reader.fail(column, "not_yes_no", row.get(column))
    districts = split_list(row.get("districts"))
    reader.optional("districts", validation.districts)
    reader.done()
    profile = Profile(name=name, kind=kind, country=country, provinces=tuple(provinces),
                      sectors=tuple(sectors), **texts, **leadership)
    return _Candidate(profile, districts)


def _repair_district(name: str) -> str:
    # OCHA's 2024 files carry a find-and-replace slip: "akha" became "AKAH" (WAKAHn = Wakhan).
    return name.replace("AKAH", "akha")


def three_w_candidate(row: SourceRow, words: Vocabulary) -> _Candidate:
    """A 3W row (one organisation, one province, one district, one sector) as an organisation."""
    reader = _RowReader(row)
    name = reader.required("org_name", validation.name)
    acronym = reader.optional("org_acronym", validation.acronym)
    province = _first_known(reader, row, ("adm1_code", "adm1_name"), words.province)
    sector = _first_known(reader, row, ("sector_code", "sector_name"), words.sector)
    reader.done()
    district = _repair_district(row.get("adm2_name"))
    profile = Profile(name=name, acronym=acronym, kind=words.ocha_kind(row.get("org_type")),
                      country=words.country_of_province(province), provinces=(province,),
                      sectors=(sector,))
    return _Candidate(profile, [district] if district else [])


def _first_known(reader: _RowReader, row: SourceRow, columns: tuple[str, ...],
                 lookup: Callable[[str], str | None]) -> str | None:
    """The code of the first of ``columns`` that is filled and known (a code, else a name)."""
    filled = [column for column in columns if row.get(column)]
    for column in filled:
        code = lookup(row.get(column))
        if code is not None:
            return code
    if filled:
        reader.fail(filled[0], "unknown", row.get(filled[0]))
    else:  # name a column the file has, so the report points at it
        reader.fail(next((c for c in columns if c in row.values), columns[0]), "missing")
    return None


# -- the plan ----------------------------------------------------------------------------------

def _join_districts(names: list[str]) -> tuple[str | None, bool]:
    """Names joined within the profile's limit, cut at a name; True when shortened."""
    text = DISTRICT_SEPARATOR.join(names)
    if len(text) <= validation.DISTRICTS_MAX:
        return text or None, False
    kept: list[str] = []
    for name in names:
        shortened = DISTRICT_SEPARATOR.join([*kept, name, ELLIPSIS])
        if len(shortened) > validation.DISTRICTS_MAX:
            break
        kept.append(name)
    return DISTRICT_SEPARATOR.join([*kept, ELLIPSIS]), True


def _merge(planned: PlannedOrganisation, candidate: _Candidate) -> None:
    """Later rows of the same organisation add provinces, sectors and districts; the first row's
    other values stay."""
    profile = planned.profile
    provinces = profile.provinces + tuple(c for c in candidate.profile.provinces
                                          if c not in profile.provinces)
    sectors = profile.sectors + tuple(c for c in candidate.profile.sectors if c not in profile.sectors)
    planned.profile = replace(profile, provinces=provinces, sectors=sectors)
    known = {fold(name) for name in planned.districts}
    planned.districts += [name for name in candidate.districts if fold(name) not in known]


class _Planner:
    def __init__(self, layout: Layout, existing: Iterable[Organisation], words: Vocabulary,
                 today: date) -> None:
        self.layout, self.words, self.today = layout, words, today
        self.existing: dict[str, int] = {}
        for organisation in sorted(existing, key=lambda org: org.id or 0, reverse=True):
            for key in identity_keys(organisation.profile):
                self.existing[key] = organisation.id  # the lowest id wins
        self.planned: dict[str, PlannedOrganisation] = {}
        self.plan = ImportPlan(layout)

    def candidate(self, row: SourceRow) -> _Candidate:
        if self.layout is Layout.THREE_W:
            return three_w_candidate(row, self.words)
        return member_candidate(row, self.words, self.today)

    def add(self, row: SourceRow) -> None:
        try:
            candidate = self.candidate(row)
        except _RowErrors as errors:
            name = row.get("name" if self.layout is Layout.MEMBER_LIST else "org_name")
            self._report(row, Outcome.INVALID, name or None, problems=tuple(errors.problems))
            return
        keys = identity_keys(candidate.profile)
        existing_id = next((self.existing[key] for key in sorted(keys) if key in self.existing), None)
        if existing_id is not None:
            self._report(row, Outcome.DUPLICATE, candidate.profile.name, existing_id=existing_id)
            return
        planned = next((self.planned[key] for key in sorted(keys) if key in self.planned), None)
        if planned is None:
            self._create(row, candidate, keys)
        elif planned.profile.country != candidate.profile.country:
            self._report(row, Outcome.INVALID, candidate.profile.name, problems=(Problem(
                "country", "other_country", candidate.profile.country,
                other_row=planned.first_row),))
        else:
            _merge(planned, candidate)
            self._report(row, Outcome.MERGE, candidate.profile.name, first_row=planned.first_row)

    def _create(self, row: SourceRow, candidate: _Candidate, keys: frozenset[str]) -> None:
        planned = PlannedOrganisation(row.number, candidate.profile, keys, list(candidate.districts))
        for key in keys:
            self.planned.setdefault(key, planned)
        self.plan.add(planned)
        self._report(row, Outcome.CREATE, candidate.profile.name)

    def _report(self, row: SourceRow, outcome: Outcome, name: str | None = None, **details) -> None:
        self.plan.rows.append(RowReport(row.number, outcome, name, **details))

    def finish(self) -> ImportPlan:
        for planned in self.plan.organisations:
            districts, planned.districts_shortened = _join_districts(planned.districts)
            planned.profile = replace(planned.profile, districts=districts)
        return self.plan


def plan_import(layout: Layout, rows: Iterable[SourceRow], existing: Iterable[Organisation],
                today: date, words: Vocabulary | None = None) -> ImportPlan:
    planner = _Planner(layout, existing, words or vocabulary(), today)
    for row in rows:
        planner.add(row)
    return planner.finish()


async def every_organisation(uow: UnitOfWork) -> list[Organisation]:
    """Withdrawn and rejected ones too: an import must not bring back an organisation that
    chose to leave the registry."""
    organisations = await uow.organisations.all_active()
    for status in (OrgStatus.WITHDRAWN, OrgStatus.REJECTED):
        organisations += await uow.organisations.with_status(status)
    return organisations


async def apply_plan(uow: UnitOfWork, plan: ImportPlan, actor_user_id: int | None,
                     now: datetime) -> None:
    for planned in plan.organisations:
        organisation = await uow.organisations.add(Organisation(
            id=None, profile=planned.profile, status=OrgStatus.VERIFIED,
            visibility=Visibility.NETWORK, created_at=now))
        planned.id = organisation.id
        await uow.audit.record(IMPORTED, organisation.id, actor_user_id, now)
    plan.applied = True


async def run_import(uow: UnitOfWork, layout: Layout, rows: Sequence[SourceRow], *,
                     actor: Viewer | None, now: datetime, dry_run: bool) -> ImportPlan:
    """Plan against the registry as it is now and, unless a dry run, create the organisations.
    ``actor`` None is the operator at the command line; in the bot, a platform administrator."""
    if actor is not None and not actor.is_platform_admin:
        raise NotAllowed("import")
    existing = await every_organisation(uow)
    # About a second per 10,000 rows of pure computation: off the event loop, so other chats
    # are served meanwhile.
    plan = await asyncio.to_thread(plan_import, layout, rows, existing, now.date())
    if not dry_run:
        await apply_plan(uow, plan, actor.user_id if actor else None, now)
    return plan


# -- export ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ExportedOrganisation:
    organisation: Organisation  # contact fields emptied when the viewer may not see them
    projects: tuple[Project, ...]


@dataclass(frozen=True, slots=True)
class PresenceRow:
    """One line of a 3W table: an organisation in one sector and province, through a project
    when it has one there."""

    organisation: Organisation
    sector: str
    province: str
    project: Project | None = None


def _without_contacts(organisation: Organisation) -> Organisation:
    empty = dict.fromkeys(Profile.CONTACT_FIELDS)
    return replace(organisation, profile=replace(organisation.profile, **empty))


async def registry_export(uow: UnitOfWork, viewer: Viewer) -> list[ExportedOrganisation]:
    """Every active organisation the viewer may see, by id, with its projects; contact details
    only where the viewer may see them."""
    exported = []
    for organisation in sorted(await uow.organisations.all_active(), key=lambda org: org.id):
        if not can_view(viewer, organisation):
            continue
        if not can_see_contacts(viewer, organisation):
            organisation = _without_contacts(organisation)
        projects = tuple(await uow.projects.of_organisation(organisation.id))
        exported.append(ExportedOrganisation(organisation, projects))
    return exported


def presence_rows(exported: Iterable[ExportedOrganisation]) -> list[PresenceRow]:
    """The 3W shape: a row per project x sector x province, then a row per sector x province
    of the profile that no project covers."""
    rows: list[PresenceRow] = []
    for item in exported:
        organisation, covered = item.organisation, set()
        for project in item.projects:
            for sector in project.sectors:
                for province in project.provinces:
                    rows.append(PresenceRow(organisation, sector, province, project))
                    covered.add((sector, province))
        for sector in organisation.profile.sectors:
            for province in organisation.profile.provinces:
                if (sector, province) not in covered:
                    rows.append(PresenceRow(organisation, sector, province))
    return rows
