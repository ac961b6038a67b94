"""Reading import files (encodings, layouts, malformed input, size) and writing exports."""

from __future__ import annotations

import codecs
import csv
import io
import time
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.bulk.headers import TEMPLATE_HEADERS, hxl_column, member_column, parse_tag
from bot.bulk.reading import FileRefused, decode, parse
from bot.bulk.writing import (
    THREE_W_HEADERS,
    member_list_template,
    registry_csv,
    registry_xlsx,
    safe_cell,
)
from bot.domain.bulk import (
    MEMBER_COLUMNS,
    ExportedOrganisation,
    Layout,
    Outcome,
    plan_import,
    presence_rows,
)
from bot.domain.entities import Organisation, OrgStatus, Profile, Project, ProjectStatus, Visibility
from bot.domain.reference import load_reference

ROOT = Path(__file__).resolve().parents[2]
OCHA_SAMPLE = ROOT / "tests" / "data" / "afg_3w_ocha_2024q3_sample.csv"
TODAY = date(2026, 11, 23)
DARI_LIST = "name,provinces,sectors\nشبکه صحی بلخ,بلخ,صحت\n"


def refused(data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        parse(data)
    return caught.value


# -- encodings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoded", [
    DARI_LIST.encode("utf-8"),
    codecs.BOM_UTF8 + DARI_LIST.encode("utf-8"),
    DARI_LIST.encode("utf-16"),  # with a byte-order mark, as Excel's "Unicode text"
    codecs.BOM_UTF16_BE + DARI_LIST.encode("utf-16-be"),
    DARI_LIST.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "crlf"])
def test_unicode_files_are_read_with_or_without_a_bom(encoded):
    parsed = parse(encoded)
    assert parsed.layout is Layout.MEMBER_LIST
    [row] = parsed.rows
    assert (row.number, row.values) == (2, {"name": "شبکه صحی بلخ", "provinces": "بلخ",
                                            "sectors": "صحت"})
    assert "name" in parsed.headers and "\ufeff" not in parsed.headers["name"]


def test_a_windows_1252_file_is_refused_with_the_line_not_garbled():
    data = "name,provinces,sectors\nBalkh Health,Balkh,health\nCafé Société,Kabul,health\n"
    error = refused(data.encode("cp1252"))
    assert (error.reason, error.line) == ("not_utf8", 3)


def test_a_windows_1256_dari_file_is_refused():
    # Windows-1256 has only the Arabic forms of yeh and kaf, as old Dari files use.
    error = refused(DARI_LIST.replace("ی", "ي").replace("ک", "ك").encode("cp1256"))
    assert (error.reason, error.line) == ("not_utf8", 2)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"  \r\n", "empty"),
    (DARI_LIST.encode("utf-16-le"), "binary"),  # UTF-16 without a byte-order mark
    (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet"),  # an .xlsx sent as is
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "spreadsheet"),  # an old .xls
])
def test_files_that_are_not_csv_text_are_refused(data, reason):
    assert refused(data).reason == reason


def test_decode_keeps_text_as_written():
    assert decode("Ҳамкорӣ\n".encode("utf-32")) == "Ҳамкорӣ\n"


# -- layouts and columns -----------------------------------------------------------------------

@pytest.mark.parametrize("locale", sorted(TEMPLATE_HEADERS))
def test_member_headers_in_each_language_name_the_right_columns(locale):
    assert [member_column(header) for header in TEMPLATE_HEADERS[locale]] == list(MEMBER_COLUMNS)


def test_headers_in_any_order_with_a_semicolon_delimiter_and_unknown_columns():
    data = "Sectors;Notes;Provinces or regions;Organization name\nhealth;x;Balkh;Hamkari\n"
    parsed = parse(data.encode())
    assert parsed.rows[0].values == {"sectors": "health", "provinces": "Balkh", "name": "Hamkari"}
    assert parsed.ignored == ("Notes",)
    assert parsed.headers["provinces"] == "Provinces or regions"


def test_a_title_row_above_the_header_and_lists_that_look_like_delimiters():
    data = ("Members of the Balkh network, 2024\n"
            "name,provinces,sectors\n"
            "Hamkari,Balkh; Kunduz; Herat; Kabul,health; wash; nutrition; education\n")
    parsed = parse(data.encode())
    assert parsed.rows[0].number == 3
    assert parsed.rows[0].values == {"name": "Hamkari", "provinces": "Balkh; Kunduz; Herat; Kabul",
                                     "sectors": "health; wash; nutrition; education"}


def test_missing_required_member_columns_refuse_the_file():
    error = refused(b"name,provinces,phone\nHamkari,Balkh,\n")
    assert (error.reason, error.columns, error.line) == ("missing_columns", ("sectors",), 1)
    assert refused(b"foo,bar\n1,2\n").columns == ("name", "provinces", "sectors")


