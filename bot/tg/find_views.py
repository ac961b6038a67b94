"""Texts and keyboards of lookups: the search state in callback data, result pages, cards."""

from __future__ import annotations

from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.entities import Organisation, OrgStatus
from bot.domain.lookup import PAGE_SIZE, Card, Page
from bot.domain.reference import Reference
from bot.domain.search import Filters
from bot.i18n import N_, Translator
from bot.i18n.dates import localise_digits
from bot.i18n.text import isolate
from bot.tg import registry_views as rv
from bot.tg.registry_views import CHECK, button, button_rows

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data
CARD_PREFIX = "c:"
SHARE_PREFIX = "org_"
FLAG_LABELS = {"w": N_("Women-led"), "y": N_("Youth-led"), "v": N_("Verified only")}


@dataclass(frozen=True, slots=True)
class SearchState:
    """Everything a result page needs, small enough for a button's callback data.

    The sector is its position in the reference list and the typed words are cut to what fits,
    so that paging works on any instance, after a restart, with no server-side session."""

    query: str = ""
    sector: int | None = None
    province: str | None = None
    country: str | None = None
    flags: str = ""  # w women-led, y youth-led, v verified only
    page: int = 0

    def encode(self, action: str) -> str:
        head = (f"{action}:{self.page}:{'' if self.sector is None else self.sector}:"
                f"{self.province or ''}:{self.country or ''}:{self.flags}:")
        room = CALLBACK_LIMIT - len(head.encode())
        query = self.query.strip()
        if len(query.encode()) > room:  # keep whole words: half a word would match nothing
            cut = query.encode()[:room + 1].decode(errors="ignore")
            query = cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]
        return head + query

    @classmethod
    def decode(cls, data: str) -> tuple[str, SearchState]:
        action, page, sector, province, country, flags, query = data.split(":", 6)
        return action, cls(query=query, sector=int(sector) if sector else None,
                           province=province or None, country=country or None,
                           flags="".join(sorted(set(flags) & set(FLAG_LABELS))),
                           page=int(page))

    def fitted(self) -> SearchState:
        """The state as it will come back from a button (typed words possibly shortened)."""
        return SearchState.decode(self.encode("f"))[1]

    def filters(self, ref: Reference) -> Filters:
        sector = ref.sectors[self.sector].code if self.sector is not None else None
        return Filters(sector=sector, province=self.province, country=self.country,
                       women_led="w" in self.flags, youth_led="y" in self.flags,
                       verified_only="v" in self.flags)

    def toggled(self, flag: str) -> SearchState:
        flags = set(self.flags) ^ {flag}
        return replace(self, flags="".join(sorted(flags)), page=0)


def sector_picker(t: Translator, ref: Reference, state: SearchState) -> tuple[str, InlineKeyboardMarkup]:
    text = (t.gettext("Who are you looking for? Choose a sector.") + "\n"
            + t.gettext("To search by name, send /find and a few words, e.g. /find hamkari."))
    buttons = [button(s.name(t.locale), replace(state, sector=i, page=0).encode("fp"))
               for i, s in enumerate(ref.sectors)]
    rows = button_rows(buttons, 2)
    rows.append([button(t.gettext("Any sector"), replace(state, sector=None, page=0).encode("fp"))])
    return text, InlineKeyboardMarkup(rows)


def province_picker(t: Translator, ref: Reference, state: SearchState, counts: dict[str, int],
                    total: int) -> tuple[str, InlineKeyboardMarkup]:
    """Only places where something was found, each with how many."""
    text = t.ngettext("{count} organisation found.", "{count} organisations found.", total).format(
        count=localise_digits(str(total), t.locale))
    text += "\n" + t.gettext("Where? Choose a province or region.")
    places = [place for place in ref.places if counts.get(place.code)]
    buttons = [button(f"{place.name(t.locale)} ({localise_digits(str(counts[place.code]), t.locale)})",
                      replace(state, province=place.code, page=0).encode("f"))
               for place in places]
    rows = button_rows(buttons, 2)
    rows.append([button(t.gettext("Everywhere"), replace(state, province=None, page=0).encode("f"))])
    return text, InlineKeyboardMarkup(rows)


def _filter_summary(t: Translator, ref: Reference, state: SearchState) -> str:
    parts = []
    if state.query:
        parts.append(isolate(state.query))
    if state.sector is not None:
        parts.append(isolate(ref.sectors[state.sector].name(t.locale)))
    if state.province:
        parts.append(isolate(ref.place(state.province).name(t.locale)))
    if state.country:
        parts.append(isolate(ref.country(state.country).name(t.locale)))
    parts += [t.gettext(FLAG_LABELS[flag]) for flag in state.flags]
    return " · ".join(parts)


