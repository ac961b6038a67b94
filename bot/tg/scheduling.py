"""Shared by /meeting and /deadline: the date and time steps of their drafts (calendar in the
user's calendar, typed dates and times in any digits), the renderer of scheduled messages, and
the draft plumbing (the draft a button belongs to, asking a step's question again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.domain.entities import Draft
from bot.i18n.dates import (
    SOLAR_HIJRI_LOCALES,
    InvalidDate,
    InvalidTime,
    calendar_month,
    parse_date,
    parse_time,
)
from bot.tg import schedule_views as sv
from bot.tg import views
from bot.tg.context import HamkariContext

# A step's question and buttons, worked out from the draft.
Prompt = Callable[[HamkariContext, object, Draft],
                  Awaitable[tuple[str, InlineKeyboardMarkup | None]]]


def texts(context: HamkariContext) -> sv.ScheduleTexts:
    """The renderer app.py made once for the scheduler; handlers queue with the same one."""
    return context.bot_data.reminders.texts


def calendar_of(locale: str) -> str:
    """Monthly repetition counts in the calendar its creator reads."""
    return "solar_hijri" if locale in SOLAR_HIJRI_LOCALES else "gregorian"


def local_today(context: HamkariContext, zone: str) -> date:
    return context.bot_data.clock().astimezone(ZoneInfo(zone)).date()


def date_step(context: HamkariContext, prefix: str, zone: str, shown: tuple[int, int] | None = None,
              extra=None) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    today = local_today(context, zone)
    year, month = shown or calendar_month(t.locale, today)
    return sv.date_prompt(t), sv.calendar_keyboard(t, prefix, year, month, today, extra)


def month_argument(arg: str) -> tuple[int, int] | None:
    year, _, month = arg.partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return int(year), int(month)
    return None


def day_argument(arg: str) -> date | None:
    try:
        return datetime.strptime(arg, "%Y%m%d").date()
    except ValueError:
        return None


def typed_date(text: str) -> date | None:
    try:
        return parse_date(text)
    except InvalidDate:
        return None


def typed_time(text: str) -> time | None:
    try:
        return parse_time(text)
    except InvalidTime:
        return None



async def turned_page(update: Update, context: HamkariContext, draft: Draft, prefix: str,
                      action: str, arg: str, back) -> bool:
    """The calendar's own buttons (« », and the labels that do nothing); True when handled."""
    query = update.callback_query
    shown = month_argument(arg) if action == "month" and draft.step == "date" else None
    if action != "noop" and shown is None:
        return False
    await query.answer()
    if shown is not None:
        text, markup = date_step(context, prefix, draft.data["zone"], shown, back)
        await views.edit_message(query, text, markup)
    return True


def button_parts(data: str) -> tuple[str, str, str]:
    """<prefix>:<nonce>:<action>[:<arg>] -> (nonce, action, arg)."""
    parts = data.split(":")
    return parts[1], parts[2], (parts[3] if len(parts) > 3 else "")


async def draft_of_button(uow, context: HamkariContext, flow: str, nonce: str) -> Draft | None:
    """The user's draft of ``flow`` if the pressed button belongs to it (else the button is
    stale: an older conversation, or another user's message)."""
    draft = await uow.drafts.get(context.user.id)
    if draft is None or draft.flow != flow or draft.data.get("nonce") != nonce:
        return None
    return draft


async def reply_prompt(update: Update, context: HamkariContext, draft: Draft, prompt: Prompt,
                       note: str | None = None) -> None:
    """Save the draft and ask its current step's question, after ``note`` if given."""
    async with context.uow() as uow:
        await uow.drafts.put(draft)
        text, markup = await prompt(context, uow, draft)
    if note:
        await update.effective_message.reply_text(note)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None,
               as_new_message: bool) -> None:
    """Answer a button with a new message (a question to type into) or by editing its own."""
    query = update.callback_query
    if as_new_message:
        await query.message.reply_text(text, reply_markup=markup)
    else:
        await views.edit_message(query, text, markup)


async def finish_draft(update: Update, context: HamkariContext, uow, outcome: str) -> None:
    """The draft did its work: it is deleted and its card says what happened."""
    await uow.drafts.delete(context.user.id)
    await update.callback_query.answer()
    await views.edit_message(update.callback_query, outcome)
