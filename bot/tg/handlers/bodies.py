"""/bodies, /newbody, /settings: coordination bodies, their members and admins, the linked group
and each user's mute. Memberships are asked and answered with buttons; the other side hears of
it through the outbox, in their own language."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import ChatMember, ChatMemberUpdated, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain import bodies, lookup, users
from bot.domain.entities import CoordinationBody, Draft, MembershipAsk
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.permissions import can_announce, can_create_body, can_manage_members
from bot.domain.reference import load_reference
from bot.domain.search import Filters
from bot.i18n.locales import SUPPORTED_LOCALES
from bot.tg import body_views as bv
from bot.tg import registry_views as rv
from bot.tg import schedule_views as sv
from bot.tg import views
from bot.tg.context import HamkariContext
from bot.tg.handlers import announce
from bot.tg.notify import notify

NEW_BODY_FLOW = "new_body"
INVITE_FLOW = "body_invite"
NEW_BODY_TEXT_STEPS = ("name", *(f"name_{locale}" for locale in SUPPORTED_LOCALES),
                       "region", "description")


def _now() -> datetime:
    return datetime.now(UTC)


# -- /bodies and a body's card ------------------------------------------------------------------

async def bodies_command(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        overviews = await bodies.overview(uow)
    text, markup = bv.body_list(context.t, load_reference(), overviews)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _card(context: HamkariContext, uow, viewer, body_id: int):
    body = await bodies.get(uow, body_id)
    relations = await bodies.relations(uow, viewer, body_id)
    receives = any(member for _, member, _ in relations)
    muted = (body_id in await uow.bodies.muted_by(viewer.user_id)) if receives else None
    return bv.body_card(context.t, load_reference(), body, await uow.bodies.member_count(body_id),
                        relations, muted, can_manage_members(viewer, body_id),
                        can_announce(viewer, body_id), can_create_body(viewer))


async def on_body_button(update: Update, context: HamkariContext) -> None:
    """bd:<body>[:<action>[:<arg>[:yes]]]"""
    query, t, now = update.callback_query, context.t, _now()
    parts = query.data.split(":")
    body_id, action = int(parts[1]), (parts[2] if len(parts) > 2 else "card")
    arg = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 0
    confirmed = len(parts) > 4 and parts[4] == "yes"
    text, markup = None, None
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if action == "list":
                text, markup = bv.body_list(t, load_reference(), await bodies.overview(uow))
            elif action == "join":
                news = await bodies.request_membership(uow, viewer, body_id, arg, now,
                                                       context.bot_data.admin_ids)
                await _tell(context, uow, update, news, "join")
                text, markup = await _card(context, uow, await context.viewer(uow), body_id)
            elif action in {"leave", "rm"} and not confirmed:
                body = await bodies.get(uow, body_id)
                organisation = await uow.organisations.get(arg)
                if organisation is None:
                    raise NotFound("organisation", arg)
                text, markup = bv.confirm_removal(t, body, organisation, action)
            elif action in {"leave", "rm"}:
                news = await bodies.remove(uow, viewer, body_id, arg, now)
                await _tell(context, uow, update, news, "left" if action == "leave" else "removed")
                if action == "rm":
                    body = news.body
                    text, markup = bv.member_list(t, body, await bodies.members(uow, viewer, body_id))
                else:
                    text, markup = await _card(context, uow, viewer, body_id)
            elif action == "members":
                body = await bodies.get(uow, body_id)
                text, markup = bv.member_list(t, body, await bodies.members(uow, viewer, body_id))
            elif action == "asks":
                body = await bodies.get(uow, body_id)
                text, markup = bv.ask_list(t, body, await bodies.open_asks(uow, viewer, body_id))
            elif action == "invite":
                body = await bodies.get(uow, body_id)
                if not can_manage_members(viewer, body_id):
                    raise NotAllowed("invite_member")
                await uow.drafts.put(Draft(user_id=context.user.id, flow=INVITE_FLOW, step="name",
                                           data={"body_id": body_id}))
                text = bv.invite_prompt(t, body)
            elif action == "inv":
                news = await bodies.invite(uow, viewer, body_id, arg, now)
                await uow.drafts.delete(context.user.id)
                await _tell(context, uow, update, news, "invite")
                text = t.gettext("Invitation sent to {name}. Its owners will answer with a "
                                 "button.").format(name=rv.isolate(news.organisation.profile.name))
                markup = InlineKeyboardMarkup([bv.back_to_body(t, body_id)])
            elif action in {"admins", "adm", "dis"}:
                if action == "adm":
                    await bodies.appoint_admin(uow, viewer, body_id, arg, now)
                elif action == "dis":
                    await bodies.dismiss_admin(uow, viewer, body_id, arg, now)
                body = await bodies.get(uow, body_id)
                candidates = await bodies.candidates_for_admin(uow, viewer, body_id)
                text, markup = bv.admins_view(t, body, await bodies.admins(uow, body_id), candidates)
            elif action == "group":
                body = await bodies.get(uow, body_id)
                if not can_announce(viewer, body_id):
                    raise NotAllowed("link_group")
                text, markup = bv.group_help(t, body, context.bot.username)
            elif action in {"mute", "unmute"}:
                await bodies.set_muted(uow, context.user, body_id, action == "mute")
                text, markup = await _card(context, uow, viewer, body_id)
            elif action == "announce":
                await query.answer()
                await announce.begin_for_body(update, context, uow, viewer, body_id)
                return
            elif action == "card":
                text, markup = await _card(context, uow, viewer, body_id)
            else:
                raise StaleAction()
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    await views.edit_message(query, text, markup)


async def _tell(context: HamkariContext, uow, update: Update, news: bodies.MembershipNews,
                what: str) -> None:
    """The other side of a membership change, each in their own language."""
    body, organisation = news.body, news.organisation
    for user in news.to_tell:
        if what == "join":
            render = lambda tt: bv.join_request_notice(tt, body, organisation)  # noqa: E731
        elif what == "invite":
            render = lambda tt: bv.invitation_notice(tt, body, organisation)  # noqa: E731
        else:
            render = lambda tt: (bv.membership_outcome(tt, body, organisation, what), None)  # noqa: E731
        await notify(context, uow, update, user, f"body-{what}", render)


async def on_ask_answer(update: Update, context: HamkariContext) -> None:
    """bma:<body>:<organisation>:ok|no: a join request (admins) or an invitation (owners)."""
    query, t = update.callback_query, context.t
    _, body_id, organisation_id, answer = query.data.split(":")
    accept = answer == "ok"
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            news = await bodies.answer(uow, viewer, int(body_id), int(organisation_id), accept,
                                       _now())
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
        outcome = ("accepted" if accept else "declined_invitation"
                   if news.ask is MembershipAsk.INVITATION else "declined")
        await _tell(context, uow, update, news, outcome)
    await query.answer()
    await views.edit_message(query, bv.membership_outcome(t, news.body, news.organisation, outcome))


# -- invite: the admin types part of a name ------------------------------------------------------

async def on_invite_text(update: Update, context: HamkariContext, draft: Draft) -> None:
    text = update.effective_message.text or ""
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            body = await bodies.get(uow, draft.data["body_id"])
        except NotFound:
            await uow.drafts.delete(context.user.id)
            await update.effective_message.reply_text(views.stale_button(context.t))
            return
        page = await lookup.find(uow, context.bot_data.search_index, viewer, text, Filters(), 0,
                                 _now())
        members = set(await uow.bodies.member_ids(body.id))
    found = [o for o in page.organisations if o.id not in members]
    reply, markup = bv.invite_choices(context.t, body, found)
    await update.effective_message.reply_text(reply, reply_markup=markup)


# -- /newbody (platform administrators) ---------------------------------------------------------

async def new_body_command(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        if not can_create_body(viewer):
            await update.effective_message.reply_text(views.unknown_command(context.t))
            return
        draft = Draft(user_id=context.user.id, flow=NEW_BODY_FLOW, step="name", data={"names": {}})
        await uow.drafts.put(draft)
    await _ask_step(update, context, draft)


def _next_step(draft: Draft, locale: str) -> str:
    """name, its name in each other language, country, region, description, confirm."""
    order = ["name", *(f"name_{loc}" for loc in SUPPORTED_LOCALES if loc != locale),
             "country", "region", "description", "confirm"]
    return order[order.index(draft.step) + 1]


async def _ask_step(update: Update, context: HamkariContext, draft: Draft, edit: bool = False
                    ) -> None:
    text, markup = bv.new_body_step(context.t, load_reference(), draft.step, draft.data)
    if edit:
        await views.edit_message(update.callback_query, text, markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


async def on_new_body_text(update: Update, context: HamkariContext, draft: Draft) -> None:
    text = update.effective_message.text or ""
    if draft.step not in NEW_BODY_TEXT_STEPS:
        await update.effective_message.reply_text(rv.use_the_buttons(context.t))
        return
    try:
        if draft.step == "name":
            draft.data["name"] = bodies.body_name(text)
        elif draft.step.startswith("name_"):
            draft.data["names"][draft.step.removeprefix("name_")] = bodies.body_name(text)
        elif draft.step == "region":
            draft.data["region"] = bodies.region(text)
        else:
            draft.data["description"] = bodies.description(text)
    except InvalidValue as error:
        await update.effective_message.reply_text(rv.invalid_value(context.t, error))
        return
    draft.step = _next_step(draft, context.user.locale)
    async with context.uow() as uow:
        await uow.drafts.put(draft)
    await _ask_step(update, context, draft)


async def on_new_body_button(update: Update, context: HamkariContext) -> None:
    """nb:<step>:skip | nb:country:<code> | nb:confirm:save|cancel"""
    query, t = update.callback_query, context.t
    _, step, action = query.data.split(":")
    async with context.uow() as uow:
        draft = await uow.drafts.get(context.user.id)
        if draft is None or draft.flow != NEW_BODY_FLOW or draft.step != step:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        viewer = await context.viewer(uow)
        if step == "confirm":
            await uow.drafts.delete(context.user.id)
            if action != "save":
                await query.answer()
                await views.edit_message(query, views.cancelled(t))
                return
            data = draft.data
            try:
                body = await bodies.create(uow, viewer, CoordinationBody(
                    id=None, name=data["name"], country=data["country"], names=data["names"],
                    region=data.get("region"), description=data.get("description")), _now())
            except (NotAllowed, InvalidValue):
                await query.answer(views.stale_button(t), show_alert=True)
                return
            await query.answer()
            text, markup = bv.body_created(t, body)
            await views.edit_message(query, text, markup)
            return
        if step == "country":
            if action not in bodies.COUNTRIES:
                await query.answer(views.stale_button(t), show_alert=True)
                return
            draft.data["country"] = action
        elif action != "skip" or step not in NEW_BODY_TEXT_STEPS or step == "name":
            await query.answer(views.stale_button(t), show_alert=True)
            return
        draft.step = _next_step(draft, context.user.locale)
        await uow.drafts.put(draft)
    await query.answer()
    await _ask_step(update, context, draft, edit=True)


# -- mutes: under each announcement, and in /settings -------------------------------------------

async def on_mute_button(update: Update, context: HamkariContext) -> None:
    """mute:<body>:1|0 under an announcement: only the buttons change, the message stays."""
    query, t = update.callback_query, context.t
    _, body_id, value = query.data.split(":")
    muted = value == "1"
    async with context.uow() as uow:
        try:
            body = await bodies.set_muted(uow, context.user, int(body_id), muted)
        except NotFound:
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer(bv.muted_notice(t, body, muted)[:200])
    await query.edit_message_reply_markup(bv.message_mute_keyboard(t, body.id, muted))


def _zone_name(context: HamkariContext) -> str:
    zone = context.user.time_zone
    return sv.zone_label(context.t, zone) if zone else context.t.gettext("the meeting's own zone")


async def settings_command(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        listed = await bodies.bodies_of_user(uow, await context.viewer(uow))
    text, markup = bv.settings_view(context.t, listed, _zone_name(context))
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_zone_button(update: Update, context: HamkariContext) -> None:
    """tz:menu shows the zones; tz:<zone> or tz:- (the meeting's own) chooses one."""
    query, t = update.callback_query, context.t
    choice = query.data.removeprefix("tz:")
    if choice == "menu":
        await query.answer()
        await views.edit_message(query, t.gettext("Meeting times are always shown in the "
                                                  "meeting's zone; choose yours to see them in "
                                                  "your own time as well."),
                                 sv.zone_keyboard(t, context.user.time_zone))
        return
    async with context.uow() as uow:
        try:
            await users.set_time_zone(uow, context.user, None if choice == "-" else choice)
        except InvalidValue:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        listed = await bodies.bodies_of_user(uow, await context.viewer(uow))
    await _show_settings(update, context, listed)


async def _show_settings(update: Update, context: HamkariContext,
                         listed: list[tuple[CoordinationBody, bool]]) -> None:
    await update.callback_query.answer()
    text, markup = bv.settings_view(context.t, listed, _zone_name(context))
    await views.edit_message(update.callback_query, text, markup)


async def on_settings_button(update: Update, context: HamkariContext) -> None:
    query, t = update.callback_query, context.t
    _, body_id, value = query.data.split(":")
    async with context.uow() as uow:
        try:
            await bodies.set_muted(uow, context.user, int(body_id), value == "1")
        except NotFound:
            await query.answer(views.stale_button(t), show_alert=True)
            return
        listed = await bodies.bodies_of_user(uow, await context.viewer(uow))
    await _show_settings(update, context, listed)


# -- the linked group ---------------------------------------------------------------------------

def _joined(change: ChatMemberUpdated) -> bool | None:
    """True when the bot was added, False when it left or was removed, None otherwise."""
    present = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.RESTRICTED}
    was = change.old_chat_member.status in present
    now = change.new_chat_member.status in present
    return None if was == now else now


