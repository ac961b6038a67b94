"""Whatever no feature handled: /cancel outside a flow, unknown commands, text, old buttons.

Registered last, so a feature's own ConversationHandler (with its /cancel) always comes first.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.users import cancel_conversation
from bot.tg import views
from bot.tg.context import HamkariContext


async def cancel(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        cancelled = await cancel_conversation(uow, context.user)
    await update.effective_message.reply_text(
        views.cancelled(context.t) if cancelled else views.nothing_to_cancel(context.t))


async def unknown_command(update: Update, context: HamkariContext) -> None:
    await update.effective_message.reply_text(views.unknown_command(context.t))


async def plain_text(update: Update, context: HamkariContext) -> None:
    await update.effective_message.reply_text(views.plain_text_hint(context.t))


async def stale_button(update: Update, context: HamkariContext) -> None:
    await update.callback_query.answer(views.stale_button(context.t), show_alert=True)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("cancel", cancel),
        MessageHandler(filters.COMMAND, unknown_command),
        # In groups the bot only answers what is addressed to it.
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, plain_text),
        CallbackQueryHandler(stale_button),
    ]