def result_line(t: Translator, ref: Reference, number: int, organisation: Organisation) -> str:
    profile = organisation.profile
    name = isolate(profile.name) + (f" ({isolate(profile.acronym)})" if profile.acronym else "")
    if profile.name_latin and profile.name_latin != profile.name:
        name += " · " + isolate(profile.name_latin)
    places = ", ".join(ref.place(code).name(t.locale) for code in profile.provinces[:3])
    if len(profile.provinces) > 3:
        places += ", …"
    status = "" if organisation.status is OrgStatus.VERIFIED else " · " + t.gettext(
        rv.STATUS_LABELS[organisation.status])
    return (f"{localise_digits(str(number), t.locale)}. <b>{name}</b>\n"
            f"    {isolate(places)}{status}")


def results(t: Translator, ref: Reference, state: SearchState, page: Page
            ) -> tuple[str, InlineKeyboardMarkup]:
    summary = _filter_summary(t, ref, state)
    lines = [f"🔎 {summary}" if summary else "🔎"]
    if not page.total:
        lines += ["", t.gettext("Nothing found."),
                  t.gettext("Try fewer or other words, or widen the search: remove a filter or "
                            "choose another province.")]
    else:
        lines.append(t.ngettext("{count} organisation found.", "{count} organisations found.",
                                page.total).format(count=localise_digits(str(page.total), t.locale)))
        if page.pages > 1:
            lines.append(t.gettext("Page {number} of {total}").format(
                number=localise_digits(str(page.number + 1), t.locale),
                total=localise_digits(str(page.pages), t.locale)))
        lines.append("")
        first = page.number * PAGE_SIZE
        lines += [result_line(t, ref, first + i + 1, org) for i, org in enumerate(page.organisations)]
        lines += ["", t.gettext("Press a number to open the organisation's card.")]
    rows: list[list[InlineKeyboardButton]] = []
    first = page.number * PAGE_SIZE
    rows += button_rows([button(localise_digits(str(first + i + 1), t.locale), f"{CARD_PREFIX}{org.id}")
                   for i, org in enumerate(page.organisations)], 4)
    nav = []
    if page.number > 0:
        nav.append(button(t.gettext("« Previous"), replace(state, page=page.number - 1).encode("f")))
    if page.number + 1 < page.pages:
        nav.append(button(t.gettext("Next »"), replace(state, page=page.number + 1).encode("f")))
    if nav:
        rows.append(nav)
    rows.append([button(t.gettext("Sector"), replace(state, page=0).encode("fs")),
                 button(t.gettext("Province"), replace(state, page=0).encode("fp"))])
    rows.append([button((CHECK if state.country == country.code else "") + country.name(t.locale),
                        replace(state, page=0, country=None if state.country == country.code
                                else country.code).encode("f"))
                 for country in ref.countries])
    rows.append([button((CHECK if flag in state.flags else "") + t.gettext(label),
                        state.toggled(flag).encode("f"))
                 for flag, label in FLAG_LABELS.items()])
    if state.sector is not None or state.province or state.flags or state.country:
        rows.append([button(t.gettext("Clear filters"), SearchState(query=state.query).encode("f"))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def share_link(bot_username: str, organisation_id: int) -> str:
    return f"https://t.me/{bot_username}?start={SHARE_PREFIX}{organisation_id}"


def card_text(t: Translator, ref: Reference, card: Card, bot_username: str) -> str:
    organisation = card.organisation
    text = rv.organisation_card(t, ref, organisation, show_contacts=card.show_contacts,
                                show_status=True)
    if card.active_projects:
        text += "\n\n<b>" + t.gettext("Active projects") + "</b>"
        for project in card.active_projects[:10]:
            text += "\n• " + isolate(project.title)
    if card.bodies:
        text += "\n\n<b>" + t.gettext("Member of") + ":</b> " + ", ".join(
            isolate(name) for name in card.bodies)
    if not card.show_contacts:
        text += "\n\n<i>" + t.gettext("Contact details are shown to users of verified "
                                      "organisations.") + "</i>"
    text += "\n\n" + t.gettext("Share this card: {link}").format(
        link=share_link(bot_username, organisation.id))
    return text


def too_many_lookups(t: Translator, seconds: float) -> str:
    return t.gettext("You are searching very fast. Please wait {seconds} seconds and try again.").format(
        seconds=localise_digits(str(max(1, round(seconds))), t.locale))


def not_found(t: Translator) -> str:
    return t.gettext("This organisation is not in the registry, or it is not visible to you.")
