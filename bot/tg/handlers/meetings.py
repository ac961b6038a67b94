"""/meeting: a body's upcoming and past meetings; for its admins, scheduling (title, date on a
calendar in the user's own calendar, time, then place, agenda, repetition, reminders and
audience on one card), answers by organisation, moving, cancelling, attendance and minutes.
Invitees answer with the buttons under each invitation and can take the meeting as a file."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.domain import bodies, ics
from bot.domain import meetings as mt
from bot.domain.announcements import Audience, toggle_filter
from bot.domain.entities import CoordinationBody, Draft
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.meetings import Answer, Meeting
from bot.domain.reference import load_reference
from bot.domain.schedule import DEFAULT_MEETING_OFFSETS, MEETING_OFFSETS, at_local, zone_of
from bot.tg import body_views as bv
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
    reply_prompt,
    show,
    texts,
    turned_page,
    typed_date,
    typed_time,
)

FLOW = "meeting"


# -- /meeting and a body's list --------------------------------------------------------------------

async def _bodies_for(uow, viewer) -> list[CoordinationBody]:
    found = {body.id: body for body, _muted in await bodies.bodies_of_user(uow, viewer)}
    found.update({body.id: body for body in await bodies.administered_bodies(uow, viewer)})
    return [found[key] for key in sorted(found)]


async def meeting_command(update: Update, context: HamkariContext) -> None:
    t = context.t
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        own = await _bodies_for(uow, viewer)
        if len(own) == 1:
            text, markup = await _list(context, uow, viewer, own[0].id, past=False)
    if not own:
        await update.effective_message.reply_text(sv.not_allowed_to_schedule(t))
        return
    if len(own) > 1:
        text, markup = sv.choose_body(t, own, sv.BODY_MEETINGS_PREFIX)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _list(context: HamkariContext, uow, viewer, body_id: int, past: bool):
    body = await bodies.get(uow, body_id)
    upcoming, earlier = await mt.of_body(uow, viewer, body_id, context.bot_data.clock())
    return sv.meeting_list(context.t, body, upcoming, earlier, past,
                           mt.can_schedule(viewer, body_id), context.user.time_zone)


async def on_body_button(update: Update, context: HamkariContext) -> None:
    """mtb:<body>[:up|past|new]"""
    query, t = update.callback_query, context.t
    parts = query.data.split(":")
    body_id, action = int(parts[1]), (parts[2] if len(parts) > 2 else "up")
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if action == "new":
                if not mt.can_schedule(viewer, body_id):
                    raise NotAllowed("meeting")
                body = await bodies.get(uow, body_id)
                await uow.drafts.put(Draft(user_id=context.user.id, flow=FLOW, step="title", data={
                    "nonce": secrets.token_hex(3), "mode": "new", "body_id": body_id,
                    "zone": zone_of(body), "offsets": list(DEFAULT_MEETING_OFFSETS),
                    "frequency": "none", "sectors": [], "provinces": []}))
                text, markup = sv.title_prompt(t, "meeting"), None
            else:
                text, markup = await _list(context, uow, viewer, body_id, past=action == "past")
        except (NotAllowed, NotFound):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    if action == "new":
        await query.message.reply_text(text)
    else:
        await views.edit_message(query, text, markup)


# -- the scheduling draft --------------------------------------------------------------------------

def _starts_at(data: dict) -> datetime:
    return at_local(date.fromisoformat(data["date"]), time.fromisoformat(data["time"]), data["zone"])


async def _composer(context: HamkariContext, uow, draft: Draft):
    data = draft.data
    body = await bodies.get(uow, data["body_id"])
    people = await mt.invitees_now(uow, body, Audience.from_dict(data))
    return sv.meeting_composer(context.t, load_reference(), body, data, _starts_at(data),
                               len(people))


def _prefix(draft: Draft) -> str:
    return f"{sv.MEETING_PREFIX}:{draft.data['nonce']}"


def _back_to_menu(context: HamkariContext, draft: Draft):
    return [[rv.button(context.t.gettext("« Back"), f"{_prefix(draft)}:menu")]] \
        if draft.data.get("time") and draft.data["mode"] == "new" else None


async def _prompt(context: HamkariContext, uow, draft: Draft):
    """The current step's question, with its buttons."""
    t, data = context.t, draft.data
    if draft.step == "title":
        return sv.title_prompt(t, "meeting"), None
    if draft.step == "date":
        return date_step(context, _prefix(draft), data["zone"], extra=_back_to_menu(context, draft))
    if draft.step == "time":
        return (sv.time_prompt(t, date.fromisoformat(data["date"]), data["zone"]),
                sv.time_keyboard(t, _prefix(draft), _back_to_menu(context, draft) or []))
    if draft.step in {"place", "agenda"}:
        question = (t.gettext("Where will it take place? Write an address or an online link.")
                    if draft.step == "place" else t.gettext("Write the agenda."))
        return question, InlineKeyboardMarkup(_back_to_menu(context, draft) or [])
    if draft.step == "minutes":
        return sv.minutes_prompt(t, await mt.get(uow, data["meeting_id"])), None
    if draft.step == "minutes_preview":
        invitees = len(await uow.meetings.invitees(data["meeting_id"]))
        return sv.minutes_preview(t, data["nonce"], data, invitees)
    return await _composer(context, uow, draft)


