"""Bulk import and export through the real Application and a fake Bot API."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.console.fake_api import ApiCall, UpdateFactory
from bot.db.models import AuditRow, DraftRow, OrganisationRow, StaffRow
from bot.domain.entities import Organisation, OrgStatus, Profile, Visibility
from tests.conftest import Harness, start_harness, texts

ADMIN_ID = 900000001
DARI_ADMIN_ID = 900000002
OCHA_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "afg_3w_ocha_2024q3_sample.csv"
# Written out here, independently of the code under test: the sample's cluster codes.
SAMPLE_CLUSTERS = {
    "EiE_OP": "education", "EDUCATION_OP": "education", "ESNFI_OP": "shelter",
    "FSAC_OP": "food_security", "HEALTH_OP": "health", "NUTRITION_OP": "nutrition",
    "PROTECTION_OP": "protection", "WASH_OP": "wash",
}
NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture
async def harness(engine):
    harness = await start_harness(engine, admin_ids=f"{ADMIN_ID},{DARI_ADMIN_ID}")
    await harness.send(admin(), "/start")
    yield harness
    await harness.application.shutdown()


def admin() -> UpdateFactory:
    return UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")


def member() -> UpdateFactory:
    return UpdateFactory(user_id=100_000_001, first_name="Karim", language_code="en")


def plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def documents(calls: list[ApiCall]) -> dict[str, bytes]:
    return {name: content for call in calls if call.method == "sendDocument"
            for name, content, _mime in call.files.values()}


async def send_file(harness: Harness, user: UpdateFactory, content: bytes,
                    name: str = "members.csv", **size) -> list[ApiCall]:
    return await harness.feed(user.document(harness.api.add_file(content, name, **size)))


async def count(harness: Harness, model, *where) -> int:
    async with harness.hamkari.engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model).where(*where))


async def organisations(harness: Harness) -> list[OrganisationRow]:
    async with harness.application.bot_data.uow_factory() as uow:
        return list(await uow.session.scalars(select(OrganisationRow).order_by(OrganisationRow.id)))


def expected_from_sample() -> dict[str, tuple[set[str], set[str]]]:
    """Provinces and sectors per organisation, read from the sample with the csv module alone."""
    found: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    with OCHA_SAMPLE.open(encoding="utf-8", newline="") as file:
        for row in list(csv.DictReader(file))[1:]:  # row 2 holds the HXL hashtags
            provinces, sectors = found[row["ORG_NAME"].strip()]
            provinces.add(row["PROV_CODE"])
            sectors.add(SAMPLE_CLUSTERS[row["CLUSTER_SECTOR_CODE"]])
    return found


async def test_admin_imports_the_real_ocha_sample_after_a_dry_run(harness):
    calls = await send_file(harness, admin(), OCHA_SAMPLE.read_bytes(), "afg_3w.csv")
    assert [c.method for c in calls] == ["getFile", "downloadFile", "sendDocument", "sendMessage"]
    report = plain(documents(calls)["import-dry-run.txt"].decode("utf-8"))
    assert "Row 3: new organisation ASCHIANA: Afghansitan's Children - a New Approach" in report
    assert "Row 4: same organisation as row 3, added to it" in report
    assert sum(line.startswith("Row ") for line in report.splitlines()) == 1044
    summary = plain(texts(calls)[0])
    assert "Dry run of afg_3w.csv" in summary and "108 organisations would be created." in summary
    assert "936 rows add to organisations of earlier rows." in summary
    assert await count(harness, OrganisationRow) == 0  # a dry run writes nothing

    calls = await harness.press(admin(), "Import")
    assert "downloadFile" in [c.method for c in calls]  # read again by its file_id
    [edited] = [c for c in calls if c.method == "editMessageText"]
    assert "108 organisations created." in plain(edited.params["text"])
    assert "reply_markup" not in edited.params  # the buttons are gone
    final = plain(documents(calls)["import-report.txt"].decode("utf-8"))
    assert "Row 3: created ASCHIANA: Afghansitan's Children - a New Approach as #" in final

    rows = await organisations(harness)
    assert {(r.status, r.visibility) for r in rows} == {("verified", "network")}
    stored = {r.name: ({p.code for p in r.provinces}, {s.code for s in r.sectors}) for r in rows}
    assert stored == expected_from_sample()
    assert "Organization for Coordination of Humanitarian Relief" in stored  # trailing space gone
    assert await count(harness, StaffRow) == 0  # imported organisations have no owner
    async with harness.application.bot_data.uow_factory() as uow:
        admin_user = await uow.users.by_telegram_id(ADMIN_ID)
    assert await count(harness, AuditRow, AuditRow.action == "imported",
                       AuditRow.actor_user_id == admin_user.id) == 108
    assert await count(harness, DraftRow) == 0

    # The same file again: everything is already there.
    calls = await send_file(harness, admin(), OCHA_SAMPLE.read_bytes(), "afg_3w.csv")
    summary = plain(texts(calls)[0])
    assert "1044 rows are already in the registry and are skipped." in summary
    assert "There is nothing new to import." in summary
    assert "reply_markup" not in harness.api.last_message(ADMIN_ID)


MEMBER_LIST = (
    b"name,provinces,sectors,phone\n"
    b"Alpha Network,Balkh,health,+93 70 123 4567\n"
    b"Beta Group,Atlantis,health,\n"
    b"Alpha Network,Kunduz,wash,\n"
)


async def test_invalid_rows_are_reported_and_only_valid_ones_are_imported(harness):
    calls = await send_file(harness, admin(), MEMBER_LIST)
    report = plain(documents(calls)["import-dry-run.txt"].decode())
    assert "Row 3: invalid, skipped: provinces: Atlantis is not on the registry's list" in report
    assert "1 row is invalid and is skipped." in plain(texts(calls)[0])
    await harness.press(admin(), "Import")
    [row] = await organisations(harness)
    assert (row.name, row.phone) == ("Alpha Network", "+93701234567")
    assert ([p.code for p in row.provinces], [s.code for s in row.sectors]) == (
        ["AF21", "AF19"], ["health", "wash"])


def import_button(message: dict) -> str:
    return next(button["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                for button in row if button["text"] == "Import")


async def test_an_older_import_button_cannot_import_a_newer_file(harness):
    await send_file(harness, admin(), b"name,provinces,sectors\nFirst File Org,Balkh,health\n")
    first = harness.api.last_message(ADMIN_ID)
    await send_file(harness, admin(), b"name,provinces,sectors\nSecond File Org,Balkh,health\n")
    second = harness.api.last_message(ADMIN_ID)
    [stale] = await harness.feed(admin().callback(import_button(first), first))
    assert stale.method == "answerCallbackQuery" and "no longer active" in stale.params["text"]
    assert await count(harness, OrganisationRow) == 0

    await harness.feed(admin().callback(import_button(second), second))
    assert [r.name for r in await organisations(harness)] == ["Second File Org"]
    [again] = await harness.feed(admin().callback(import_button(second), second))  # pressed twice
    assert "no longer active" in again.params["text"]
    assert await count(harness, OrganisationRow) == 1


async def test_cancel_writes_nothing_and_retires_the_buttons(harness):
    await send_file(harness, admin(), MEMBER_LIST)
    message = harness.api.last_message(ADMIN_ID)
    [import_data, cancel_data] = harness.buttons(admin())
    calls = await harness.press(admin(), "Cancel")
    assert "Import cancelled. Nothing was written." in texts(calls, "editMessageText")
    [stale] = await harness.feed(admin().callback(import_data, message))
    assert "no longer active" in stale.params["text"]
    assert await count(harness, OrganisationRow) == 0 and await count(harness, DraftRow) == 0
    assert cancel_data.startswith("imp:no:") and len(import_data.encode()) <= 64


async def test_a_member_sending_a_file_is_told_politely_and_nothing_is_read(harness):
    await harness.send(member(), "/start")
    calls = await send_file(harness, member(), MEMBER_LIST)
    assert [c.method for c in calls] == ["sendMessage"]
    assert "Only the platform's administrators can import" in texts(calls)[0]
    assert await count(harness, DraftRow) == 0
    reply = harness.api.last_message(member().user_id)
    [stale] = await harness.feed(member().callback("imp:go:00000000", reply))  # a forged button
    assert "no longer active" in stale.params["text"]


@pytest.mark.parametrize(("content", "size", "expected"), [
    ("name,provinces,sectors\nBalkh Health,Balkh,health\nCafé,Kabul,health\n".encode("cp1252"),
     None, ["not saved as UTF-8", "line 3", "CSV UTF-8"]),
    (b"name,provinces\nAlpha,Balkh\n", None, ["the column sectors is missing", "/import"]),
    (b"PK\x03\x04rest-of-a-workbook", None, ["spreadsheet workbook, not a CSV file"]),
    (b"name,provinces,sectors\n", 6 * 1024 * 1024, ["too big", "5 MB"]),
])
async def test_refused_files_say_what_to_do(harness, content, size, expected):
    calls = await send_file(harness, admin(), content, declared_size=size)
    [reply] = texts(calls)
    for fragment in expected:
        assert fragment in plain(reply)
    assert "sendDocument" not in [c.method for c in calls]
    assert ("getFile" in [c.method for c in calls]) is (size is None)
    assert await count(harness, DraftRow) == 0


async def seed(harness: Harness) -> None:
    profiles = {
        "Open Org": (Visibility.PUBLIC, OrgStatus.VERIFIED),
        "Quiet Org": (Visibility.HIDDEN, OrgStatus.VERIFIED),
        "Gone Org": (Visibility.PUBLIC, OrgStatus.WITHDRAWN),
    }
    async with harness.application.bot_data.uow_factory() as uow:
        for name, (visibility, status) in profiles.items():
            await uow.organisations.add(Organisation(
                None, Profile(name=name, kind="ngo", country="AF", provinces=("AF21",),
                              sectors=("health",), phone="+93701234567",
                              description="=cmd|' /C calc'!A0"),
                status, visibility, NOW))


async def test_export_sends_csv_and_xlsx_with_contacts_to_admins_only(harness):
    await seed(harness)
    calls = await harness.send(admin(), "/export")
    files = documents(calls)
    [csv_name] = [name for name in files if name.endswith(".csv")]
    [xlsx_name] = [name for name in files if name.endswith(".xlsx")]
    exported = list(csv.DictReader(io.StringIO(files[csv_name].decode("utf-8-sig"))))
    assert [(r["name"], r["visibility"], r["phone"]) for r in exported] == [
        ("Open Org", "public", "'+93701234567"), ("Quiet Org", "hidden", "'+93701234567")]
    assert exported[0]["description"] == "'=cmd|' /C calc'!A0"
    workbook = openpyxl.load_workbook(io.BytesIO(files[xlsx_name]))
    assert [row[0] for row in workbook["3W"].iter_rows(min_row=3, values_only=True)] == [
        "Open Org", "Quiet Org"]
    assert "2 organisations, with contact details" in plain(
        next(c.params["caption"] for c in calls if c.params.get("caption")))

    await harness.send(member(), "/start")
    calls = await harness.send(member(), "/export")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "I do not know that command" in texts(calls)[0]


async def test_import_command_sends_the_template_in_the_admins_language(harness):
    dari_admin = UpdateFactory(user_id=DARI_ADMIN_ID, first_name="Admin", language_code="fa")
    await harness.send(dari_admin, "/start")
    calls = await harness.send(dari_admin, "/import")
    [(name, template)] = documents(calls).items()
    assert name == "member-list.fa_AF.csv"
    assert template.decode("utf-8-sig").startswith("نام,نام به حروف لاتین,نام مخفف")
    # the template, sent back as it is, is a valid one-organisation import
    await send_file(harness, dari_admin, template, name)
    assert [data[:7] for data in harness.buttons(dari_admin)] == ["imp:go:", "imp:no:"]
    await harness.tap(dari_admin, harness.buttons(dari_admin)[0])
    [row] = await organisations(harness)
    assert (row.name, row.name_latin, row.women_led) == ("شبکه صحی بلخ", "Balkh Health Network", True)

    await harness.send(member(), "/start")
    calls = await harness.send(member(), "/import")
    assert "sendDocument" not in [c.method for c in calls]
    assert "I do not know that command" in texts(calls)[0]
