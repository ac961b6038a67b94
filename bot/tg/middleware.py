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
    async with context.uow() as uow:
        user = await ensure_user(uow, tg_user.id, resolve_locale(tg_user.language_code),
                                 tg_user.full_name)
    context.user = user
    context.use_locale(user.locale)