async def _reply_prompt(update: Update, context: HamkariContext, draft: Draft,
                        note: str | None = None) -> None:
    await reply_prompt(update, context, draft, _prompt, note)


async def on_text(update: Update, context: HamkariContext, draft: Draft) -> None:
    t, text, data = context.t, update.effective_message.text or "", draft.data
    try:
        if draft.step == "title":
            data["title"], draft.step = mt.title(text), "date"
        elif draft.step == "date":
            day = typed_date(text)
            if day is None:
                await _reply_prompt(update, context, draft, sv.bad_date(t))
                return
            data["date"], draft.step = day.isoformat(), "time"
        elif draft.step == "time":
            moment = typed_time(text)
            if moment is None:
                await _reply_prompt(update, context, draft, sv.bad_time(t))
                return
            await _time_chosen(update, context, draft, moment)
            return
        elif draft.step == "place":
            data["place"], draft.step = mt.place(text), "menu"
        elif draft.step == "agenda":
            data["agenda"], draft.step = mt.agenda(text), "menu"
        elif draft.step in {"minutes", "minutes_preview"}:
            data["text"], draft.step = mt.minutes_text(text, bool(data.get("document"))), \
                "minutes_preview"
        else:
            await _reply_prompt(update, context, draft, rv.use_the_buttons(t))
            return
    except InvalidValue as error:
        await update.effective_message.reply_text(rv.invalid_value(t, error))
        return
    await _reply_prompt(update, context, draft)


async def on_document(update: Update, context: HamkariContext, draft: Draft) -> None:
    t, message, data = context.t, update.effective_message, draft.data
    if draft.step not in {"minutes", "minutes_preview"}:
        await _reply_prompt(update, context, draft, rv.use_the_buttons(t))
        return
    caption = message.caption or data.get("text") or ""
    try:
        data["text"] = mt.minutes_text(caption, True) if caption else None
    except InvalidValue as error:
        await message.reply_text(rv.invalid_value(t, error))
        return
    data["document"] = {"file_id": message.document.file_id,
                        "file_name": (message.document.file_name or "document")[:100]}
    draft.step = "minutes_preview"
    await _reply_prompt(update, context, draft)