async def on_my_chat_member(update: Update, context: HamkariContext) -> None:
    change = update.my_chat_member
    if change.chat.type not in {change.chat.GROUP, change.chat.SUPERGROUP}:
        return
    joined = _joined(change)
    if joined is False:
        async with context.uow() as uow:
            await bodies.unlink_group(uow, change.chat.id, _now())
        return
    if not joined or context.user is None:
        return
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        linkable = await bodies.administered_bodies(uow, viewer)
        if len(linkable) == 1:
            body = await bodies.link_group(uow, viewer, linkable[0].id, change.chat.id, _now())
    t = context.t
    if not linkable:
        text, markup = t.gettext("Hello! Only an admin of a coordination body can link this "
                                 "group to its body, by adding me here."), None
    elif len(linkable) == 1:
        text, markup = bv.group_linked(t, body), None
    else:
        text, markup = bv.group_choose_body(t, linkable)
    await context.bot.send_message(change.chat.id, text, reply_markup=markup)


async def on_group_choice(update: Update, context: HamkariContext) -> None:
    query, t = update.callback_query, context.t
    body_id = int(query.data.split(":")[1])
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            body = await bodies.link_group(uow, viewer, body_id, query.message.chat.id, _now())
        except (NotAllowed, NotFound):
            await query.answer(t.gettext("Only an admin of that body can link this group."),
                               show_alert=True)
            return
    await query.answer()
    await views.edit_message(query, bv.group_linked(t, body))


