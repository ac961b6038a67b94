"""Which column is which: member-list headers in the four languages, and HXL hashtags.

The member-list headers are data, not interface text: a file filled in from last year's
template must still be read after a translation is improved, so each language's header is
fixed here (taken from the bot's field labels) and older or English variants are aliases.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.bulk import MEMBER_COLUMNS
from bot.domain.bulk_vocabulary import name_key

# The template's header in each language, in MEMBER_COLUMNS order.
TEMPLATE_HEADERS: dict[str, tuple[str, ...]] = {
    "en": MEMBER_COLUMNS,
    "fa_AF": (
        "نام", "نام به حروف لاتین", "نام مخفف", "نوع", "کشور", "ولایت‌ها یا مناطق", "ولسوالی‌ها",
        "بخش‌های کاری", "به رهبری زنان", "به رهبری جوانان", "به رهبری افراد دارای معلولیت",
        "شمارهٔ ثبت", "سال تأسیس", "توضیحات", "شخص تماس", "شمارهٔ تماس", "ایمیل", "ویب‌سایت",
        "تلگرام",
    ),
    "ps": (
        "نوم", "نوم په لاتیني تورو", "لنډ نوم", "ډول", "هېواد", "ولایتونه یا سیمې", "ولسوالۍ",
        "کاري برخې", "د ښځو په مشرۍ", "د ځوانانو په مشرۍ", "د معلولیت لرونکو کسانو په مشرۍ",
        "د ثبت شمېره", "د تاسیس کال", "پېژندنه", "د اړیکې کس", "تلیفون", "برېښنالیک", "وېبپاڼه",
        "ټلګرام",
    ),
    "tg": (
        "Ном", "Ном бо ҳарфҳои лотинӣ", "Ихтисор", "Намуд", "Кишвар", "Вилоятҳо", "Ноҳияҳо",
        "Соҳаҳои фаъолият", "Таҳти роҳбарии занон", "Таҳти роҳбарии ҷавонон",
        "Таҳти роҳбарии шахсони дорои маълулият", "Рақами бақайдгирӣ", "Соли таъсис", "Тавсиф",
        "Шахси тамос", "Телефон", "Почтаи электронӣ", "Сомона", "Телеграм",
    ),
}
# English labels as the bot shows them, and common variants.
ENGLISH_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("organisation", "organization", "organisation name", "organization name"),
    "name_latin": ("name in latin letters", "latin name", "english name", "name (english)"),
    "acronym": ("short name", "abbreviation"),
    "kind": ("type", "organisation type", "organization type"),
    "provinces": ("provinces or regions", "province", "regions", "region"),
    "districts": ("district",),
    "sectors": ("sector", "clusters", "cluster"),
    "women_led": ("women-led",),
    "youth_led": ("youth-led",),
    "disability_led": ("disability-led", "led by persons with disabilities"),
    "year_founded": ("founded", "year of foundation"),
    "phone": ("telephone", "mobile"),
    "email": ("e-mail",),
    "website": ("web", "web site"),
    "telegram": ("telegram username",),
}


def _member_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for headers in TEMPLATE_HEADERS.values():
        for column, header in zip(MEMBER_COLUMNS, headers, strict=True):
            index.setdefault(name_key(header), column)
    for column, aliases in ENGLISH_ALIASES.items():
        for alias in aliases:
            index.setdefault(name_key(alias), column)
    return index


_MEMBER_INDEX = _member_index()


def member_column(header: str) -> str | None:
    """The canonical member-list column a header names, in any of the four languages."""
    return _MEMBER_INDEX.get(name_key(header))


# -- HXL ---------------------------------------------------------------------------------------

# Our 3W export writes these tags; hxl_column() reads them (and OCHA's) back.
THREE_W_TAGS: dict[str, str] = {
    "org_name": "#org+name",
    "org_acronym": "#org+acronym",
    "org_type": "#org+type+name",
    "adm1_code": "#adm1+code",
    "adm1_name": "#adm1+name",
    "adm2_name": "#adm2+name",
    "sector_code": "#sector+code",
    "sector_name": "#sector+name",
}
# Organisations that fund or are otherwise not the one working there.
_OTHER_ROLES = frozenset({"funder", "donor", "partner"})


def parse_tag(cell: str) -> tuple[str, frozenset[str]] | None:
    """'#org +type +name' -> ('#org', {'type', 'name'}); None if the cell is not a hashtag."""
    text = "".join(cell.split()).lower()
    if not text.startswith("#") or len(text) < 2:
        return None
    base, *attributes = text.split("+")
    return base, frozenset(attribute for attribute in attributes if attribute)


def is_hxl_row(cells: Sequence[str]) -> bool:
    filled = [cell for cell in cells if cell.strip()]
    return bool(filled) and all(parse_tag(cell) is not None for cell in filled)


def hxl_column(cell: str) -> str | None:
    tag = parse_tag(cell)
    if tag is None:
        return None
    base, attributes = tag
    if base == "#org" and not attributes & _OTHER_ROLES:
        if "acronym" in attributes:
            return "org_acronym"
        if "type" in attributes:
            return "org_type"
        return None if attributes & {"code", "id"} else "org_name"
    if base in {"#adm1", "#adm2", "#sector"}:
        kind = "code" if "code" in attributes else "name"
        column = f"{base[1:]}_{kind}"
        return None if column == "adm2_code" else column
    return None