async def _time_chosen(update: Update, context: HamkariContext, draft: Draft, moment: time
                       ) -> None:
    t, data = context.t, draft.data
    starts_at = at_local(date.fromisoformat(data["date"]), moment, data["zone"])
    if starts_at <= context.bot_data.clock():
        draft.step = "date"
        await _reply_prompt(update, context, draft, sv.past_date(t))
        return
    if data["mode"] == "move":
        async with context.uow() as uow:
            viewer = await context.viewer(uow)
            try:
                _meeting, queued = await mt.reschedule(uow, viewer, data["meeting_id"], starts_at,
                                                       texts(context), context.bot_data.clock())
            except (NotAllowed, NotFound, StaleAction, InvalidValue):
                await uow.drafts.delete(context.user.id)
                await update.effective_message.reply_text(views.stale_button(t))
                return
            await uow.drafts.delete(context.user.id)
        await update.effective_message.reply_text(sv.told(t, queued))
        return
    data["time"], draft.step = moment.strftime("%H:%M"), "menu"
    await _reply_prompt(update, context, draft)


async def on_draft_button(update: Update, context: HamkariContext) -> None:
    """mt:<nonce>:<action>[:<arg>]"""
    query, t = update.callback_query, context.t
    nonce, action, arg = button_parts(query.data)
    ref = load_reference()
    chosen = None
    async with context.uow() as uow:
        draft = await draft_of_button(uow, context, FLOW, nonce)
        if draft is None:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        data = draft.data
        if await turned_page(update, context, draft, _prefix(draft), action, arg,
                             _back_to_menu(context, draft)):
            return
        if action == "day" and draft.step == "date" and day_argument(arg):
            data["date"], draft.step = day_argument(arg).isoformat(), "time"
        elif action == "time" and draft.step == "time" and len(arg) == 4 and arg.isdigit() \
                and typed_time(f"{arg[:2]}:{arg[2:]}"):
            chosen = typed_time(f"{arg[:2]}:{arg[2:]}")
        elif action == "cancel":
            await uow.drafts.delete(context.user.id)
            await query.answer()
            await views.edit_message(query, views.cancelled(t))
            return
        elif action == "sendmin" and draft.step == "minutes_preview":
            await _send_minutes(update, context, uow, draft)
            return
        elif data["mode"] != "new" or "time" not in data:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        elif action == "send":
            await _send(update, context, uow, draft)
            return
        elif action in {"place", "agenda", "date"}:
            draft.step = action
        elif action == "repeat":
            draft.step = "repeat"
        elif action == "freq" and arg in sv.MEETING_FREQUENCIES:
            data["frequency"], draft.step = arg, "menu"
        elif action == "offsets":
            draft.step = "offsets"
        elif action == "off" and arg.isdigit() and int(arg) in MEETING_OFFSETS:
            offsets = data["offsets"]
            offsets.remove(int(arg)) if int(arg) in offsets else offsets.append(int(arg))
        elif action in {"sectors", "provinces"}:
            draft.step = action
        elif action in {"sec", "pro"} and draft.step in {"sectors", "provinces"}:
            body = await bodies.get(uow, data["body_id"])
            kind = "sectors" if action == "sec" else "provinces"
            toggle_filter(ref, body.country, data, kind, arg)
        elif action == "menu":
            draft.step = "menu"
        else:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        if chosen is not None:
            text = markup = None
        elif draft.step == "repeat":
            text, markup = t.gettext("How often does it take place?"), sv.choices_keyboard(
                t, _prefix(draft), "freq", sv.frequency_options(t, sv.MEETING_FREQUENCIES),
                {data["frequency"]}, "menu")
        elif draft.step == "offsets":
            text, markup = t.gettext("When should invitees be reminded?"), sv.choices_keyboard(
                t, _prefix(draft), "off", sv.meeting_offset_options(t),
                {str(o) for o in data["offsets"]}, "menu")
        elif draft.step in {"sectors", "provinces"}:
            body = await bodies.get(uow, data["body_id"])
            text, markup = bv.filter_picker(t, ref, nonce, draft.step, body.country,
                                            data[draft.step], sv.MEETING_PREFIX)
        else:
            text, markup = await _prompt(context, uow, draft)
        await uow.drafts.put(draft)
    await query.answer()
    if chosen is not None:  # in transactions of its own, now that this one has ended
        await _time_chosen(update, context, draft, chosen)
        return
    await views.edit_message(query, text, markup)