async def on_group_start(update: Update, context: HamkariContext) -> None:
    """/start body<id> in a group: sent by Telegram when an admin used the 'add to group' link."""
    argument = context.args[0] if context.args else ""
    if not argument.startswith("body") or not argument[4:].isdigit() or context.user is None:
        return
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            body = await bodies.link_group(uow, viewer, int(argument[4:]),
                                           update.effective_chat.id, _now())
        except (NotAllowed, NotFound):
            return
    await update.effective_message.reply_text(bv.group_linked(context.t, body))


async def on_group_migrated(update: Update, context: HamkariContext) -> None:
    message = update.effective_message
    if message.migrate_to_chat_id:  # sent in the old group; the new one gets migrate_from
        async with context.uow() as uow:
            await bodies.group_moved(uow, message.chat.id, message.migrate_to_chat_id)


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    return [
        CommandHandler("bodies", bodies_command, filters=private),
        CommandHandler("newbody", new_body_command, filters=private),
        CommandHandler("settings", settings_command, filters=private),
        CommandHandler("start", on_group_start,
                       filters=groups & filters.Regex(r"^/start(@\w+)? body\d+$")),
        CallbackQueryHandler(on_body_button, pattern=rf"^{bv.BODY_PREFIX}:\d+(:|$)"),
        CallbackQueryHandler(on_ask_answer, pattern=rf"^{bv.ASK_PREFIX}:\d+:\d+:(ok|no)$"),
        CallbackQueryHandler(on_new_body_button, pattern=rf"^{bv.NEW_BODY_PREFIX}:\w+:\w+$"),
        CallbackQueryHandler(on_mute_button, pattern=rf"^{bv.MUTE_PREFIX}:\d+:[01]$"),
        CallbackQueryHandler(on_settings_button, pattern=rf"^{bv.SETTINGS_PREFIX}:\d+:[01]$"),
        CallbackQueryHandler(on_zone_button, pattern=r"^tz:(menu|-|[A-Za-z_]+(/[A-Za-z_]+)?)$"),
        CallbackQueryHandler(on_group_choice, pattern=rf"^{bv.GROUP_PREFIX}:\d+$"),
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE & groups, on_group_migrated),
    ]
