"""Typed text and sent files go to the conversation the user is in (their Draft's flow)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.tg.context import HamkariContext
from bot.tg.handlers import announce, bodies, bulk, deadlines, meetings, polls, registry

# Flows that take typed text besides the registry's own (register, edit, project, reject).
TEXT_FLOWS = {
    announce.FLOW: announce.on_text,
    bodies.NEW_BODY_FLOW: bodies.on_new_body_text,
    bodies.INVITE_FLOW: bodies.on_invite_text,
    meetings.FLOW: meetings.on_text,
    deadlines.FLOW: deadlines.on_text,
    polls.FLOW: polls.on_text,
}
DOCUMENT_FLOWS = {announce.FLOW: announce.on_document, meetings.FLOW: meetings.on_document,
                  polls.FLOW: polls.on_document}


async def _draft(context: HamkariContext):
    if context.user is None:
        return None
    async with context.uow() as uow:
        return await uow.drafts.get(context.user.id)


async def on_text(update: Update, context: HamkariContext) -> None:
    draft = await _draft(context)
    if draft is not None and draft.flow in TEXT_FLOWS:
        await TEXT_FLOWS[draft.flow](update, context, draft)
    else:
        await registry.on_text(update, context)


async def on_document(update: Update, context: HamkariContext) -> None:
    draft = await _draft(context)
    if draft is not None and draft.flow in DOCUMENT_FLOWS:
        await DOCUMENT_FLOWS[draft.flow](update, context, draft)
    else:
        await bulk.on_document(update, context)  # a CSV for an import


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND & private, on_text),
        MessageHandler(filters.Document.ALL & private, on_document),
    ]
