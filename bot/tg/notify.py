"""Messages to other people go through the outbox, never straight to Telegram."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Update

from bot.domain.delivery import Delivery, message
from bot.domain.entities import User
from bot.domain.ports import UnitOfWork
from bot.i18n import Translator
from bot.tg.context import HamkariContext

Render = Callable[[Translator], tuple[str, InlineKeyboardMarkup | None]]


def payload(text: str, markup: InlineKeyboardMarkup | None, document: str | None = None) -> dict:
    buttons = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] \
        if markup else []
    return message(text, buttons, document)


async def notify(context: HamkariContext, uow: UnitOfWork, update: Update, user: User,
                 purpose: str, render: Render) -> None:
    """Queue a message to another user, in their language, in the same transaction as the change
    it reports: the delivery worker sends it (and copes with blocked users and rate limits).
    The key makes a retried update queue it once."""
    text, markup = render(context.bot_data.catalogs.translator(user.locale))
    await uow.deliveries.enqueue(Delivery(
        key=f"{purpose}:{update.update_id}:{user.id}", chat_id=user.telegram_user_id,
        payload=payload(text, markup)), context.bot_data.clock())
