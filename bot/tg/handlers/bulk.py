"""Bulk data for platform administrators: send a CSV file to import it, /import for the
template, /export for the registry as CSV and XLSX.

An import is two steps. The file is read and checked against the registry (a dry run) and the
administrator gets the row-by-row report with Import / Cancel buttons. Only the file's id is kept,
in the administrator's Draft; Import downloads the file again and runs the real import in one
transaction. A token in the buttons ties them to that one file, so an older message's Import
button can never import a newer file.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.bulk.reading import FileRefused, ParsedFile, parse
from bot.bulk.writing import member_list_template, registry_csv, registry_xlsx
from bot.domain import bulk
from bot.domain.entities import Draft
from bot.domain.permissions import Viewer
from bot.domain.reference import load_reference
from bot.tg import bulk_views as bv
from bot.tg import views
from bot.tg.context import HamkariContext

IMPORT_FLOW = "import"
MAX_FILE_MB = 5
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024


def _now() -> datetime:
    return datetime.now(UTC)


async def _viewer(context: HamkariContext) -> Viewer:
    async with context.uow() as uow:
        return await context.viewer(uow)


async def _download(context: HamkariContext, file_id: str) -> bytes | None:
    """The file's bytes, or None when it is over the limit (Telegram may not report a size)."""
    telegram_file = await context.bot.get_file(file_id)
    if (telegram_file.file_size or 0) > MAX_FILE_BYTES:
        return None
    data = bytes(await telegram_file.download_as_bytearray())
    return None if len(data) > MAX_FILE_BYTES else data


async def _send_report(update: Update, context: HamkariContext, plan: bulk.ImportPlan,
                       parsed: ParsedFile, file_name: str) -> None:
    report = await asyncio.to_thread(bv.report_file, context.t, plan, parsed, file_name)
    await update.effective_message.reply_document(
        report, filename=bv.report_file_name(plan), caption=bv.report_caption(context.t, plan))


# -- a file arrives: dry run ---------------------------------------------------------------------

async def on_document(update: Update, context: HamkariContext) -> None:
    message, t = update.effective_message, context.t
    document = message.document
    viewer = await _viewer(context)
    if not viewer.is_platform_admin:
        await message.reply_text(bv.not_for_you(t))
        return
    data = None if (document.file_size or 0) > MAX_FILE_BYTES else await _download(
        context, document.file_id)
    if data is None:
        await message.reply_text(bv.too_big(t, MAX_FILE_MB))
        return
    try:
        parsed = await asyncio.to_thread(parse, data)
    except FileRefused as error:
        await message.reply_text(bv.refused(t, error))
        return
    file_name = document.file_name or "file.csv"
    token = secrets.token_hex(4)
    async with context.uow() as uow:
        plan = await bulk.run_import(uow, parsed.layout, parsed.rows, actor=viewer, now=_now(),
                                     dry_run=True)
        if plan.organisations:
            await uow.drafts.put(Draft(user_id=context.user.id, flow=IMPORT_FLOW, step="confirm",
                                       data={"file_id": document.file_id, "file_name": file_name,
                                             "token": token}))
    await _send_report(update, context, plan, parsed, file_name)
    await message.reply_text(bv.dry_run(t, plan, parsed, file_name),
                             reply_markup=bv.import_keyboard(t, token) if plan.organisations else None)


# -- Import / Cancel -----------------------------------------------------------------------------

async def on_import_button(update: Update, context: HamkariContext) -> None:
    query, t = update.callback_query, context.t
    _, action, token = query.data.split(":")
    viewer = await _viewer(context)
    async with context.uow() as uow:
        draft = await uow.drafts.get(context.user.id)
        current = (draft is not None and draft.flow == IMPORT_FLOW
                   and draft.data.get("token") == token and viewer.is_platform_admin)
        if current and action == "no":
            await uow.drafts.delete(context.user.id)
    if not current:
        await query.answer(views.stale_button(t), show_alert=True)
        return
    await query.answer()
    if action == "no":
        await views.edit_message(query, bv.import_cancelled(t))
        return
    await _import(update, context, viewer, draft)


async def _import(update: Update, context: HamkariContext, viewer: Viewer, draft: Draft) -> None:
    query, t = update.callback_query, context.t
    data = await _download(context, draft.data["file_id"])
    try:
        parsed = await asyncio.to_thread(parse, data or b"")
    except FileRefused as error:  # the same bytes were readable a moment ago; say why anyway
        await views.edit_message(query, bv.refused(t, error))
        return
    async with context.uow() as uow:
        plan = await bulk.run_import(uow, parsed.layout, parsed.rows, actor=viewer, now=_now(),
                                     dry_run=False)
        await uow.drafts.delete(context.user.id)
    await views.edit_message(query, bv.imported(t, plan, parsed, draft.data["file_name"]))
    await _send_report(update, context, plan, parsed, draft.data["file_name"])


# -- /import and /export -------------------------------------------------------------------------

async def import_command(update: Update, context: HamkariContext) -> None:
    message, t = update.effective_message, context.t
    if not (await _viewer(context)).is_platform_admin:
        await message.reply_text(views.unknown_command(t))
        return
    locale = context.user.locale
    await message.reply_text(bv.import_help(t))
    await message.reply_document(member_list_template(locale, load_reference()),
                                 filename=f"member-list.{locale}.csv",
                                 caption=bv.template_caption(t))


async def export_command(update: Update, context: HamkariContext) -> None:
    message, t = update.effective_message, context.t
    viewer = await _viewer(context)
    if not viewer.is_platform_admin:
        await message.reply_text(views.unknown_command(t))
        return
    async with context.uow() as uow:
        exported = await bulk.registry_export(uow, viewer)
    reference, stem = load_reference(), f"hamkari-registry-{_now():%Y-%m-%d}"
    table = await asyncio.to_thread(registry_csv, exported, reference, with_contacts=True)
    workbook = await asyncio.to_thread(registry_xlsx, exported, bulk.presence_rows(exported),
                                       reference, with_contacts=True)
    await message.reply_document(table, filename=f"{stem}.csv",
                                 caption=bv.export_caption(t, len(exported)))
    await message.reply_document(workbook, filename=f"{stem}.xlsx")


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("import", import_command, filters=private),
        CommandHandler("export", export_command, filters=private),
        CallbackQueryHandler(on_import_button, pattern=rf"^{bv.IMPORT_PREFIX}:(go|no):[0-9a-f]+$"),
    ]
