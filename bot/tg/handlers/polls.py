"""/poll: a body's polls; for its admins, writing one (question, options, language versions,
single or several answers, anonymous or named, counting per organisation or per person, closing
time, audience, the body's group), following the answers, nudging and closing. Answers arrive as
``poll_answer`` (named polls) and ``poll`` (anonymous polls' totals) updates."""

from __future__ import annotations

import secrets
from datetime import timedelta

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    PollAnswerHandler,
    PollHandler,
    filters,
)

from bot.domain import bodies
from bot.domain import polls as pl
from bot.domain.announcements import Audience, toggle_filter
from bot.domain.entities import Draft
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.polls import Counting, Poll
from bot.domain.reference import load_reference
from bot.domain.schedule import zone_of
from bot.i18n.locales import SUPPORTED_LOCALES
from bot.tg import body_views as bv
from bot.tg import poll_views as pv
from bot.tg import registry_views as rv
from bot.tg import schedule_views as sv
from bot.tg import views
from bot.tg.context import HamkariContext
from bot.tg.scheduling import (
    button_parts,
    draft_of_button,
    finish_draft,
    reply_prompt,
    show,
    texts,
)

FLOW = "poll"


# -- /poll and a body's polls ----------------------------------------------------------------------

async def poll_command(update: Update, context: HamkariContext) -> None:
    t = context.t
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        own = await bodies.administered_bodies(uow, viewer)
        if len(own) == 1:
            text, markup = pv.poll_list(t, own[0], await pl.of_body(uow, viewer, own[0].id))
    if not own:
        await update.effective_message.reply_text(pv.not_allowed(t))
        return
    if len(own) > 1:
        text, markup = sv.choose_body(t, own, pv.POLL_BODY_PREFIX)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_body_button(update: Update, context: HamkariContext) -> None:
    """plb:<body>[:new]"""
    query, t = update.callback_query, context.t
    parts = query.data.split(":")
    body_id, new = int(parts[1]), len(parts) > 2
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            found = await pl.of_body(uow, viewer, body_id)  # also checks the viewer may
            body = await bodies.get(uow, body_id)
            if new:
                await uow.drafts.put(Draft(user_id=context.user.id, flow=FLOW, step="question",
                                           data={"nonce": secrets.token_hex(3), "body_id": body_id,
                                                 "versions": {}, "multiple": False,
                                                 "anonymous": False,
                                                 "counting": Counting.PER_ORGANISATION.value,
                                                 "hours": 72, "group": False, "sectors": [],
                                                 "provinces": []}))
        except (NotAllowed, NotFound):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    if new:
        await query.message.reply_text(pv.question_prompt(t))
    else:
        await views.edit_message(query, *pv.poll_list(t, body, found))


# -- writing a poll (a draft) ----------------------------------------------------------------------

async def _composer(context: HamkariContext, uow, draft: Draft):
    data = draft.data
    body = await bodies.get(uow, data["body_id"])
    people = await pl.recipients_now(uow, body, Audience.from_dict(data))
    return pv.composer(context.t, load_reference(), data["nonce"], body, data, len(people))


async def _prompt(context: HamkariContext, uow, draft: Draft):
    t, step = context.t, draft.step
    if step == "question":
        return pv.question_prompt(t), None
    if step.startswith("question:"):
        return pv.question_prompt(t, step.removeprefix("question:")), None
    if step == "options":
        return pv.options_prompt(t), None
    if step.startswith("options:"):
        first = draft.data["versions"][pl.FIRST]
        return pv.options_prompt(t, len(first["options"])), None
    return await _composer(context, uow, draft)


async def _reply(update: Update, context: HamkariContext, draft: Draft, note: str | None = None
                 ) -> None:
    await reply_prompt(update, context, draft, _prompt, note)


def _lines(text: str) -> list[str]:
    return [line for line in (part.strip() for part in text.splitlines()) if line]


