from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.tg import views
from bot.tg.context import HamkariContext


async def start(update: Update, context: HamkariContext) -> None:
    first_name = update.effective_user.first_name if update.effective_user else None
    await update.effective_message.reply_text(
        views.welcome(context.t, first_name), reply_markup=views.welcome_keyboard(context.t)
    )


async def help_command(update: Update, context: HamkariContext) -> None:
    await update.effective_message.reply_text(views.help_text(context.t, context.bot.username),
                                              reply_markup=views.help_keyboard(context.t))


def handlers() -> list[BaseHandler]:
    return [CommandHandler("start", start), CommandHandler("help", help_command)]
