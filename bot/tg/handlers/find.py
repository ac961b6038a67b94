"""Looking up peers: /find, the Find button with sector and province pickers, cards, shared
card links (/start org_<id>) and inline mode (@bot words, in any chat)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    filters,
)

from bot.domain import lookup
from bot.domain.errors import NotFound
from bot.domain.permissions import Viewer
from bot.domain.reference import load_reference
from bot.domain.search import Filters
from bot.domain.text import fold
from bot.tg import find_views as fv
from bot.tg import views
from bot.tg.context import HamkariContext

INLINE_PAGE = 20  # results per inline answer; Telegram allows 50
INLINE_CACHE_SECONDS = 10  # Telegram keeps answers this long: a hidden organisation drops out after it
# Inline mode posts into chats where anyone reads: only verified, public organisations, no contacts.
PUBLIC = Viewer(user_id=0)


def _now() -> datetime:
    return datetime.now(UTC)


async def _allowed(update: Update, context: HamkariContext) -> bool:
    """Count one lookup against the user's allowance; say so when it is used up."""
    wait = context.bot_data.lookup_limiter.wait_needed(update.effective_user.id, time.monotonic())
    if not wait:
        return True
    text = fv.too_many_lookups(context.t, wait)
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)
    return False


async def _results(context: HamkariContext, state: fv.SearchState
                   ) -> tuple[str, InlineKeyboardMarkup]:
    ref = load_reference()
    async with context.uow() as uow:
        page = await lookup.find(uow, context.bot_data.search_index, await context.viewer(uow),
                                 state.query, state.filters(ref), state.page, _now())
    return fv.results(context.t, ref, state, page)


async def find_command(update: Update, context: HamkariContext) -> None:
    """/find words: search at once; /find alone: start with the sector picker."""
    words = " ".join(context.args or [])
    ref = load_reference()
    if not words:
        text, markup = fv.sector_picker(context.t, ref, fv.SearchState())
        await update.effective_message.reply_text(text, reply_markup=markup)
        return
    if not await _allowed(update, context):
        return
    text, markup = await _results(context, fv.SearchState(query=words).fitted())
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_find_button(update: Update, context: HamkariContext) -> None:
    """fs: sector picker, fp: province picker, f: a page of results; the state rides along."""
    query = update.callback_query
    try:
        action, state = fv.SearchState.decode(query.data)
        ref = load_reference()
        if state.sector is not None and not 0 <= state.sector < len(ref.sectors):
            raise ValueError(state.sector)
        if state.province and not ref.is_place(state.province):
            raise ValueError(state.province)
        if state.country and state.country not in {c.code for c in ref.countries}:
            raise ValueError(state.country)
    except ValueError:
        await query.answer(views.stale_button(context.t), show_alert=True)
        return
    if action == "fs":
        text, markup = fv.sector_picker(context.t, ref, state)
    elif not await _allowed(update, context):
        return
    elif action == "fp":
        async with context.uow() as uow:
            total, counts = await lookup.province_counts(
                uow, context.bot_data.search_index, await context.viewer(uow), state.query,
                state.filters(ref), _now())
        if total:
            text, markup = fv.province_picker(context.t, ref, state, counts, total)
        else:
            text, markup = await _results(context, state)
    else:
        text, markup = await _results(context, state)
    await query.answer()
    await views.edit_message(query, text, markup)


async def _send_card(update: Update, context: HamkariContext, organisation_id: int) -> None:
    async with context.uow() as uow:
        try:
            card = await lookup.card(uow, await context.viewer(uow), organisation_id)
        except NotFound:
            card = None
    if update.callback_query:
        await update.callback_query.answer()
    if card is None:
        await update.effective_message.reply_text(fv.not_found(context.t))
        return
    await update.effective_message.reply_text(
        fv.card_text(context.t, load_reference(), card, context.bot.username),
        disable_web_page_preview=True)


async def on_card_button(update: Update, context: HamkariContext) -> None:
    if await _allowed(update, context):
        await _send_card(update, context, int(update.callback_query.data.removeprefix(fv.CARD_PREFIX)))


async def start_with_card(update: Update, context: HamkariContext) -> None:
    """A shared card link: t.me/<bot>?start=org_<id>."""
    if await _allowed(update, context):
        await _send_card(update, context, int(context.args[0].removeprefix(fv.SHARE_PREFIX)))


async def on_inline_query(update: Update, context: HamkariContext) -> None:
    inline = update.inline_query
    t = context.t
    wait = context.bot_data.inline_limiter.wait_needed(inline.from_user.id, time.monotonic())
    if wait:
        await inline.answer([], cache_time=0, is_personal=True, button=InlineQueryResultsButton(
            fv.too_many_lookups(t, wait), start_parameter="help"))
        return
    words = inline.query.strip()
    if not fold(words):
        await inline.answer([], cache_time=INLINE_CACHE_SECONDS, button=InlineQueryResultsButton(
            t.gettext("Type a name to find an organisation"), start_parameter="help"))
        return
    offset = int(inline.offset) if inline.offset.isdigit() else 0
    ref = load_reference()
    async with context.uow() as uow:
        page = await lookup.find(uow, context.bot_data.search_index, PUBLIC, words,
                                 Filters(verified_only=True), offset // INLINE_PAGE, _now(),
                                 page_size=INLINE_PAGE)
        cards = [await lookup.card_of(uow, PUBLIC, organisation)  # already read and checked
                 for organisation in page.organisations]
    results = [
        InlineQueryResultArticle(
            id=f"org{card.organisation.id}",
            title=card.organisation.profile.name,
            description=", ".join(ref.sector(code).name(t.locale)
                                  for code in card.organisation.profile.sectors[:4]),
            input_message_content=InputTextMessageContent(
                fv.card_text(t, ref, card, context.bot.username), parse_mode=ParseMode.HTML),
        )
        for card in cards
    ]
    more = page.number + 1 < page.pages and offset // INLINE_PAGE == page.number
    await inline.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False,
                        next_offset=str((page.number + 1) * INLINE_PAGE) if more else "")


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start_with_card,
                       filters=private & filters.Regex(rf"^/start {fv.SHARE_PREFIX}\d+$")),
        CommandHandler("find", find_command, filters=private),
        CallbackQueryHandler(on_find_button, pattern=r"^(f|fs|fp):\d+:"),
        CallbackQueryHandler(on_card_button, pattern=rf"^{fv.CARD_PREFIX}\d+$"),
        InlineQueryHandler(on_inline_query),
    ]