def test_hxl_tags_with_spaces_in_row_2_and_without_a_human_header():
    with_header = ("ORG,PCODE,CLUSTER,Donor\n#org +name,#adm1 +code,#sector +cluster +code,"
                   "#org+funder+name\nSolidarity for Afghan Families,AF31,HEALTH_OP,ECHO\n")
    parsed = parse(with_header.encode())
    assert parsed.layout is Layout.THREE_W
    assert parsed.rows[0].number == 3
    assert parsed.rows[0].values == {"org_name": "Solidarity for Afghan Families",
                                     "adm1_code": "AF31", "sector_code": "HEALTH_OP"}
    assert parsed.headers["org_name"] == "ORG" and parsed.ignored == ("Donor",)
    tags_only = parse(b"#org+name,#adm1+name,#sector+name\nSAF,Badghis,Health\n")
    assert tags_only.rows[0].number == 2 and tags_only.rows[0].values["adm1_name"] == "Badghis"


def test_a_3w_file_without_a_sector_column_is_refused():
    error = refused(b"ORG,P\n#org+name,#adm1+code\nSAF,AF31\n")
    assert (error.reason, error.columns, error.line) == ("missing_columns", ("#sector+code",), 2)


@pytest.mark.parametrize(("tag", "column"), [
    ("#org+name", "org_name"), ("#org", "org_name"), ("#org +acronym", "org_acronym"),
    ("#org +type +name", "org_type"), ("#org+funder+name", None), ("#org+code", None),
    ("#ADM1+CODE", "adm1_code"), ("#adm1+name", "adm1_name"), ("#adm2+code", None),
    ("#sector +cluster +code", "sector_code"), ("#sector+cluster+name", "sector_name"),
    ("#region+name", None), ("", None),
])
def test_hxl_columns(tag, column):
    assert hxl_column(tag) == column


def test_parse_tag_normalises_spaces_and_case():
    assert parse_tag(" #Org +Type + Name ") == ("#org", frozenset({"type", "name"}))
    assert parse_tag("ORG_NAME") is None


# -- malformed files ---------------------------------------------------------------------------

def test_an_unclosed_quote_refuses_the_file_instead_of_swallowing_rows():
    error = refused(b'name,provinces,sectors\n"Hamkari,Balkh,health\nOther,Kabul,health\n')
    assert error.reason == "malformed"


def test_a_gigantic_cell_refuses_the_file():
    error = refused(b"name,provinces,sectors\n" + b"x" * 200_000 + b",Balkh,health\n")
    assert (error.reason, error.line) == ("malformed", 2)


def test_short_rows_and_blank_rows_are_tolerated():
    parsed = parse(b"name,provinces,sectors,phone\nHamkari,Balkh\n,,,\n\nOther,Kabul,health,\n")
    assert [(row.number, row.values.get("sectors")) for row in parsed.rows] == [
        (2, None), (5, "health")]


# -- formulas ----------------------------------------------------------------------------------

def test_formula_cells_are_read_as_text_and_our_apostrophe_is_removed():
    data = ('name,provinces,sectors,phone\n"=HYPERLINK(""http://x"",""y"")",Balkh,health,'
            "'+93701234567\n\"@SUM(1+1)\",Balkh,health,\n")
    rows = parse(data.encode()).rows
    assert rows[0].values["name"] == '=HYPERLINK("http://x","y")'
    assert rows[0].values["phone"] == "+93701234567"
    assert rows[1].values["name"] == "@SUM(1+1)"


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+93701234567", "'+93701234567"), ("-2", "'-2"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Hamkari", "Hamkari"), ("a=b", "a=b"), ("", ""),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


# -- size ----------------------------------------------------------------------------------------

def _generated(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADERS["en"])
    provinces = [place.code for place in load_reference().places_in("AF")]
    for n in range(rows):
        invalid = n % 10 == 9  # every tenth row has a bad email
        writer.writerow([f"Organisation number {n // 2}", "", "", "ngo", "AF",
                         provinces[n % 34], f"District {n}", "health; wash", "yes", "no", "",
                         str(n), "2008", "", "", "+93 70 123 4567",
                         "bad" if invalid else f"o{n}@example.org", "", ""])
    return buffer.getvalue().encode("utf-8")


def test_ten_thousand_rows_are_planned_in_reasonable_time():
    data = _generated(10_000)
    started = time.perf_counter()
    parsed = parse(data)
    plan = plan_import(parsed.layout, parsed.rows, [], TODAY)
    elapsed = time.perf_counter() - started
    assert len(parsed.rows) == 10_000
    assert plan.count(Outcome.INVALID) == 1_000
    assert plan.count(Outcome.CREATE) + plan.count(Outcome.MERGE) == 9_000
    assert len(plan.organisations) == 5_000
    assert elapsed < 30, f"10,000 rows took {elapsed:.1f} s"


def test_the_ocha_sample_is_one_organisation_per_name():
    parsed = parse(OCHA_SAMPLE.read_bytes())
    plan = plan_import(parsed.layout, parsed.rows, [], TODAY)
    assert (len(parsed.rows), len(plan.organisations), plan.count(Outcome.INVALID)) == (1044, 108, 0)
    assert parsed.ignored == ("REGION", "DIST_CODE", "Question")  # hashtag or not, unused


