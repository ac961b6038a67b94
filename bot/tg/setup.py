"""Registers every handler on an Application and the per-language command menus."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.i18n import SUPPORTED_LOCALES
from bot.i18n.locales import COMMAND_MENU_LANGUAGE
from bot.tg import views
from bot.tg.errors import on_error
from bot.tg.handlers import (
    announce,
    bodies,
    bulk,
    deadlines,
    fallback,
    find,
    language,
    meetings,
    polls,
    registry,
    start,
    typed_input,
)
from bot.tg.middleware import load_user

# Order matters inside group 0: the first matching handler wins, the fallback comes last.
FEATURES = (bodies, announce, meetings, deadlines, polls, registry, find, bulk, typed_input, start,
            language, fallback)


def register_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, load_user), group=-1)
    for feature in FEATURES:
        application.add_handlers(feature.handlers(), group=0)
    application.add_error_handler(on_error)


async def publish_command_menus(application: Application) -> None:
    """One setMyCommands per language, so each user sees the menu in their Telegram language."""
    catalogs = application.bot_data.catalogs
    for locale in SUPPORTED_LOCALES:
        await application.bot.set_my_commands(
            views.command_menu(catalogs.translator(locale)),
            language_code=COMMAND_MENU_LANGUAGE[locale],
        )
