"""/deadline: body admins and platform administrators set reporting deadlines, see who has
submitted and nudge the rest; any person of an organisation marks it submitted. /reminders:
a user's upcoming meetings and deadlines."""

from __future__ import annotations

import secrets
from datetime import date

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.domain import bodies
from bot.domain import deadlines as dl
from bot.domain.deadlines import Deadline
from bot.domain.entities import Draft
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.schedule import DEADLINE_OFFSETS, DEFAULT_DEADLINE_OFFSETS, zone_of
from bot.tg import registry_views as rv
from bot.tg import schedule_views as sv
from bot.tg import views
from bot.tg.context import HamkariContext
from bot.tg.scheduling import (
    button_parts,
    calendar_of,
    date_step,
    day_argument,
    draft_of_button,
    finish_draft,
    local_today,
    reply_prompt,
    show,
    texts,
    turned_page,
    typed_date,
)

FLOW = "deadline"


async def _list(context: HamkariContext, uow, viewer):
    found = await dl.listed(uow, viewer, context.bot_data.clock())
    named = {d.body_id for d in found if d.body_id}
    names = {body_id: await bodies.get(uow, body_id) for body_id in named}
    return sv.deadline_list(context.t, found, names, True)


async def deadline_command(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        allowed = viewer.is_platform_admin or bool(viewer.administered_body_ids)
        if allowed:
            text, markup = await _list(context, uow, viewer)
    if not allowed:
        await update.effective_message.reply_text(sv.not_allowed_deadlines(context.t))
        return
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _start(context: HamkariContext, uow, body_id: int | None):
    body = await bodies.get(uow, body_id) if body_id else None
    await uow.drafts.put(Draft(user_id=context.user.id, flow=FLOW, step="title", data={
        "nonce": secrets.token_hex(3), "body_id": body_id, "zone": zone_of(body),
        "offsets": list(DEFAULT_DEADLINE_OFFSETS), "frequency": "none"}))
    return sv.title_prompt(context.t, "deadline"), None


async def on_card_button(update: Update, context: HamkariContext) -> None:
    """dlc:<deadline>:card|nudge|cancel|list, dlc:0:new, dlc:<body or 0>:for"""
    query, t = update.callback_query, context.t
    _, key, action = query.data.split(":")
    now = context.bot_data.clock()
    reply = False
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if action == "list":
                text, markup = await _list(context, uow, viewer)
            elif action == "new":
                own = (await uow.bodies.all() if viewer.is_platform_admin
                       else await bodies.administered_bodies(uow, viewer))
                if not own and not viewer.is_platform_admin:
                    raise NotAllowed("deadline")
                if len(own) == 1 and not viewer.is_platform_admin:
                    text, markup = await _start(context, uow, own[0].id)
                    reply = True
                else:
                    text, markup = sv.choose_body(t, own, sv.DEADLINE_CARD_PREFIX,
                                                  viewer.is_platform_admin, suffix=":for")
            elif action == "for":
                body_id = int(key) or None
                if not dl.can_set(viewer, body_id):
                    raise NotAllowed("deadline")
                text, markup = await _start(context, uow, body_id)
                reply = True
            else:
                deadline = await dl.get(uow, int(key))
                if not dl.can_set(viewer, deadline.body_id):
                    raise NotAllowed("deadline")
                if action == "nudge":
                    deadline, queued = await dl.nudge(uow, viewer, deadline.id, texts(context), now)
                    await query.answer(sv.told(t, queued), show_alert=True)
                elif action == "cancel":
                    deadline = await dl.cancel(uow, viewer, deadline.id, now)
                elif action != "card":
                    raise StaleAction()
                body = await bodies.get(uow, deadline.body_id) if deadline.body_id else None
                text, markup = sv.compliance_card(t, body, deadline,
                                                  await dl.compliance(uow, deadline),
                                                  local_today(context, deadline.time_zone))
                if action == "nudge":
                    await views.edit_message(query, text, markup)
                    return
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    await show(update, text, markup, as_new_message=reply)


# -- the draft -------------------------------------------------------------------------------------

def _prefix(draft: Draft) -> str:
    return f"{sv.DEADLINE_PREFIX}:{draft.data['nonce']}"


def _back_to_menu(context: HamkariContext, draft: Draft):
    """Once a date was chosen, changing it can be given up."""
    return [[rv.button(context.t.gettext("« Back"), f"{_prefix(draft)}:menu")]] \
        if draft.data.get("date") else None


async def _prompt(context: HamkariContext, uow, draft: Draft):
    t, data = context.t, draft.data
    if draft.step == "title":
        return sv.title_prompt(t, "deadline"), None
    if draft.step == "date":
        return date_step(context, _prefix(draft), data["zone"], extra=_back_to_menu(context, draft))
    if draft.step == "repeat":
        return t.gettext("How often is it due?"), sv.choices_keyboard(
            t, _prefix(draft), "freq", sv.frequency_options(t, sv.DEADLINE_FREQUENCIES),
            {data["frequency"]}, "menu")
    if draft.step == "offsets":
        return t.gettext("When should organisations be reminded?"), sv.choices_keyboard(
            t, _prefix(draft), "off", sv.deadline_offset_options(t),
            {str(o) for o in data["offsets"]}, "menu")
    body = await bodies.get(uow, data["body_id"]) if data["body_id"] else None
    probe = Deadline(None, data["body_id"], data["title"], date.fromisoformat(data["date"]),
                     data["zone"], None, context.bot_data.clock())
    return sv.deadline_composer(t, data, body, len(await dl.organisations_of(uow, probe)))


async def _reply_prompt(update: Update, context: HamkariContext, draft: Draft,
                        note: str | None = None) -> None:
    await reply_prompt(update, context, draft, _prompt, note)


def _chosen_date(context: HamkariContext, draft: Draft, day: date) -> str | None:
    """The date, or why it cannot be used."""
    if day < local_today(context, draft.data["zone"]):
        return sv.past_date(context.t)
    draft.data["date"], draft.step = day.isoformat(), "menu"
    return None


async def on_text(update: Update, context: HamkariContext, draft: Draft) -> None:
    t, text = context.t, update.effective_message.text or ""
    if draft.step == "title":
        try:
            draft.data["title"], draft.step = dl.title(text), "date"
        except InvalidValue as error:
            await update.effective_message.reply_text(rv.invalid_value(t, error))
            return
        await _reply_prompt(update, context, draft)
    elif draft.step == "date":
        day = typed_date(text)
        note = sv.bad_date(t) if day is None else _chosen_date(context, draft, day)
        await _reply_prompt(update, context, draft, note)
    else:
        await _reply_prompt(update, context, draft, rv.use_the_buttons(t))


async def on_draft_button(update: Update, context: HamkariContext) -> None:
    """dl:<nonce>:<action>[:<arg>]"""
    query, t = update.callback_query, context.t
    nonce, action, arg = button_parts(query.data)
    async with context.uow() as uow:
        draft = await draft_of_button(uow, context, FLOW, nonce)
        if draft is None:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        data = draft.data
        note = None
        if await turned_page(update, context, draft, _prefix(draft), action, arg,
                             _back_to_menu(context, draft)):
            return
        if action == "day" and draft.step == "date" and day_argument(arg):
            note = _chosen_date(context, draft, day_argument(arg))
        elif action == "cancel":
            await uow.drafts.delete(context.user.id)
            await query.answer()
            await views.edit_message(query, views.cancelled(t))
            return
        elif "date" not in data:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        elif action == "save":
            await _save(update, context, uow, draft)
            return
        elif action in {"repeat", "offsets", "date", "menu"}:
            draft.step = action
        elif action == "freq" and arg in sv.DEADLINE_FREQUENCIES:
            data["frequency"], draft.step = arg, "menu"
        elif action == "off" and arg.isdigit() and int(arg) in DEADLINE_OFFSETS:
            offsets = data["offsets"]
            offsets.remove(int(arg)) if int(arg) in offsets else offsets.append(int(arg))
        else:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        await uow.drafts.put(draft)
        text, markup = await _prompt(context, uow, draft)
    if note:
        await query.answer(note, show_alert=True)
        return
    await query.answer()
    await views.edit_message(query, text, markup)


async def _save(update: Update, context: HamkariContext, uow, draft: Draft) -> None:
    query, t, data = update.callback_query, context.t, draft.data
    due = date.fromisoformat(data["date"])
    deadline = Deadline(
        id=None, body_id=data["body_id"], title=data["title"], due_date=due, time_zone=data["zone"],
        created_by=context.user.id, created_at=context.bot_data.clock(),
        frequency=data["frequency"], calendar=calendar_of(t.locale), series_start=due,
        reminder_days=tuple(sorted(data["offsets"], reverse=True)))
    try:
        _deadline, queued = await dl.create(uow, await context.viewer(uow), deadline,
                                            texts(context), context.bot_data.clock())
    except InvalidValue:
        await query.answer(sv.past_date(t), show_alert=True)
        return
    except (NotAllowed, NotFound):
        await query.answer(views.stale_button(t), show_alert=True)
        return
    await finish_draft(update, context, uow, sv.deadline_set(t, queued))


# -- organisations: Submitted ----------------------------------------------------------------------

async def on_submit(update: Update, context: HamkariContext) -> None:
    """dls:<deadline>:<organisation>:1|0"""
    query, t = update.callback_query, context.t
    _, deadline_id, organisation_id, flag = query.data.split(":")
    submitted = flag == "1"
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            deadline = await dl.mark(uow, viewer, int(deadline_id), int(organisation_id),
                                     submitted, context.bot_data.clock())
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
        organisation = await uow.organisations.get(int(organisation_id))
    await query.answer()
    await views.edit_message(query, sv.submitted_text(t, deadline, organisation, submitted),
                             sv.submit_keyboard(t, deadline.id, organisation.id, submitted))


async def reminders_command(update: Update, context: HamkariContext) -> None:
    user, now = context.user, context.bot_data.clock()
    async with context.uow() as uow:
        upcoming = await uow.meetings.upcoming_for_user(user.id, now)
        names = {m.body_id: await bodies.get(uow, m.body_id) for m, _ in upcoming}
        mine = await dl.of_user(uow, user, now)
    shown = [(meeting, answer.value if answer else None) for meeting, answer in upcoming]
    text, markup = sv.reminders_view(context.t, shown, names, mine, user,
                                     local_today(context, user.time_zone or "Asia/Kabul"))
    await update.effective_message.reply_text(text, reply_markup=markup)


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("deadline", deadline_command, filters=private),
        CommandHandler("reminders", reminders_command, filters=private),
        CallbackQueryHandler(on_card_button, pattern=rf"^{sv.DEADLINE_CARD_PREFIX}:\d+:\w+$"),
        CallbackQueryHandler(on_draft_button, pattern=rf"^{sv.DEADLINE_PREFIX}:[0-9a-f]+:\w+(:[\w-]+)?$"),
        CallbackQueryHandler(on_submit, pattern=rf"^{sv.SUBMIT_PREFIX}:\d+:\d+:[01]$"),
    ]

