"""Command line: ``hamkari run | console | migrate | import | export`` (also ``python -m bot ...``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.i18n import SUPPORTED_LOCALES
from bot.logs import configure_logging

NO_TOKEN_HELP = """\
TELEGRAM_BOT_TOKEN is not set, so Hamkari cannot connect to Telegram.

To get a token: open Telegram, talk to @BotFather, send /newbot and follow the steps.
Then put the token in the environment or in a .env file next to where you start the bot:
    TELEGRAM_BOT_TOKEN=123456789:AA...
and run `hamkari run` again.

To try the bot without Telegram or a network, use the offline console:
    hamkari console --lang fa_AF      (also ps, tg, en)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hamkari", description="Hamkari coordination bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run on Telegram (long polling, or webhook if WEBHOOK_URL)")
    console = commands.add_parser("console", help="chat with the bot offline in this terminal")
    console.add_argument("--lang", choices=SUPPORTED_LOCALES,
                         help="language of the console user (fa_AF, ps, tg, en)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    importing = commands.add_parser(
        "import", help="import a member list or an OCHA 3W file (CSV); see docs/bulk-data.md")
    importing.add_argument("file", type=Path)
    importing.add_argument("--dry-run", action="store_true",
                           help="report row by row what would happen; write nothing")
    exporting = commands.add_parser("export", help="export the registry as CSV or XLSX (3W)")
    exporting.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exporting.add_argument("--output", type=Path, required=True)
    exporting.add_argument("--public", action="store_true",
                           help="only what anyone may see: public organisations, no contacts")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings)

    if args.command == "run":
        if settings.telegram_bot_token is None:
            print(NO_TOKEN_HELP, file=sys.stderr)
            return 2
        from bot.app import run

        run(settings)
        return 0
    if args.command == "console":
        from bot.console.session import run_console

        # The console prints the conversation; keep library chatter out of it.
        logging.getLogger().setLevel(logging.WARNING)
        asyncio.run(run_console(settings, args.lang))
        return 0
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        print("Database is up to date.")
        return 0
    if args.command == "import":
        return _import(settings, args.file, args.dry_run)
    if args.command == "export":
        return _export(settings, args.format, args.output, args.public)
    return 2


async def _migrate(settings: Settings) -> None:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade_to_head

    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()



def _import(settings: Settings, path: Path, dry_run: bool) -> int:
    """Exit 0 when the file was read (invalid rows are reported, not fatal), 2 when refused."""
    from bot.bulk.reading import FileRefused, parse
    from bot.bulk.report import refusal, report_lines, summary_lines

    t = _english()
    try:
        parsed = parse(path.read_bytes())
    except OSError as error:
        print(f"Cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    except FileRefused as error:
        print(f"{path}: {refusal(t, error)}", file=sys.stderr)
        return 2
    plan = asyncio.run(_run_import(settings, parsed, dry_run))
    print("\n".join([*report_lines(t, plan, parsed), "", *summary_lines(t, plan, parsed)]))
    print("Dry run: nothing was written." if dry_run else
          "Written in one transaction; invalid rows and duplicates were skipped.")
    return 0


async def _run_import(settings: Settings, parsed, dry_run: bool):
    from datetime import UTC, datetime

    from bot.db.engine import UnitOfWorkFactory, make_engine
    from bot.db.migrate import upgrade_to_head
    from bot.domain.bulk import run_import

    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with UnitOfWorkFactory(engine)() as uow:
            return await run_import(uow, parsed.layout, parsed.rows, actor=None,
                                    now=datetime.now(UTC), dry_run=dry_run)
    finally:
        await engine.dispose()


def _export(settings: Settings, file_format: str, output: Path, public: bool) -> int:
    from bot.bulk.writing import registry_csv, registry_xlsx
    from bot.domain.bulk import presence_rows
    from bot.domain.reference import load_reference

    exported = asyncio.run(_exported(settings, public))
    reference, with_contacts = load_reference(), not public
    data = (registry_csv(exported, reference, with_contacts) if file_format == "csv" else
            registry_xlsx(exported, presence_rows(exported), reference, with_contacts))
    try:
        output.write_bytes(data)
    except OSError as error:
        print(f"Cannot write {output}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"{len(exported)} organisations written to {output}.")
    return 0


async def _exported(settings: Settings, public: bool):
    """What a platform administrator may see, or with --public what anyone may see."""
    from bot.db.engine import UnitOfWorkFactory, make_engine
    from bot.db.migrate import upgrade_to_head
    from bot.domain.bulk import ANYONE, OPERATOR, registry_export

    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with UnitOfWorkFactory(engine)() as uow:
            return await registry_export(uow, ANYONE if public else OPERATOR)
    finally:
        await engine.dispose()


def _english():
    """The command line speaks English: the messages' own text, no catalog needed."""
    import gettext

    from bot.i18n import Translator

    return Translator("en", gettext.NullTranslations())


if __name__ == "__main__":
    sys.exit(main())
