"""Runs before every handler (group -1): load or create the user, pick their language."""

from __future__ import annotations

from telegram import Update

from bot.domain.users import ensure_user
from bot.i18n import resolve_locale
from bot.tg.context import HamkariContext


async def load_user(update: Update, context: HamkariContext) -> None:
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        return
    locale = resolve_locale(tg_user.language_code)
    async with context.uow() as uow:
        if update.inline_query is not None:
            # Typing @bot in some chat is not starting the bot: store nothing about them.
            user = await uow.users.by_telegram_id(tg_user.id)
        else:
            chat = update.effective_chat
            user = await ensure_user(uow, tg_user.id, locale, tg_user.full_name,
                                     in_private=chat is not None and chat.type == chat.PRIVATE)
    context.user = user
    context.use_locale(user.locale if user else locale)
