"""Texts and keyboards of the registry: registration steps, organisation cards, projects.

Buttons carry short ASCII ids (callback_data is limited to 64 bytes); names live in the text.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import validation
from bot.domain.entities import Organisation, OrgStatus, Profile, Project, ProjectStatus, Visibility
from bot.domain.errors import InvalidValue
from bot.domain.reference import Reference
from bot.domain.registration import LEADERSHIP, steps_of
from bot.i18n import N_, Translator
from bot.i18n.dates import format_date, localise_digits
from bot.i18n.text import isolate

CHECK = "✅ "

PROMPTS: dict[str, str] = {
    "name": N_("What is the organisation's name, written as the organisation writes it? "
               "Any script, 2 to 150 characters."),
    "name_latin": N_("The name in Latin letters, if it has one (up to 150 characters). "
                     "Or press Skip."),
    "acronym": N_("Acronym or short name (up to 20 characters), or press Skip."),
    "kind": N_("What kind of organisation is it?"),
    "country": N_("Which country does it work in?"),
    "provinces": N_("In which provinces or regions does it work? Tap every one that applies, "
                    "then press Done."),
    "districts": N_("Districts, if you want to name them (up to 300 characters), or press Skip."),
    "sectors": N_("In which sectors does it work? Tap every one that applies, then press Done."),
    "leadership": N_("Who leads the organisation? Tap every one that applies (or none), "
                     "then press Done."),
    "registration_number": N_("Official registration number (Ministry of Economy in Afghanistan, "
                              "Ministry of Justice in Tajikistan), or press Skip."),
    "year_founded": N_("Year founded, e.g. 2008 or 1387, or press Skip."),
    "description": N_("A short description of the work, up to 500 characters, or press Skip."),
    "contact_person": N_("Name of the contact person, or press Skip. Contact details are shown "
                         "only to users of verified organisations."),
    "phone": N_("Contact phone number with country code, e.g. +93 70 123 4567 or "
                "+992 93 123 4567, or press Skip."),
    "email": N_("Contact email address, or press Skip."),
    "website": N_("Website, or press Skip."),
    "telegram": N_("The organisation's Telegram username, e.g. @name, or press Skip."),
    "visibility": N_("Who may find the organisation in the registry?\n"
                     "• Public: anyone using the bot\n"
                     "• Network: users of verified organisations only\n"
                     "• Hidden: only your own staff and the administrators"),
    "title": N_("What is the project's title? 2 to 200 characters."),
    "start": N_("Start date, e.g. 1403-05-12 or 2024-08-02 (year-month-day), or press Skip."),
    "end": N_("End date, e.g. 1404-05-12 or 2025-08-02, or press Skip."),
    "donor": N_("Donor, if any (up to 150 characters), or press Skip."),
    "status": N_("What is the project's status?"),
}

FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "name_latin": N_("Name in Latin letters"),
    "acronym": N_("Acronym"),
    "kind": N_("Kind"),
    "country": N_("Country"),
    "provinces": N_("Provinces or regions"),
    "districts": N_("Districts"),
    "sectors": N_("Sectors"),
    "leadership": N_("Led by"),
    "registration_number": N_("Registration number"),
    "year_founded": N_("Founded"),
    "description": N_("Description"),
    "contact_person": N_("Contact person"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "website": N_("Website"),
    "telegram": N_("Telegram"),
    "visibility": N_("Visibility"),
    "status": N_("Status"),
    "title": N_("Title"),
    "start": N_("Start"),
    "end": N_("End"),
    "donor": N_("Donor"),
}

LEADERSHIP_LABELS = {
    "women_led": N_("Women-led"),
    "youth_led": N_("Youth-led"),
    "disability_led": N_("Led by persons with disabilities"),
}
VISIBILITY_LABELS = {
    Visibility.PUBLIC: N_("Public"),
    Visibility.NETWORK: N_("Network"),
    Visibility.HIDDEN: N_("Hidden"),
}
STATUS_LABELS = {
    OrgStatus.PENDING: N_("Pending review"),
    OrgStatus.VERIFIED: N_("Verified"),
    OrgStatus.REJECTED: N_("Rejected"),
    OrgStatus.WITHDRAWN: N_("Withdrawn"),
}
PROJECT_STATUS_LABELS = {
    ProjectStatus.PLANNED: N_("Planned"),
    ProjectStatus.ACTIVE: N_("Active"),
    ProjectStatus.COMPLETED: N_("Completed"),
}


def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def button_rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


# -- errors ---------------------------------------------------------------------------------------

# Reasons whose explanation needs no numbers; the others are built in invalid_value.
SIMPLE_REASONS: dict[str, str] = {
    "no_letters": N_("A name needs letters, not only digits or signs."),
    "not_latin": N_("Please use only Latin letters (A to Z), digits and . , & ' ( ) / - here."),
    "bad_characters": N_("Please use only letters, digits and . & - / here."),
    "not_a_year": N_("Please write a year in digits, e.g. 2008 or 1387."),
    "not_a_phone": N_("That is not a phone number I can use. Write it with the country code, "
                      "e.g. +93 70 123 4567 or +992 93 123 4567; any digits work."),
    "not_an_email": N_("That is not an email address, e.g. info@example.org."),
    "not_a_website": N_("That is not a website address, e.g. example.org or https://example.org."),
    "not_a_username": N_("A Telegram username has 5 to 32 Latin letters, digits or underscores, "
                         "e.g. @hamkari_org."),
    "choose_at_least_one": N_("Please choose at least one, then press Done."),
    "before_start": N_("The end date cannot be before the start date."),
    "bad_date": N_("Please write a real date as year-month-day, e.g. 1403-05-12 or "
                   "2024-08-02; any digits work."),
}


def invalid_value(t: Translator, error: InvalidValue) -> str:
    """What is wrong and what is accepted, followed by the reassurance that nothing was lost."""
    reason = error.reason
    if reason == "too_short":
        text = t.ngettext("Too short: please write at least {minimum} character.",
                          "Too short: please write at least {minimum} characters.",
                          error.minimum or 1).format(minimum=error.minimum)
    elif reason == "too_long":
        text = t.ngettext("Too long: the limit is {maximum} character and you wrote {actual}.",
                          "Too long: the limit is {maximum} characters and you wrote {actual}.",
                          error.maximum or 0).format(maximum=error.maximum, actual=error.actual)
    elif reason == "out_of_range":
        text = t.gettext("Please write a year between {minimum} and {maximum}.").format(
            minimum=error.minimum, maximum=error.maximum)
    elif reason in SIMPLE_REASONS:
        text = t.gettext(SIMPLE_REASONS[reason])
    else:
        text = t.gettext("That answer cannot be used. Please try again.")
    return text + "\n" + t.gettext("Nothing you entered before was lost.")


def use_the_buttons(t: Translator) -> str:
    return t.gettext("Please answer with the buttons above.")


def limit_note(t: Translator, step: str) -> str:
    if step == "description":
        return t.gettext("Limit: {maximum} characters.").format(maximum=validation.DESCRIPTION_MAX)
    return ""


# -- one step of a conversation ---------------------------------------------------------------------

def step_message(t: Translator, ref: Reference, flow: str, step: str, data: dict,
                 optional: bool, editing: bool, prefix: str
                 ) -> tuple[str, InlineKeyboardMarkup | None]:
    """The prompt and keyboard for ``step``; ``prefix`` starts every button's callback data."""
    steps = [s for s in steps_of(flow) if s != "confirm"]
    header = ""
    if not editing and step in steps:
        header = t.gettext("Step {number} of {total}").format(
            number=steps.index(step) + 1, total=len(steps)) + "\n"
    text = header + t.gettext(PROMPTS[step])
    locale = t.locale
    rows: list[list[InlineKeyboardButton]] = []
    if step == "kind":
        rows = button_rows([button(k.name(locale), f"{prefix}:{step}:set:{k.code}")
                            for k in ref.kinds], 2)
    elif step == "country":
        rows = button_rows([button(c.name(locale), f"{prefix}:{step}:set:{c.code}")
                            for c in ref.countries], 2)
    elif step == "visibility":
        rows = [[button(t.gettext(label), f"{prefix}:{step}:set:{v.value}")
                 for v, label in VISIBILITY_LABELS.items()]]
    elif step == "status":
        rows = [[button(t.gettext(label), f"{prefix}:{step}:set:{s.value}")
                 for s, label in PROJECT_STATUS_LABELS.items()]]
    elif step in {"provinces", "sectors"}:
        chosen = set(data.get(step, []))
        options = ref.places_in(data.get("country", "")) if step == "provinces" else ref.sectors
        rows = button_rows([button((CHECK if o.code in chosen else "") + o.name(locale),
                                   f"{prefix}:{step}:tog:{o.code}") for o in options],
                           3 if step == "provinces" else 2)
        rows.append([button(t.gettext("Done"), f"{prefix}:{step}:done")])
    elif step == "leadership":
        rows = [[button((CHECK if data.get(key) else "") + t.gettext(LEADERSHIP_LABELS[key]),
                        f"{prefix}:{step}:tog:{key}")] for key in LEADERSHIP]
        rows.append([button(t.gettext("Done"), f"{prefix}:{step}:done")])
    note = limit_note(t, step)
    if note:
        text += "\n" + note
    first = not editing and step == steps[0]  # nothing to go back to
    last = [] if first else [button(t.gettext("« Back"), f"{prefix}:{step}:back")]
    if optional:
        last.append(button(t.gettext("Leave empty") if editing else t.gettext("Skip"),
                           f"{prefix}:{step}:skip"))
    if last:
        rows.append(last)
    return text, InlineKeyboardMarkup(rows) if rows else None


