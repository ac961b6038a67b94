"""/announce: write, add language versions and a document, choose the audience, see the preview
with the number of recipients, send. The sender's message then shows live progress and, at the
end, the report; both are read from the outbox, so they survive a restart."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.domain import announcements as ann
from bot.domain import bodies
from bot.domain.announcements import Audience
from bot.domain.entities import CoordinationBody, Draft
from bot.domain.errors import InvalidValue, NotAllowed, NotFound
from bot.domain.permissions import Viewer, can_announce
from bot.domain.reference import load_reference
from bot.i18n.locales import SUPPORTED_LOCALES
from bot.tg import body_views as bv
from bot.tg import registry_views as rv
from bot.tg import views
from bot.tg.context import BotData, HamkariContext
from bot.tg.notify import payload

log = logging.getLogger(__name__)

FLOW = "announce"
REPORT_EVERY = 3.0  # seconds between progress edits: well under Telegram's limits


def _now() -> datetime:
    return datetime.now(UTC)


async def announce_command(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        own = await bodies.administered_bodies(uow, viewer)
        if len(own) == 1:
            await begin_for_body(update, context, uow, viewer, own[0].id)
            return
        if own:
            nonce = secrets.token_hex(3)
            await uow.drafts.put(Draft(user_id=context.user.id, flow=FLOW, step="body",
                                       data={"nonce": nonce}))
    if not own:
        await update.effective_message.reply_text(bv.announce_not_allowed(context.t))
        return
    text, markup = bv.choose_body_to_announce(context.t, nonce, own)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def begin_for_body(update: Update, context: HamkariContext, uow, viewer: Viewer,
                         body_id: int) -> None:
    if not can_announce(viewer, body_id):
        await update.effective_message.reply_text(bv.announce_not_allowed(context.t))
        return
    body = await bodies.get(uow, body_id)
    await uow.drafts.put(Draft(user_id=context.user.id, flow=FLOW, step="text", data={
        "nonce": secrets.token_hex(3), "body_id": body_id, "versions": {}, "document": None,
        "sectors": [], "provinces": []}))
    await update.effective_message.reply_text(bv.write_text_prompt(context.t, body, None))


async def _composer(context: HamkariContext, uow, draft: Draft):
    body = await bodies.get(uow, draft.data["body_id"])
    audience = Audience.from_dict(draft.data)
    plan = await ann.recipients(uow, body, audience)
    return bv.composer(context.t, load_reference(), draft.data["nonce"], body, draft.data, plan)


async def _step_prompt(context: HamkariContext, uow, draft: Draft):
    """The current step's question again, with its buttons, after an answer it cannot take."""
    t, data = context.t, draft.data
    if draft.step == "body":
        return bv.choose_body_to_announce(t, data["nonce"], await bodies.administered_bodies(
            uow, await context.viewer(uow)))
    body = await bodies.get(uow, data["body_id"])
    back = InlineKeyboardMarkup([[rv.button(t.gettext("« Back"), f"{bv.ANNOUNCE_PREFIX}:"
                                            f"{data['nonce']}:menu")]])
    if draft.step == "text":
        return bv.write_text_prompt(t, body, None), None
    if draft.step.startswith("version:"):
        return bv.write_text_prompt(t, body, draft.step.removeprefix("version:")), back
    if draft.step == "document":
        return bv.document_prompt(t), back
    if draft.step in {"sectors", "provinces"}:
        return bv.filter_picker(t, load_reference(), data["nonce"], draft.step, body.country,
                                data[draft.step])
    return await _composer(context, uow, draft)


async def _ask_again(update: Update, context: HamkariContext, draft: Draft, note: str) -> None:
    async with context.uow() as uow:
        text, markup = await _step_prompt(context, uow, draft)
    await update.effective_message.reply_text(note)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_text(update: Update, context: HamkariContext, draft: Draft) -> None:
    """The first version, or a version in one language."""
    message, t = update.effective_message, context.t
    if draft.step != "text" and not draft.step.startswith("version:"):
        await _ask_again(update, context, draft, rv.use_the_buttons(t))
        return
    try:
        text = ann.announcement_text(message.text or "", bool(draft.data["document"]))
    except InvalidValue as error:
        await message.reply_text(rv.invalid_value(t, error))
        return
    versions = draft.data["versions"]
    if draft.step == "text":
        versions[ann.FIRST] = text
    else:
        versions[draft.step.removeprefix("version:")] = text
    draft.step = "menu"
    async with context.uow() as uow:
        await uow.drafts.put(draft)
        reply, markup = await _composer(context, uow, draft)
    await message.reply_text(reply, reply_markup=markup)


async def on_document(update: Update, context: HamkariContext, draft: Draft) -> None:
    message, t = update.effective_message, context.t
    if draft.step != "document":
        await _ask_again(update, context, draft, rv.use_the_buttons(t))
        return
    longest = max(len(text) for text in draft.data["versions"].values())
    draft.step = "menu"
    if longest > ann.CAPTION_TEXT_MAX:
        # The text becomes the document's caption, which Telegram keeps short; the composer
        # comes back so the text can be shortened (a version written again replaces it).
        await message.reply_text(rv.invalid_value(t, InvalidValue(
            "announcement", "too_long", maximum=ann.CAPTION_TEXT_MAX, actual=longest)))
    else:
        document = message.document
        draft.data["document"] = {"file_id": document.file_id,
                                  "file_name": (document.file_name or "document")[:100]}
    async with context.uow() as uow:
        await uow.drafts.put(draft)
        reply, markup = await _composer(context, uow, draft)
    await message.reply_text(reply, reply_markup=markup)


