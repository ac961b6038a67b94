"""The last line of defence: log the failure without personal data, tell the user kindly."""

from __future__ import annotations

import logging
import traceback

from telegram import Update

from bot.domain.users import ensure_user
from bot.i18n import resolve_locale
from bot.tg import views
from bot.tg.context import HamkariContext

log = logging.getLogger("hamkari.errors")


async def on_error(update: object, context: HamkariContext) -> None:
    # Only the update id, the exception type and where it happened: message texts and
    # exception messages (SQL parameters, for one) may hold names and phone numbers.
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    where = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("update %s failed with %s\n%s", update_id, type(error).__name__, where)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    locale = await _locale_of(update, context)
    t = context.bot_data.catalogs.translator(locale)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(views.something_went_wrong(t), show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, views.something_went_wrong(t))
    except Exception as send_error:  # the user may have blocked us, or Telegram may be down
        log.warning("could not tell the user about the failure: %s", type(send_error).__name__)


async def _locale_of(update: Update, context: HamkariContext) -> str:
    if context.user is not None:
        return context.user.locale
    try:
        async with context.uow() as uow:
            user = await ensure_user(uow, update.effective_user.id,
                                     resolve_locale(update.effective_user.language_code))
        return user.locale
    except Exception:  # the database may be why we are here
        return resolve_locale(update.effective_user.language_code)
