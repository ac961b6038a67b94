"""`hamkari import` and `hamkari export` called as the command line's main()."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.__main__ import main
from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.entities import Organisation, OrgStatus, Profile, Visibility

OCHA_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "afg_3w_ocha_2024q3_sample.csv"


@pytest.fixture
def database(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_import_dry_run_then_real_run_then_everything_is_a_duplicate(database, capsys):
    assert main(["import", str(OCHA_SAMPLE), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Row 3: new organisation ASCHIANA: Afghansitan's Children - a New Approach\n" in out
    assert "Row 4: same organisation as row 3, added to it\n" in out
    assert "108 organisations would be created." in out and "Dry run: nothing was written." in out
    assert "\u2068" not in out  # a terminal gets plain text
    assert query(database, "select count(*) from organisations") == [(0,)]

    assert main(["import", str(OCHA_SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Row 3: created ASCHIANA: Afghansitan's Children - a New Approach as #1\n" in out
    assert "108 organisations created." in out
    assert query(database, "select count(*), min(status), max(visibility) from organisations") == [
        (108, "verified", "network")]
    assert query(database, "select count(*), count(actor_user_id) from audit_log "
                           "where action = 'imported'") == [(108, 0)]  # actor: nobody (CLI)

    assert main(["import", str(OCHA_SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Row 3: ASCHIANA: Afghansitan's Children - a New Approach is already in the registry " \
           "as #1; skipped" in out
    assert query(database, "select count(*) from organisations") == [(108,)]


@pytest.mark.parametrize(("content", "message"), [
    ("name,provinces,sectors\nCafé,Kabul,health\n".encode("cp1252"), "not saved as UTF-8"),
    (b"name,provinces\nAlpha,Balkh\n", "the column sectors is missing"),
    (None, "Cannot read"),
])
def test_a_refused_file_exits_with_2_and_writes_nothing(database, tmp_path, capsys, content, message):
    path = tmp_path / "members.csv"
    if content is not None:
        path.write_bytes(content)
    assert main(["import", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert not database.exists()  # refused before the database is even opened


def test_invalid_rows_are_listed_and_the_rest_imported(database, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text("name,provinces,sectors,email\nGood Org,Balkh,health,\n"
                    "Bad Org,Balkh,cooking,not-mail\n", encoding="utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert ("Row 3: invalid, skipped: sectors: cooking is not on the registry's list; "
            "email: not-mail is not an email address") in out
    assert query(database, "select name from organisations") == [("Good Org",)]


async def _seed(database: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade_to_head(engine)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with UnitOfWorkFactory(engine)() as uow:
        for name, visibility, status in [
            ("Open Org", Visibility.PUBLIC, OrgStatus.VERIFIED),
            ("Network Org", Visibility.NETWORK, OrgStatus.VERIFIED),
            ("Quiet Org", Visibility.HIDDEN, OrgStatus.VERIFIED),
            ("Quiet Pending Org", Visibility.HIDDEN, OrgStatus.PENDING),
            ("Gone Org", Visibility.PUBLIC, OrgStatus.WITHDRAWN),
        ]:
            await uow.organisations.add(Organisation(
                None, Profile(name=name, kind="ngo", country="AF", provinces=("AF21",),
                              sectors=("health",), email="secret@example.org",
                              contact_person="Ms Secret"), status, visibility, now))
    await engine.dispose()


def test_export_public_has_no_hidden_organisation_and_no_contacts(database, tmp_path, capsys):
    asyncio.run(_seed(database))
    public = tmp_path / "public.csv"
    assert main(["export", "--format", "csv", "--output", str(public), "--public"]) == 0
    text = public.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == ["Open Org"]
    assert "email" not in rows[0] and "secret" not in text.lower()

    public_xlsx = tmp_path / "public.xlsx"
    assert main(["export", "--format", "xlsx", "--output", str(public_xlsx), "--public"]) == 0
    workbook = openpyxl.load_workbook(public_xlsx)
    cells = [str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]
    assert "Quiet Org" not in cells and "Network Org" not in cells
    assert not [c for c in cells if "secret" in c.lower()]

    full = tmp_path / "full.xlsx"
    assert main(["export", "--format", "xlsx", "--output", str(full)]) == 0
    assert "4 organisations written to" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(full)["Organisations"]
    rows = list(sheet.iter_rows(values_only=True))
    names = [row[1] for row in rows[1:]]
    assert names == ["Open Org", "Network Org", "Quiet Org", "Quiet Pending Org"]  # not withdrawn
    assert rows[1][rows[0].index("email")] == "secret@example.org"


def test_export_to_an_unwritable_place_exits_with_2(database, tmp_path, capsys):
    assert main(["export", "--output", str(tmp_path / "missing-dir" / "x.csv")]) == 2
    assert "Cannot write" in capsys.readouterr().err
