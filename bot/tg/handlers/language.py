from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.errors import UnsupportedLocale
from bot.domain.users import change_locale
from bot.i18n import SUPPORTED_LOCALES
from bot.tg import views
from bot.tg.context import HamkariContext


async def ask_language(update: Update, context: HamkariContext) -> None:
    await update.effective_message.reply_text(
        views.language_prompt(context.t), reply_markup=views.language_keyboard()
    )


async def choose_language(update: Update, context: HamkariContext) -> None:
    query = update.callback_query
    locale = query.data.removeprefix(views.LANGUAGE_CALLBACK_PREFIX)
    try:
        async with context.uow() as uow:
            user = await change_locale(uow, context.user, locale, SUPPORTED_LOCALES)
    except UnsupportedLocale:
        await query.answer(views.unknown_language(context.t), show_alert=True)
        return
    context.use_locale(user.locale)
    await query.answer()
    await query.edit_message_text(views.language_changed(context.t))


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("language", ask_language),
        CallbackQueryHandler(choose_language, pattern=f"^{views.LANGUAGE_CALLBACK_PREFIX}"),
    ]