async def on_text(update: Update, context: HamkariContext, draft: Draft) -> None:
    """The question, then the options (one per line); the same for each language version."""
    t, message, data, step = context.t, update.effective_message, draft.data, draft.step
    text = message.text or ""
    locale = step.partition(":")[2] or pl.FIRST
    try:
        if step.startswith("question"):
            data.setdefault("pending", {})[locale] = pl.question(text)
            draft.step = "options" if locale == pl.FIRST else f"options:{locale}"
        elif step.startswith("options"):
            lines = _lines(text)
            for index, line in enumerate(lines, start=1):
                try:
                    pl.option(line)
                except InvalidValue as error:
                    await message.reply_text(pv.invalid(t, error, index))
                    return
            question = data["pending"][locale]
            if locale == pl.FIRST:
                data["versions"][pl.FIRST] = {"question": question,
                                              "options": list(pl.options(lines))}
            else:
                first = len(data["versions"][pl.FIRST]["options"])
                question, choices = pl.version(question, lines, first)
                data["versions"][locale] = {"question": question, "options": list(choices)}
            data.pop("pending", None)
            draft.step = "menu"
        else:
            await _reply(update, context, draft, rv.use_the_buttons(t))
            return
    except InvalidValue as error:
        await message.reply_text(pv.invalid(t, error))
        return
    await _reply(update, context, draft)


async def on_document(update: Update, context: HamkariContext, draft: Draft) -> None:
    await _reply(update, context, draft, rv.use_the_buttons(context.t))


async def on_draft_button(update: Update, context: HamkariContext) -> None:
    """pl:<nonce>:<action>[:<arg>]"""
    query, t = update.callback_query, context.t
    nonce, action, arg = button_parts(query.data)
    ref = load_reference()
    reply = False
    async with context.uow() as uow:
        draft = await draft_of_button(uow, context, FLOW, nonce)
        if draft is None or pl.FIRST not in draft.data["versions"]:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        data = draft.data
        body = await bodies.get(uow, data["body_id"])
        text = markup = None
        if action == "cancel":
            await uow.drafts.delete(context.user.id)
            await query.answer()
            await views.edit_message(query, views.cancelled(t))
            return
        if action == "send":
            await _send(update, context, uow, draft)
            return
        if action == "multi":
            data["multiple"] = not data["multiple"]
        elif action == "anon":
            data["anonymous"] = not data["anonymous"]
        elif action == "count":
            data["counting"] = (Counting.PER_USER.value
                                if data["counting"] == Counting.PER_ORGANISATION
                                else Counting.PER_ORGANISATION.value)
        elif action == "group" and body.group_chat_id:
            data["group"] = not data["group"]
        elif action == "closing":
            text, markup = pv.closing_menu(t, nonce, data["hours"])
        elif action == "close" and arg.isdigit() and int(arg) in pv.CLOSING_HOURS:
            data["hours"] = int(arg)
        elif action == "versions":
            text, markup = bv.versions_menu(t, nonce, set(data["versions"]) - {pl.FIRST},
                                            pv.POLL_PREFIX)
        elif action == "version" and arg in SUPPORTED_LOCALES:
            draft.step, reply = f"question:{arg}", True
            text, markup = await _prompt(context, uow, draft)
        elif action in {"sectors", "provinces"}:
            draft.step = action
            text, markup = bv.filter_picker(t, ref, nonce, action, body.country, data[action],
                                            pv.POLL_PREFIX)
        elif action in {"sec", "pro"} and draft.step in {"sectors", "provinces"}:
            kind = draft.step
            if kind[:3] == action:
                toggle_filter(ref, body.country, data, kind, arg)
            text, markup = bv.filter_picker(t, ref, nonce, kind, body.country, data[kind],
                                            pv.POLL_PREFIX)
        elif action == "menu":
            draft.step = "menu"
        else:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        if action not in {"sectors", "provinces", "sec", "pro", "version"}:
            draft.step = "menu"
        await uow.drafts.put(draft)
        if text is None:
            text, markup = await _composer(context, uow, draft)
    await query.answer()
    await show(update, text, markup, as_new_message=reply)