# -- cards --------------------------------------------------------------------------------------

def _line(t: Translator, field: str, value: str) -> str:
    return f"<b>{t.gettext(FIELD_LABELS[field])}:</b> {value}"


def _names(codes, lookup, locale: str) -> str:
    return isolate("، ".join(lookup(code).name(locale) for code in codes)
                   if locale in {"fa_AF", "ps"}
                   else ", ".join(lookup(code).name(locale) for code in codes))


def profile_lines(t: Translator, ref: Reference, profile: Profile, show_contacts: bool) -> list[str]:
    locale = t.locale
    title = isolate(profile.name)
    if profile.acronym:
        title += f" ({isolate(profile.acronym)})"
    lines = [f"<b>{title}</b>"]
    if profile.name_latin:
        lines.append(isolate(profile.name_latin))
    lines.append(_line(t, "kind", isolate(ref.kind(profile.kind).name(locale))))
    lines.append(_line(t, "country", isolate(ref.country(profile.country).name(locale))))
    if profile.provinces:
        lines.append(_line(t, "provinces", _names(profile.provinces, ref.place, locale)))
    if profile.districts:
        lines.append(_line(t, "districts", isolate(profile.districts)))
    if profile.sectors:
        lines.append(_line(t, "sectors", _names(profile.sectors, ref.sector, locale)))
    leaders = [t.gettext(LEADERSHIP_LABELS[key]) for key in LEADERSHIP if getattr(profile, key)]
    if leaders:
        lines.append(_line(t, "leadership", isolate(", ".join(leaders))))
    if profile.registration_number:
        lines.append(_line(t, "registration_number", isolate(profile.registration_number)))
    if profile.year_founded:
        lines.append(_line(t, "year_founded",
                           isolate(localise_digits(str(profile.year_founded), locale))))
    if profile.description:
        lines.append(_line(t, "description", isolate(profile.description)))
    if show_contacts:
        for field in Profile.CONTACT_FIELDS:
            value = getattr(profile, field)
            if value:
                shown = "@" + value if field == "telegram" else value
                lines.append(_line(t, field, isolate(shown)))
    return lines


