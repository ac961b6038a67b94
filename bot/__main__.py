"""Command line: ``hamkari run | console | migrate`` (also ``python -m bot ...``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

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
    return 2


async def _migrate(settings: Settings) -> None:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade_to_head

    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