async def _send(update: Update, context: HamkariContext, uow, draft: Draft) -> None:
    query, t, data = update.callback_query, context.t, draft.data
    now = context.bot_data.clock()
    poll = Poll(id=None, body_id=data["body_id"], created_by=context.user.id, created_at=now,
                locale=context.user.locale, versions=data["versions"],
                multiple=data["multiple"], anonymous=data["anonymous"],
                counting=Counting(data["counting"]), audience=Audience.from_dict(data),
                closes_at=now + timedelta(hours=data["hours"]) if data["hours"] else None,
                post_to_group=data["group"])
    try:
        poll = await pl.create(uow, await context.viewer(uow), poll, texts(context), now)
    except InvalidValue as error:
        await query.answer()
        await query.message.reply_text(pv.invalid(t, error))
        return
    except (NotAllowed, NotFound):
        await query.answer(views.stale_button(t), show_alert=True)
        return
    await finish_draft(update, context, uow, pv.sent(t, poll))


# -- a poll's card -----------------------------------------------------------------------------------

async def creators_card(uow, viewer, t, poll_id: int):
    """The poll's card as its creator sees it (bench/polls.py times this too)."""
    report = await pl.report(uow, viewer, poll_id)
    body = await bodies.get(uow, report.poll.body_id)
    # Per organisation only the organisations are named; per person, the people too.
    users = (await uow.users.get_many([user for user, _ in report.waiting])
             if report.poll.counting is Counting.PER_USER else {})
    organisations = await uow.organisations.get_many(
        sorted({o for _, o in report.waiting if o is not None}))
    return pv.card(t, load_reference(), body, report, zone_of(body),
                   pv.waiting_names(t, report, users, organisations))


async def on_card_button(update: Update, context: HamkariContext) -> None:
    """plc:<poll>:card|nudge|close|closeyes"""
    query, t = update.callback_query, context.t
    _, poll_id, action = query.data.split(":")
    poll_id = int(poll_id)
    now = context.bot_data.clock()
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if action == "card":
                text, markup = await creators_card(uow, viewer, context.t, poll_id)
            elif action == "close":
                poll = await pl.managed(uow, viewer, poll_id)
                if poll.closed_at is not None:
                    raise StaleAction()
                text, markup = pv.confirm_close(t, poll_id)
            elif action == "closeyes":
                _poll, queued = await pl.close_by_hand(uow, viewer, poll_id, texts(context), now)
                text, markup = pv.closed(t, queued), None
            else:
                queued = await pl.nudge(uow, viewer, poll_id, texts(context), now)
                text, markup = pv.nudged(t, queued), None
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    await show(update, text, markup, as_new_message=False)


# -- answers -----------------------------------------------------------------------------------------

async def on_poll_answer(update: Update, context: HamkariContext) -> None:
    """A named poll's answer, changed answer or retraction (no options)."""
    answer = update.poll_answer
    if answer.user is None or context.user is None:  # voted as a channel: not a person
        return
    async with context.uow() as uow:
        await pl.answer(uow, context.user, answer.poll_id, answer.option_ids,
                        context.bot_data.clock())


async def on_poll_state(update: Update, context: HamkariContext) -> None:
    """Telegram's new totals of a poll the bot sent: how anonymous polls are counted."""
    poll = update.poll
    async with context.uow() as uow:
        await pl.totals_changed(uow, poll.id, [option.voter_count for option in poll.options],
                                poll.total_voter_count)


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("poll", poll_command, filters=private),
        CallbackQueryHandler(on_body_button, pattern=rf"^{pv.POLL_BODY_PREFIX}:\d+(:new)?$"),
        CallbackQueryHandler(on_draft_button,
                             pattern=rf"^{pv.POLL_PREFIX}:[0-9a-f]+:\w+(:[\w-]+)?$"),
        CallbackQueryHandler(on_card_button,
                             pattern=rf"^{pv.POLL_CARD_PREFIX}:\d+:(card|nudge|close|closeyes)$"),
        PollAnswerHandler(on_poll_answer),
        PollHandler(on_poll_state),
    ]