def summary(t: Translator, ref: Reference, data_profile: Profile, visibility: str) -> str:
    lines = [t.gettext("Please check your registration:"), ""]
    lines += profile_lines(t, ref, data_profile, show_contacts=True)
    lines.append(_line(t, "visibility", t.gettext(VISIBILITY_LABELS[Visibility(visibility)])))
    lines += ["", t.gettext("Is everything right? Press Save to send it for verification, "
                            "or Back to change something.")]
    return "\n".join(lines)


def similar_warning(t: Translator, organisations: list[Organisation]) -> str:
    names = "\n".join(f"• {isolate(org.profile.name)}" for org in organisations)
    return t.ngettext(
        "An organisation with a similar name is already registered:\n{names}\nIf it is yours, "
        "ask to join it instead of registering it twice.",
        "Organisations with similar names are already registered:\n{names}\nIf one of them is "
        "yours, ask to join it instead of registering it twice.",
        len(organisations)).format(names=names)


def confirm_keyboard(t: Translator, similar: list[Organisation]) -> InlineKeyboardMarkup:
    rows = [[button(t.gettext("Ask to join {name}").format(name=org.profile.name[:40]),
                    f"reg:confirm:join:{org.id}")] for org in similar[:5]]
    rows.append([button(t.gettext("« Back"), "reg:confirm:back"),
                 button(t.gettext("Save"), "reg:confirm:save")])
    return InlineKeyboardMarkup(rows)


def organisation_card(t: Translator, ref: Reference, org: Organisation, show_contacts: bool,
                      show_status: bool) -> str:
    lines = profile_lines(t, ref, org.profile, show_contacts)
    if show_status:
        lines.append(_line(t, "status", t.gettext(STATUS_LABELS[org.status])))
        lines.append(_line(t, "visibility", t.gettext(VISIBILITY_LABELS[org.visibility])))
        if org.status is OrgStatus.REJECTED and org.rejection_reason:
            lines.append(t.gettext("Reason given: {reason}").format(
                reason=isolate(org.rejection_reason)))
    return "\n".join(lines)


def project_lines(t: Translator, ref: Reference, project: Project) -> str:
    locale = t.locale
    lines = [f"<b>{isolate(project.title)}</b> · {t.gettext(PROJECT_STATUS_LABELS[project.status])}"]
    lines.append(_line(t, "sectors", _names(project.sectors, ref.sector, locale)))
    lines.append(_line(t, "provinces", _names(project.provinces, ref.place, locale)))
    if project.districts:
        lines.append(_line(t, "districts", isolate(project.districts)))
    if project.start:
        lines.append(_line(t, "start", isolate(format_date(project.start, locale))))
    if project.end:
        lines.append(_line(t, "end", isolate(format_date(project.end, locale))))
    if project.donor:
        lines.append(_line(t, "donor", isolate(project.donor)))
    return "\n".join(lines)


def date_for_display(value: date | None, locale: str) -> str:
    return format_date(value, locale) if value else ""
