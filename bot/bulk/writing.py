"""Writing the registry as CSV and as an XLSX workbook, and the member-list templates.

The CSV is the member-list layout (so an export can be imported elsewhere) plus id, status and
visibility. The workbook has the OCHA 3W shape first (organisation x sector x province, with
project dates), with an HXL hashtag row, then the same organisations sheet as the CSV.

Spreadsheet formula injection: a cell that starts with = + - @, a tab or a carriage return
could run as a formula when opened. In the CSV such a cell gets a leading apostrophe; in the
workbook every text cell is stored as text and such a cell gets Excel's own quote prefix (the
apostrophe Excel itself adds when you type '=... into a cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from bot.bulk.headers import TEMPLATE_HEADERS, THREE_W_TAGS
from bot.bulk.reading import FORMULA_STARTS
from bot.domain.bulk import LEADERSHIP, MEMBER_COLUMNS, ExportedOrganisation, PresenceRow
from bot.domain.entities import Organisation, Profile
from bot.domain.reference import Reference

EXPORT_LOCALE = "en"  # data exchange with clusters and donors happens in English
LIST_JOIN = "; "
ORGANISATION_COLUMNS_BEFORE = ("id",)
ORGANISATION_COLUMNS_AFTER = ("status", "visibility")
THREE_W_HEADERS: tuple[tuple[str, str], ...] = (
    ("Organisation", THREE_W_TAGS["org_name"]),
    ("Acronym", THREE_W_TAGS["org_acronym"]),
    ("Kind", THREE_W_TAGS["org_type"]),
    ("Country", "#country+code"),
    ("Province", THREE_W_TAGS["adm1_name"]),
    ("Province code", THREE_W_TAGS["adm1_code"]),
    ("Sector", THREE_W_TAGS["sector_name"]),
    ("Sector code", THREE_W_TAGS["sector_code"]),
    ("Project", "#activity+name"),
    ("Project status", "#status"),
    ("Start", "#date+start"),
    ("End", "#date+end"),
    ("Donor", "#org+funder+name"),
)


def safe_cell(value: str) -> str:
    """The CSV form of a cell: an apostrophe before anything a spreadsheet would evaluate."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _names(codes: Iterable[str], lookup) -> str:
    return LIST_JOIN.join(lookup(code).name(EXPORT_LOCALE) for code in codes)


def organisation_columns(with_contacts: bool) -> tuple[str, ...]:
    columns = [c for c in MEMBER_COLUMNS if with_contacts or c not in Profile.CONTACT_FIELDS]
    return ORGANISATION_COLUMNS_BEFORE + tuple(columns) + ORGANISATION_COLUMNS_AFTER


def organisation_values(organisation: Organisation, reference: Reference,
                        columns: Sequence[str]) -> list[object]:
    profile = organisation.profile
    special = {
        "id": organisation.id,
        "kind": reference.kind(profile.kind).name(EXPORT_LOCALE),
        "country": reference.country(profile.country).name(EXPORT_LOCALE),
        "provinces": _names(profile.provinces, reference.place),
        "sectors": _names(profile.sectors, reference.sector),
        "status": organisation.status.value,
        "visibility": organisation.visibility.value,
    }
    special |= {flag: "yes" if getattr(profile, flag) else "no" for flag in LEADERSHIP}
    return [special[c] if c in special else getattr(profile, c) for c in columns]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(_text(value)) for value in row])
    # With the byte-order mark, Excel opens Dari, Pashto and Tajik text correctly.
    return buffer.getvalue().encode("utf-8-sig")


def registry_csv(exported: Sequence[ExportedOrganisation], reference: Reference,
                 with_contacts: bool) -> bytes:
    columns = organisation_columns(with_contacts)
    return _csv_bytes([columns, *(organisation_values(item.organisation, reference, columns)
                                  for item in exported)])


def presence_values(row: PresenceRow, reference: Reference) -> list[object]:
    profile, project = row.organisation.profile, row.project
    return [
        profile.name, profile.acronym, reference.kind(profile.kind).name(EXPORT_LOCALE),
        profile.country, reference.place(row.province).name(EXPORT_LOCALE), row.province,
        reference.sector(row.sector).name(EXPORT_LOCALE), row.sector,
        project.title if project else None, project.status.value if project else None,
        project.start if project else None, project.end if project else None,
        project.donor if project else None,
    ]


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    elif value is not None and not isinstance(value, int):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _sheet(workbook: Workbook, title: str, rows: Iterable[Sequence[object]]) -> None:
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])


def registry_xlsx(exported: Sequence[ExportedOrganisation], presence: Sequence[PresenceRow],
                  reference: Reference, with_contacts: bool) -> bytes:
    workbook = Workbook(write_only=True)
    _sheet(workbook, "3W", [
        [header for header, _tag in THREE_W_HEADERS],
        [tag for _header, tag in THREE_W_HEADERS],
        *(presence_values(row, reference) for row in presence),
    ])
    columns = organisation_columns(with_contacts)
    _sheet(workbook, "Organisations", [
        columns, *(organisation_values(item.organisation, reference, columns) for item in exported)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- member-list templates ---------------------------------------------------------------------

def _example(locale: str, reference: Reference) -> dict[str, str]:
    """One filled-in row, with list values written as names in the template's language."""
    yes, no = {"en": ("yes", "no"), "fa_AF": ("بلی", "نخیر"), "ps": ("هو", "نه"),
               "tg": ("ҳа", "не")}[locale]
    names = {"en": "Balkh Health Network", "fa_AF": "شبکه صحی بلخ", "ps": "د بلخ روغتیا شبکه",
             "tg": "Шабакаи тандурустии Балх"}
    districts = {"en": "Mazar-e-Sharif; Dehdadi", "fa_AF": "مزار شریف; دهدادی",
                 "ps": "مزار شریف; دهدادي", "tg": "Мазори Шариф; Деҳдодӣ"}
    return {
        "name": names[locale], "name_latin": "Balkh Health Network", "acronym": "BHN",
        "kind": reference.kind("ngo").name(locale), "country": reference.country("AF").name(locale),
        "provinces": LIST_JOIN.join(reference.place(c).name(locale) for c in ("AF21", "AF19")),
        "districts": districts[locale],
        "sectors": LIST_JOIN.join(reference.sector(c).name(locale) for c in ("health", "nutrition")),
        "women_led": yes, "youth_led": no, "disability_led": no,
        "registration_number": "4321", "year_founded": "2008", "description": "",
        "contact_person": "", "phone": "+93 70 123 4567", "email": "info@example.org",
        "website": "example.org", "telegram": "",
    }


def member_list_template(locale: str, reference: Reference) -> bytes:
    example = _example(locale, reference)
    return _csv_bytes([TEMPLATE_HEADERS[locale], [example[column] for column in MEMBER_COLUMNS]])