async def on_button(update: Update, context: HamkariContext) -> None:
    """an:<nonce>:<action>[:<arg>]"""
    query, t = update.callback_query, context.t
    parts = query.data.split(":")
    nonce, action, arg = parts[1], parts[2], (parts[3] if len(parts) > 3 else "")
    ref = load_reference()
    async with context.uow() as uow:
        draft = await uow.drafts.get(context.user.id)
        if draft is None or draft.flow != FLOW or draft.data.get("nonce") != nonce:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        viewer = await context.viewer(uow)
        if action == "body" and draft.step == "body" and arg.isdigit():
            await query.answer()
            await begin_for_body(update, context, uow, viewer, int(arg))
            return
        if draft.step in {"body", "text"} or "body_id" not in draft.data:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        body = await bodies.get(uow, draft.data["body_id"])
        data = draft.data
        text = markup = None
        if action == "cancel":
            await uow.drafts.delete(context.user.id)
            text = views.cancelled(t)
        elif action == "send":
            await _send(update, context, uow, viewer, draft, body)
            return
        elif action == "versions":
            text, markup = bv.versions_menu(t, nonce, {
                loc for loc in SUPPORTED_LOCALES if loc in data["versions"]})
        elif action == "version" and arg in SUPPORTED_LOCALES:
            draft.step = f"version:{arg}"
            text, markup = await _step_prompt(context, uow, draft)
        elif action == "doc":
            draft.step = "document"
            text, markup = await _step_prompt(context, uow, draft)
        elif action in {"sectors", "provinces"}:
            draft.step = action
            text, markup = bv.filter_picker(t, ref, nonce, action, body.country, data[action])
        elif action in {"sec", "pro"} and draft.step in {"sectors", "provinces"}:
            kind = "sectors" if action == "sec" else "provinces"
            ann.toggle_filter(ref, body.country, data, kind, arg)
            text, markup = bv.filter_picker(t, ref, nonce, kind, body.country, data[kind])
        elif action in {"menu", "all", "nodoc"}:
            if action == "all":
                data["sectors"], data["provinces"] = [], []
            if action == "nodoc":
                data["document"] = None
            draft.step = "menu"
        else:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        if action != "cancel":
            await uow.drafts.put(draft)
        if text is None:
            text, markup = await _composer(context, uow, draft)
    await query.answer()
    await views.edit_message(query, text, markup)


async def _send(update: Update, context: HamkariContext, uow, viewer: Viewer, draft: Draft,
                body: CoordinationBody) -> None:
    query, t, catalogs = update.callback_query, context.t, context.bot_data.catalogs
    data = draft.data

    def payload_for(body: CoordinationBody, locale: str | None, text: str,
                    document: dict | None) -> dict:
        tt = catalogs.translator(locale or context.user.locale)
        markup = bv.message_mute_keyboard(tt, body.id, False) if locale else None  # not in groups
        return payload(bv.announcement_payload_text(tt, body, text), markup,
                       document["file_id"] if document else None)

    try:
        announcement, _plan = await ann.announce(
            uow, viewer, body.id, data["versions"], data["document"],
            Audience.from_dict(data), _now(), payload_for)
    except (NotAllowed, NotFound, InvalidValue):
        await query.answer(views.stale_button(t), show_alert=True)
        return
    await uow.drafts.delete(context.user.id)
    # The composer message becomes the progress report, edited as the outbox drains.
    await uow.announcements.set_report_message(announcement.id, query.message.chat.id,
                                               query.message.message_id)
    report = await ann.report(uow, announcement)
    await query.answer()
    await views.edit_message(query, bv.progress(t, body, report))


# -- progress and the final report ---------------------------------------------------------------

async def update_reports(application: Application) -> int:
    """Edit each unfinished announcement's progress message; finish those with nothing waiting.
    Returns how many are still sending."""
    bot_data: BotData = application.bot_data
    shown = bot_data.report_texts
    still = 0
    async with bot_data.uow_factory() as uow:
        for announcement in await uow.announcements.unfinished():
            report = await ann.report(uow, announcement)
            body = await uow.bodies.get(announcement.body_id)
            sender = await uow.users.get(announcement.sender_user_id) \
                if announcement.sender_user_id else None
            if body is not None and sender is not None and announcement.report_message_id:
                t = bot_data.catalogs.translator(sender.locale)
                text = bv.progress(t, body, report)
                if shown.get(announcement.id) != text:
                    await _edit(application, announcement, text)
                    shown[announcement.id] = text
            if report.finished:
                await uow.announcements.finish(announcement.id, _now())
                shown.pop(announcement.id, None)
            else:
                still += 1
    return still


async def _edit(application: Application, announcement: ann.Announcement, text: str) -> None:
    try:
        await application.bot.edit_message_text(text, announcement.report_chat_id,
                                                announcement.report_message_id)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            log.warning("progress message of announcement %s not updated: %s",
                        announcement.id, type(error).__name__)
    except TelegramError as error:  # blocked, 429, outage: the next round tries again
        log.warning("progress message of announcement %s not updated: %s", announcement.id,
                    type(error).__name__)


async def run_reports_forever(application: Application) -> None:
    while True:
        try:
            await update_reports(application)
        except Exception:  # a database hiccup must not end the reports for good
            log.exception("announcement reports failed; trying again")
        await asyncio.sleep(REPORT_EVERY)


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("announce", announce_command, filters=private),
        CallbackQueryHandler(on_button, pattern=rf"^{bv.ANNOUNCE_PREFIX}:[0-9a-f]+:\w+(:\w+)?$"),
    ]