async def _send(update: Update, context: HamkariContext, uow, draft: Draft) -> None:
    query, t, data = update.callback_query, context.t, draft.data
    starts_at = _starts_at(data)
    local_day = date.fromisoformat(data["date"])
    meeting = Meeting(
        id=None, body_id=data["body_id"], title=data["title"], starts_at=starts_at,
        time_zone=data["zone"], created_by=context.user.id, created_at=context.bot_data.clock(),
        place=data.get("place"), agenda=data.get("agenda"),
        audience=Audience.from_dict(data),
        frequency=data["frequency"], calendar=calendar_of(t.locale), series_start=local_day,
        reminder_offsets=tuple(sorted(data["offsets"], reverse=True)))
    try:
        meeting, queued = await mt.schedule(uow, await context.viewer(uow), meeting,
                                            texts(context), context.bot_data.clock())
    except InvalidValue:
        draft.step = "date"
        await uow.drafts.put(draft)
        await query.answer()
        await query.message.reply_text(sv.past_date(t))
        return
    except (NotAllowed, NotFound):
        await query.answer(views.stale_button(t), show_alert=True)
        return
    await finish_draft(update, context, uow, sv.scheduled(t, meeting, queued))


async def _send_minutes(update: Update, context: HamkariContext, uow, draft: Draft) -> None:
    query, t, data = update.callback_query, context.t, draft.data
    try:
        _meeting, queued = await mt.send_minutes(
            uow, await context.viewer(uow), data["meeting_id"], data.get("text"),
            data.get("document"), texts(context), context.bot_data.clock())
    except (NotAllowed, NotFound, StaleAction, InvalidValue):
        await uow.drafts.delete(context.user.id)
        await query.answer(views.stale_button(t), show_alert=True)
        return
    await finish_draft(update, context, uow, sv.told(t, queued))


# -- a meeting's card ------------------------------------------------------------------------------

async def _card(context: HamkariContext, uow, viewer, meeting: Meeting):
    body = await bodies.get(uow, meeting.body_id)
    invitee = await uow.meetings.invitee(meeting.id, context.user.id)
    answers = (await mt.answers(uow, viewer, meeting.id)
               if mt.can_schedule(viewer, meeting.body_id) else None)
    return sv.meeting_card(context.t, load_reference(), body, meeting, answers,
                           context.bot_data.clock(), context.user.time_zone,
                           invitee.answer.value if invitee and invitee.answer else None,
                           invitee is not None)


