"""Step-by-step conversations (/register, editing one field from /myorg, adding a project) as
a state machine over a stored Draft.

Every action names the step it was meant for; an action for another step (an old button, a
second phone) raises StaleAction instead of writing into the wrong field. A wrong value raises
InvalidValue and leaves the draft untouched, so nothing already entered is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.domain import validation
from bot.domain.entities import (
    Draft,
    Organisation,
    OrgStatus,
    Profile,
    Project,
    ProjectStatus,
    Role,
    StaffMember,
    Visibility,
)
from bot.domain.errors import InvalidValue, StaleAction
from bot.domain.ports import UnitOfWork
from bot.domain.text import latin_key

if TYPE_CHECKING:
    from bot.domain.reference import Reference

FLOW = "register"
EDIT_FLOW = "edit_org"  # one field of an existing organisation; data = its profile + org_id
PROJECT_FLOW = "project"
DONE = "done"  # an edit finished: save it
ABANDONED = "abandoned"  # Back pressed while editing: nothing to save

STEPS: tuple[str, ...] = (
    "name", "name_latin", "acronym", "kind", "country", "provinces", "districts", "sectors",
    "leadership", "registration_number", "year_founded", "description", "contact_person",
    "phone", "email", "website", "telegram", "visibility", "confirm",
)
OPTIONAL = frozenset({
    "name_latin", "acronym", "districts", "registration_number", "year_founded", "description",
    "contact_person", "phone", "email", "website", "telegram",
})
PROJECT_STEPS: tuple[str, ...] = (
    "title", "sectors", "provinces", "districts", "start", "end", "donor", "status", "confirm",
)
PROJECT_OPTIONAL = frozenset({"districts", "start", "end", "donor"})
CHOICE_STEPS = frozenset({"kind", "country", "visibility", "status"})
MULTI_STEPS = frozenset({"provinces", "sectors", "leadership"})
DATE_STEPS = frozenset({"start", "end"})
TEXT_STEPS = frozenset(STEPS + PROJECT_STEPS) - CHOICE_STEPS - MULTI_STEPS - DATE_STEPS - {"confirm"}
LEADERSHIP = ("women_led", "youth_led", "disability_led")
# Fields /myorg can edit, in the order of the edit menu.
EDITABLE_FIELDS: tuple[str, ...] = tuple(s for s in STEPS if s not in {"visibility", "confirm"})


def steps_of(flow: str) -> tuple[str, ...]:
    return PROJECT_STEPS if flow == PROJECT_FLOW else STEPS


def optional_in(flow: str) -> frozenset[str]:
    return PROJECT_OPTIONAL if flow == PROJECT_FLOW else OPTIONAL


def _text_rules(today: date, country: str | None) -> dict[str, Callable[[str], object]]:
    return {
        "title": validation.project_title,
        "donor": validation.donor,
        "name": validation.name,
        "name_latin": validation.name_latin,
        "acronym": validation.acronym,
        "districts": validation.districts,
        "registration_number": validation.registration_number,
        "year_founded": lambda value: validation.year_founded(value, today),
        "description": validation.description,
        "contact_person": validation.contact_person,
        "phone": lambda value: validation.phone(value, country),
        "email": validation.email,
        "website": validation.website,
        "telegram": validation.telegram_username,
    }


def validate_text(step: str, value: str, today: date, country: str | None) -> object:
    """The one place a typed field is checked, shared by /register and /myorg edits."""
    return _text_rules(today, country)[step](value)


def new_draft(user_id: int) -> Draft:
    return Draft(user_id=user_id, flow=FLOW, step=STEPS[0], data={})


def edit_draft(user_id: int, organisation_id: int, profile: Profile, field: str) -> Draft:
    if field not in EDITABLE_FIELDS:
        raise StaleAction()
    data = profile_data(profile)
    data["organisation_id"] = organisation_id
    return Draft(user_id=user_id, flow=EDIT_FLOW, step=field, data=data)


def project_draft(user_id: int, organisation_id: int, country: str) -> Draft:
    return Draft(user_id=user_id, flow=PROJECT_FLOW, step=PROJECT_STEPS[0],
                 data={"organisation_id": organisation_id, "country": country})


def _expect(draft: Draft, step: str) -> None:
    if draft.flow not in {FLOW, EDIT_FLOW, PROJECT_FLOW} or draft.step != step:
        raise StaleAction()


def _advance(draft: Draft, country_changed: bool = False) -> None:
    if draft.flow == EDIT_FLOW:
        # A new country empties the provinces, which must then be chosen again.
        draft.step = "provinces" if country_changed else DONE
        return
    steps = steps_of(draft.flow)
    draft.history.append(draft.step)
    draft.step = steps[steps.index(draft.step) + 1]


def answer_text(draft: Draft, step: str, value: str, today: date) -> None:
    _expect(draft, step)
    if step not in TEXT_STEPS:
        raise StaleAction()
    draft.data[step] = validate_text(step, value, today, draft.data.get("country"))
    _advance(draft)


def choose(draft: Draft, step: str, code: str, reference: Reference) -> None:
    _expect(draft, step)
    valid = {
        "kind": reference.is_kind,
        "country": lambda c: c in {country.code for country in reference.countries},
        "visibility": lambda c: c in {v.value for v in Visibility},
        "status": lambda c: c in {v.value for v in ProjectStatus},
    }
    if step not in valid or not valid[step](code):
        raise StaleAction()
    country_changed = step == "country" and draft.data.get("country") != code
    if country_changed:
        draft.data["provinces"] = []  # provinces belong to one country
    draft.data[step] = code
    _advance(draft, country_changed)


def answer_date(draft: Draft, step: str, value: date) -> None:
    """Dates arrive parsed (the front-end knows the user's calendar); here only the rules."""
    _expect(draft, step)
    if step not in DATE_STEPS:
        raise StaleAction()
    start = draft.data.get("start")
    if step == "end" and start and value.isoformat() < start:
        raise InvalidValue("end", "before_start")
    draft.data[step] = value.isoformat()
    _advance(draft)


def toggle(draft: Draft, step: str, code: str, reference: Reference) -> None:
    _expect(draft, step)
    if step == "leadership":
        if code not in LEADERSHIP:
            raise StaleAction()
        draft.data[code] = not draft.data.get(code, False)
        return
    if step == "provinces":
        known = {p.code for p in reference.places_in(draft.data.get("country", ""))}
    elif step == "sectors":
        known = {s.code for s in reference.sectors}
    else:
        raise StaleAction()
    if code not in known:
        raise StaleAction()
    chosen: list[str] = list(draft.data.get(step, []))
    if code in chosen:
        chosen.remove(code)
    else:
        chosen.append(code)
    draft.data[step] = chosen


def finish_choices(draft: Draft, step: str) -> None:
    _expect(draft, step)
    if step not in MULTI_STEPS:
        raise StaleAction()
    if step != "leadership" and not draft.data.get(step):
        raise InvalidValue(step, "choose_at_least_one", minimum=1)
    _advance(draft)


def skip(draft: Draft, step: str) -> None:
    _expect(draft, step)
    if step not in optional_in(draft.flow):
        raise StaleAction()
    draft.data.pop(step, None)
    _advance(draft)


def back(draft: Draft, step: str) -> None:
    _expect(draft, step)
    if draft.flow == EDIT_FLOW:
        draft.step = ABANDONED
    elif draft.history:
        draft.step = draft.history.pop()


def profile_data(profile: Profile) -> dict:
    data = {name: getattr(profile, name) for name in (
        "name", "kind", "country", "name_latin", "acronym", "districts", "women_led", "youth_led",
        "disability_led", "registration_number", "year_founded", "description", "contact_person",
        "phone", "email", "website", "telegram")}
    data["provinces"], data["sectors"] = list(profile.provinces), list(profile.sectors)
    return {key: value for key, value in data.items() if value is not None}


def project_of(draft: Draft) -> Project:
    data = draft.data
    return Project(
        id=None, organisation_id=data["organisation_id"], title=data["title"],
        sectors=tuple(data.get("sectors", ())), provinces=tuple(data.get("provinces", ())),
        status=ProjectStatus(data.get("status", ProjectStatus.ACTIVE)),
        start=date.fromisoformat(data["start"]) if data.get("start") else None,
        end=date.fromisoformat(data["end"]) if data.get("end") else None,
        districts=data.get("districts"), donor=data.get("donor"),
    )


def profile_of(draft: Draft) -> Profile:
    data = draft.data
    return Profile(
        name=data["name"], kind=data["kind"], country=data["country"],
        provinces=tuple(data.get("provinces", ())), sectors=tuple(data.get("sectors", ())),
        name_latin=data.get("name_latin"), acronym=data.get("acronym"),
        districts=data.get("districts"), women_led=bool(data.get("women_led")),
        youth_led=bool(data.get("youth_led")), disability_led=bool(data.get("disability_led")),
        registration_number=data.get("registration_number"),
        year_founded=data.get("year_founded"), description=data.get("description"),
        contact_person=data.get("contact_person"), phone=data.get("phone"),
        email=data.get("email"), website=data.get("website"), telegram=data.get("telegram"),
    )


def name_keys(profile: Profile) -> set[str]:
    keys = {latin_key(profile.name)}
    if profile.name_latin:
        keys.add(latin_key(profile.name_latin))
    return {key for key in keys if len(key) >= 2}


def looks_alike(a: Profile, b: Profile) -> bool:
    """Same name in any script (consonant skeletons), or same acronym."""
    from difflib import SequenceMatcher

    if a.acronym and b.acronym and a.acronym.casefold() == b.acronym.casefold():
        return True
    for key_a in name_keys(a):
        for key_b in name_keys(b):
            if key_a == key_b or SequenceMatcher(None, key_a, key_b).ratio() >= 0.85:
                return True
    return False


async def put_draft(uow: UnitOfWork, draft: Draft) -> None:
    await uow.drafts.put(draft)


async def begin(uow: UnitOfWork, user_id: int) -> tuple[Draft, bool]:
    """The user's registration draft and whether it was resumed rather than started."""
    draft = await uow.drafts.get(user_id)
    if draft is not None and draft.flow == FLOW:
        return draft, True
    draft = new_draft(user_id)
    await uow.drafts.put(draft)
    return draft, False


async def similar_to(uow: UnitOfWork, profile: Profile, visible: Callable[[Organisation], bool]
                     ) -> list[Organisation]:
    return [org for org in await uow.organisations.all_active()
            if visible(org) and looks_alike(profile, org.profile)]


async def confirm(uow: UnitOfWork, draft: Draft, now: datetime) -> Organisation:
    _expect(draft, "confirm")
    organisation = await uow.organisations.add(Organisation(
        id=None, profile=profile_of(draft), status=OrgStatus.PENDING,
        visibility=Visibility(draft.data.get("visibility", Visibility.NETWORK)), created_at=now,
    ))
    await uow.staff.add(StaffMember(organisation.id, draft.user_id, Role.OWNER))
    await uow.drafts.delete(draft.user_id)
    await uow.audit.record("registered", organisation.id, draft.user_id, now)
    return organisation