# -- writing -------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def exported_sample() -> list[ExportedOrganisation]:
    evil = Organisation(2, Profile(
        name="=HYPERLINK(\"http://evil\")", kind="association", country="TJ",
        provinces=("TJK001",), sectors=("wash",), phone="+992931234567", description="-x"),
        OrgStatus.VERIFIED, Visibility.HIDDEN, NOW)
    plain = Organisation(1, Profile(
        name="شبکه صحی بلخ", kind="ngo", country="AF", provinces=("AF21", "AF19"),
        sectors=("health",), women_led=True, year_founded=2008, email="info@example.org"),
        OrgStatus.VERIFIED, Visibility.PUBLIC, NOW)
    project = Project(7, 1, "Clinics", ("health",), ("AF21",), ProjectStatus.ACTIVE,
                      start=date(2024, 7, 1), end=date(2025, 6, 30), donor="@donor")
    return [ExportedOrganisation(plain, (project,)), ExportedOrganisation(evil, ())]


def test_registry_csv_escapes_formulas_and_can_be_imported_again():
    data = registry_csv(exported_sample(), load_reference(), with_contacts=True)
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "name", "name_latin"] and rows[0][-2:] == ["status", "visibility"]
    assert rows[2][1] == "'=HYPERLINK(\"http://evil\")" and "'+992931234567" in rows[2]
    assert "'-x" in rows[2]
    parsed = parse(data)
    assert parsed.ignored == ("id", "status", "visibility")
    again = plan_import(parsed.layout, parsed.rows, [], TODAY)
    assert [(p.profile.name, p.profile.provinces, p.profile.sectors, p.profile.phone,
             p.profile.women_led, p.profile.kind) for p in again.organisations] == [
        ("شبکه صحی بلخ", ("AF21", "AF19"), ("health",), None, True, "ngo"),
        ("=HYPERLINK(\"http://evil\")", ("TJK001",), ("wash",), "+992931234567", False,
         "association")]


def test_registry_csv_without_contacts_has_no_contact_columns():
    data = registry_csv(exported_sample(), load_reference(), with_contacts=False).decode("utf-8-sig")
    header = data.splitlines()[0].split(",")
    assert not {"contact_person", "phone", "email", "website", "telegram"} & set(header)
    assert "+992931234567" not in data and "info@example.org" not in data


def test_registry_xlsx_has_the_3w_shape_and_no_formula_cells():
    exported = exported_sample()
    data = registry_xlsx(exported, presence_rows(exported), load_reference(), with_contacts=True)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["3W", "Organisations"]
    three_w = [[cell for cell in row] for row in workbook["3W"].iter_rows()]
    assert [c.value for c in three_w[0]] == [header for header, _ in THREE_W_HEADERS]
    tags = [c.value for c in three_w[1]]
    assert [hxl_column(tag) for tag in tags[:8]] == [
        "org_name", "org_acronym", "org_type", None, "adm1_name", "adm1_code", "sector_name",
        "sector_code"]
    values = [[c.value for c in row] for row in three_w[2:]]
    assert values[0][:9] == ["شبکه صحی بلخ", None, "NGO", "AF", "Balkh", "AF21", "Health",
                             "health", "Clinics"]
    assert values[0][10].date() == date(2024, 7, 1) and values[0][12] == "@donor"
    assert [row[5] for row in values] == ["AF21", "AF19", "TJK001"]  # project, then profile
    every_cell = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c for c in every_cell if c.data_type == "f"]
    risky = [c for c in every_cell if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert risky and all(c.quotePrefix and c.data_type == "s" for c in risky)


def test_the_3w_sheet_can_be_imported_again_through_its_hxl_row():
    exported = exported_sample()
    data = registry_xlsx(exported, presence_rows(exported), load_reference(), with_contacts=False)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["3W"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else str(v) for v in row]
                                  for row in sheet.iter_rows(values_only=True)])
    parsed = parse(buffer.getvalue().encode())
    again = plan_import(parsed.layout, parsed.rows, [], TODAY)
    assert parsed.layout is Layout.THREE_W
    assert [(p.profile.name, p.profile.provinces) for p in again.organisations] == [
        ("شبکه صحی بلخ", ("AF21", "AF19")), ("=HYPERLINK(\"http://evil\")", ("TJK001",))]


@pytest.mark.parametrize("locale", sorted(TEMPLATE_HEADERS))
def test_committed_templates_match_the_code_and_import_cleanly(locale):
    generated = member_list_template(locale, load_reference())
    committed = ROOT / "docs" / "templates" / f"member-list.{locale}.csv"
    assert committed.read_bytes() == generated, "regenerate docs/templates from member_list_template"
    parsed = parse(generated)
    plan = plan_import(parsed.layout, parsed.rows, [], TODAY)
    assert parsed.ignored == () and [r.outcome for r in plan.rows] == [Outcome.CREATE]
    profile = plan.organisations[0].profile
    assert (profile.provinces, profile.sectors, profile.women_led, profile.phone) == (
        ("AF21", "AF19"), ("health", "nutrition"), True, "+93701234567")
