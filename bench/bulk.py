"""Bulk import and export timings on SQLite (or DATABASE_URL-style --database).

    python -m bench.bulk [--rows 10000] [--database sqlite+aiosqlite:///path]

1. The OCHA 3W sample in tests/data: parse, dry run, real import.
2. A generated member list (two rows per organisation, one row in ten invalid): parse, dry run
   against the registry of step 1, real import.
3. Export of the whole registry as CSV and as the XLSX workbook.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.bulk.headers import TEMPLATE_HEADERS
from bot.bulk.reading import parse
from bot.bulk.writing import registry_csv, registry_xlsx
from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.bulk import OPERATOR, presence_rows, registry_export, run_import
from bot.domain.reference import load_reference

OCHA_SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "afg_3w_ocha_2024q3_sample.csv"


def member_list(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADERS["en"])
    provinces = [place.code for place in load_reference().places_in("AF")]
    for n in range(rows):
        email = "bad" if n % 10 == 9 else f"o{n}@example.org"
        writer.writerow([f"Generated organisation {n // 2}", "", "", "ngo", "AF", provinces[n % 34],
                         f"District {n}", "health; wash", "yes", "no", "", str(n), "2008", "",
                         "", "+93 70 123 4567", email, "", ""])
    return buffer.getvalue().encode()


def timed(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"{label:<44} {now - started:7.2f} s")
    return now


async def import_file(factory, label: str, data: bytes) -> None:
    started = time.perf_counter()
    parsed = parse(data)
    started = timed(f"{label}: parse {len(parsed.rows):,} rows", started)
    for dry_run in (True, False):
        async with factory() as uow:
            plan = await run_import(uow, parsed.layout, parsed.rows, actor=None,
                                    now=datetime.now(UTC), dry_run=dry_run)
        started = timed(f"{label}: {'dry run' if dry_run else 'import'} "
                        f"({len(plan.organisations):,} organisations)", started)


async def main(rows: int, database: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(database or f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        await upgrade_to_head(engine)
        factory = UnitOfWorkFactory(engine)
        await import_file(factory, "OCHA sample", OCHA_SAMPLE.read_bytes())
        await import_file(factory, "member list", member_list(rows))
        started = time.perf_counter()
        async with factory() as uow:
            exported = await registry_export(uow, OPERATOR)
        started = timed(f"export: read {len(exported):,} organisations", started)
        reference = load_reference()
        registry_csv(exported, reference, with_contacts=True)
        started = timed("export: CSV", started)
        registry_xlsx(exported, presence_rows(exported), reference, with_contacts=True)
        timed("export: XLSX", started)
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database", help="an async SQLAlchemy URL; default a temporary SQLite file")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.database))