async def on_card_button(update: Update, context: HamkariContext) -> None:
    """mtc:<meeting>:<action>[:<arg>]"""
    query, t = update.callback_query, context.t
    parts = query.data.split(":")
    meeting_id, action, arg = int(parts[1]), parts[2], (parts[3] if len(parts) > 3 else "")
    now = context.bot_data.clock()
    reply = None
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            meeting = await mt.readable(uow, viewer, meeting_id)
            manages = mt.can_schedule(viewer, meeting.body_id)
            if action == "card":
                text, markup = await _card(context, uow, viewer, meeting)
            elif action == "doc" and meeting.minutes_document:
                await query.answer()
                await query.message.reply_document(meeting.minutes_document["file_id"])
                return
            elif not manages:
                raise NotAllowed("meeting")
            elif action == "answers":
                answers = await mt.answers(uow, viewer, meeting_id)
                organisations = await uow.organisations.get_many(
                    [o for o in answers.by_organisation if o is not None])
                text, markup = sv.answers_view(t, meeting, answers, organisations)
            elif action == "cancel" and arg in {"yes", "all"}:
                _meeting, queued = await mt.cancel(uow, viewer, meeting_id, texts(context), now,
                                                   whole_series=arg == "all")
                text, markup = sv.told(t, queued), None
            elif action == "cancel":
                if meeting.started(now) or meeting.cancelled_at:
                    raise StaleAction()
                text, markup = sv.confirm_cancel(t, meeting)
            elif action == "stop":
                meeting = await mt.stop_repeating(uow, viewer, meeting_id)
                text, markup = await _card(context, uow, viewer, meeting)
            elif action == "move":
                if meeting.started(now) or meeting.cancelled_at:
                    raise StaleAction()
                draft = Draft(user_id=context.user.id, flow=FLOW, step="date", data={
                    "nonce": secrets.token_hex(3), "mode": "move", "meeting_id": meeting_id,
                    "zone": meeting.time_zone})
                await uow.drafts.put(draft)
                text, markup = await _prompt(context, uow, draft)
                reply = True
            elif action == "att":
                if arg.isdigit():
                    await mt.toggle_attended(uow, viewer, meeting_id, int(arg), now)
                elif not meeting.started(now):
                    raise StaleAction()
                members = await uow.organisations.get_many(
                    await uow.bodies.member_ids(meeting.body_id))
                text, markup = sv.attendance_view(
                    t, meeting, sorted(members.values(), key=lambda o: o.profile.name),
                    await uow.meetings.attended(meeting_id))
            elif action == "minutes":
                if not meeting.started(now) or meeting.minutes_sent_at or meeting.cancelled_at:
                    raise StaleAction()
                draft = Draft(user_id=context.user.id, flow=FLOW, step="minutes", data={
                    "nonce": secrets.token_hex(3), "mode": "minutes", "meeting_id": meeting_id})
                await uow.drafts.put(draft)
                text, markup = await _prompt(context, uow, draft)
                reply = True
            else:
                raise StaleAction()
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    await show(update, text, markup, as_new_message=bool(reply))


# -- invitees: answers and calendar files ----------------------------------------------------------

async def on_rsvp(update: Update, context: HamkariContext) -> None:
    """rsvp:<meeting>:going|maybe|no"""
    query, t = update.callback_query, context.t
    _, meeting_id, value = query.data.split(":")
    answer = Answer(value)
    async with context.uow() as uow:
        try:
            meeting = await mt.respond(uow, context.user, int(meeting_id), answer,
                                       context.bot_data.clock())
        except InvalidValue:
            await query.answer(sv.rsvp_closed(t), show_alert=True)
            return
        except (NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer(sv.rsvp_saved(t, answer))
    # The pressed message shows the choice; its text says the answer can still change.
    await query.edit_message_reply_markup(sv.rsvp_keyboard(t, meeting.id, answer.value))


async def on_calendar_file(update: Update, context: HamkariContext) -> None:
    """ics:<meeting>: the meeting as an .ics file, for the phone's calendar."""
    query, t = update.callback_query, context.t
    meeting_id = int(query.data.split(":")[1])
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            meeting = await mt.readable(uow, viewer, meeting_id)
            body = await bodies.get(uow, meeting.body_id)
        except (NotFound, NotAllowed):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    summary = mt.summary_of(meeting)
    content = ics.meeting_file(now=context.bot_data.clock(), organizer_name=body.name_in(t.locale),
                               **summary)
    await query.answer()
    await query.message.reply_document(content, filename=ics.file_name(meeting.title),
                                       caption=t.gettext("Open this file to add the meeting to "
                                                         "your calendar."))


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("meeting", meeting_command, filters=private),
        CallbackQueryHandler(on_body_button, pattern=rf"^{sv.BODY_MEETINGS_PREFIX}:\d+(:(up|past|new))?$"),
        CallbackQueryHandler(on_draft_button, pattern=rf"^{sv.MEETING_PREFIX}:[0-9a-f]+:\w+(:[\w-]+)?$"),
        CallbackQueryHandler(on_card_button, pattern=rf"^{sv.CARD_PREFIX}:\d+:\w+(:\w+)?$"),
        CallbackQueryHandler(on_rsvp, pattern=rf"^{sv.RSVP_PREFIX}:\d+:(going|maybe|no)$"),
        CallbackQueryHandler(on_calendar_file, pattern=rf"^{sv.ICS_PREFIX}:\d+$"),
    ]
