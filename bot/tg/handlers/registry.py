"""/register, /myorg, verification, staff invitations and projects.

Conversations are Drafts in the database (see bot/domain/registration.py), so a registration
survives a restart and an old button can never write into the wrong step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.domain import organisations as orgs
from bot.domain import registration as reg
from bot.domain.entities import Draft, Organisation, Role, Visibility
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.permissions import can_view
from bot.domain.projects import add_project, projects_of
from bot.domain.reference import load_reference
from bot.i18n import N_
from bot.i18n.dates import InvalidDate, parse_date
from bot.tg import registry_views as rv
from bot.tg import views
from bot.tg.context import HamkariContext
from bot.tg.handlers.fallback import plain_text
from bot.tg.notify import notify

REJECT_FLOW = "reject"


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    return _now().date()


# -- rendering a conversation step --------------------------------------------------------------

BUTTON_PREFIX = {reg.FLOW: "reg", reg.EDIT_FLOW: "edt", reg.PROJECT_FLOW: "prj"}


def _prefix(draft: Draft) -> str:
    return BUTTON_PREFIX[draft.flow]


async def _render_step(context: HamkariContext, draft: Draft, similar: list[Organisation]
                       ) -> tuple[str, InlineKeyboardMarkup | None]:
    t, ref = context.t, load_reference()
    if draft.flow == reg.FLOW and draft.step == "confirm":
        text = rv.summary(t, ref, reg.profile_of(draft), draft.data.get("visibility", "network"))
        if similar:
            text += "\n\n" + rv.similar_warning(t, similar)
        return text, rv.confirm_keyboard(t, similar)
    if draft.flow == reg.PROJECT_FLOW and draft.step == "confirm":
        text = (t.gettext("Please check the project:") + "\n\n"
                + rv.project_lines(t, ref, reg.project_of(draft)))
        markup = InlineKeyboardMarkup([[rv.button(t.gettext("« Back"), "prj:confirm:back"),
                                        rv.button(t.gettext("Save"), "prj:confirm:save")]])
        return text, markup
    optional = draft.step in reg.optional_in(draft.flow)
    return rv.step_message(t, ref, draft.flow, draft.step, draft.data, optional,
                           editing=draft.flow == reg.EDIT_FLOW, prefix=_prefix(draft))


async def _similar(context: HamkariContext, uow, draft: Draft) -> list[Organisation]:
    if draft.flow != reg.FLOW or draft.step != "confirm":
        return []
    viewer = await context.viewer(uow)
    return await reg.similar_to(uow, reg.profile_of(draft), lambda org: can_view(viewer, org))


# -- /register ----------------------------------------------------------------------------------

async def register(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        draft, resumed = await reg.begin(uow, context.user.id)
        if draft.flow != reg.FLOW:
            resumed = False
        similar = await _similar(context, uow, draft)
    text, markup = await _render_step(context, draft, similar)
    if resumed:
        text = context.t.gettext("You have an unfinished registration: let us continue where "
                                 "you stopped.") + "\n\n" + text
    else:
        text = context.t.gettext("Let us register your organisation. It takes a few minutes; "
                                 "you can leave with /cancel and come back with /register.") \
            + "\n\n" + text
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_step_button(update: Update, context: HamkariContext) -> None:
    """Buttons of any conversation step: reg:/edt:/prj: <step>:<action>[:<code>]."""
    query = update.callback_query
    parts = query.data.split(":")
    step, action, code = [*parts[1:], "", "", ""][:3]
    ref = load_reference()
    async with context.uow() as uow:
        draft = await uow.drafts.get(context.user.id)
        if draft is None or BUTTON_PREFIX.get(draft.flow) != parts[0]:
            await query.answer(views.stale_button(context.t), show_alert=True)
            return
        try:
            if action == "set":
                reg.choose(draft, step, code, ref)
            elif action == "tog":
                reg.toggle(draft, step, code, ref)
            elif action == "done":
                reg.finish_choices(draft, step)
            elif action == "skip":
                reg.skip(draft, step)
            elif action == "back":
                reg.back(draft, step)
            elif action == "save" and step == "confirm":
                await _save(update, context, uow, draft)
                return
            elif action == "join" and step == "confirm" and draft.flow == reg.FLOW:
                await _ask_to_join(update, context, uow, draft, int(code))
                return
            else:
                raise StaleAction()
        except StaleAction:
            await query.answer(views.stale_button(context.t), show_alert=True)
            return
        except InvalidValue as error:
            await query.answer(rv.invalid_value(context.t, error), show_alert=True)
            return
        if await _finish_edit_if_done(update, context, uow, draft):
            return
        await uow.drafts.put(draft)
        similar = await _similar(context, uow, draft)
    await query.answer()
    text, markup = await _render_step(context, draft, similar)
    await views.edit_message(query, text, markup)


async def on_text(update: Update, context: HamkariContext) -> None:
    """Typed answers to whichever conversation the user is in; otherwise a hint."""
    if context.user is None:
        return
    text = update.effective_message.text or ""
    async with context.uow() as uow:
        draft = await uow.drafts.get(context.user.id)
        if draft is None:
            pass
        elif draft.flow == REJECT_FLOW:
            await _finish_rejection(update, context, uow, draft, text)
            return
        else:
            try:
                if draft.step in reg.DATE_STEPS:
                    try:
                        parsed = parse_date(text)
                    except InvalidDate:
                        raise InvalidValue(draft.step, "bad_date") from None
                    reg.answer_date(draft, draft.step, parsed)
                elif draft.step in reg.TEXT_STEPS:
                    reg.answer_text(draft, draft.step, text, _today())
                else:
                    await update.effective_message.reply_text(rv.use_the_buttons(context.t))
                    return
            except InvalidValue as error:
                await update.effective_message.reply_text(rv.invalid_value(context.t, error))
                prompt, markup = await _render_step(context, draft, [])
                await update.effective_message.reply_text(prompt, reply_markup=markup)
                return
            finished = await _finish_edit_if_done(update, context, uow, draft)
            if finished:
                return
            await uow.drafts.put(draft)
            similar = await _similar(context, uow, draft)
    if draft is None:
        await plain_text(update, context)
        return
    prompt, markup = await _render_step(context, draft, similar)
    await update.effective_message.reply_text(prompt, reply_markup=markup)


async def _save(update: Update, context: HamkariContext, uow, draft: Draft) -> None:
    query = update.callback_query
    if draft.step != "confirm":
        raise StaleAction()
    if draft.flow == reg.PROJECT_FLOW:
        viewer = await context.viewer(uow)
        project, overlaps = await add_project(uow, viewer, reg.project_of(draft), _now())
        await uow.drafts.delete(context.user.id)
        text = context.t.gettext("Project saved.") + "\n\n" + rv.project_lines(
            context.t, load_reference(), project)
        if overlaps:
            text += "\n\n" + _overlap_text(context, overlaps)
        await query.answer()
        await views.edit_message(query, text, None)
        return
    organisation = await reg.confirm(uow, draft, _now())
    verifiers = await orgs.verifiers_of(uow, organisation.id, context.bot_data.admin_ids)
    await query.answer()
    await views.edit_message(query, context.t.gettext(
        "Thank you! {name} is registered and waits for verification. You will get a message "
        "when it is verified. See and edit it with /myorg.").format(
            name=rv.isolate(organisation.profile.name)), None)
    for verifier in verifiers:
        await notify(context, uow, update, verifier, "verify-request",
                      lambda t: _verification_request(t, organisation))


def _overlap_text(context: HamkariContext, overlaps) -> str:
    t = context.t
    lines = [t.ngettext(
        "Another organisation has an active project in the same sector and province. "
        "Consider contacting it to coordinate:",
        "Other organisations have active projects in the same sector and province. "
        "Consider contacting them to coordinate:", len(overlaps))]
    for organisation, project in overlaps[:10]:
        lines.append(f"• {rv.isolate(organisation.profile.name)}: {rv.isolate(project.title)}")
    return "\n".join(lines)


def _verification_request(t, organisation: Organisation):
    text = (t.gettext("A new organisation asks to be verified:") + "\n\n"
            + rv.organisation_card(t, load_reference(), organisation, show_contacts=True,
                                   show_status=False))
    markup = InlineKeyboardMarkup([[rv.button(t.gettext("Verify"), f"ver:{organisation.id}:ok"),
                                    rv.button(t.gettext("Reject"), f"ver:{organisation.id}:no")]])
    return text, markup


async def _ask_to_join(update: Update, context: HamkariContext, uow, draft: Draft,
                       organisation_id: int) -> None:
    query = update.callback_query
    request = await orgs.request_to_join(uow, context.user, organisation_id,
                                         context.bot_data.admin_ids)
    organisation = await uow.organisations.get(organisation_id)
    name = rv.isolate(organisation.profile.name)
    requester = rv.isolate(update.effective_user.full_name)
    await query.answer()
    if request.claim:
        told = context.t.gettext(
            "{name} has no owner in the bot yet. Your request to manage it was sent to the "
            "administrators. Your registration draft was closed.")
    else:
        told = context.t.gettext("Your request to join {name} was sent to its owner. Your "
                                 "registration draft was closed.")
    await views.edit_message(query, told.format(name=name), None)
    for decider in request.deciders:
        await notify(context, uow, update, decider, "join-request", lambda t: (
            (t.gettext("{person} asks to become the owner of {name}, which has no owner yet "
                       "(for example, it was imported).") if request.claim
             else t.gettext("{person} asks to join {name} as a member.")).format(
                person=requester, name=name),
            InlineKeyboardMarkup([[
                rv.button(t.gettext("Accept"), f"join:{organisation_id}:{context.user.id}:ok"),
                rv.button(t.gettext("Decline"), f"join:{organisation_id}:{context.user.id}:no"),
            ]])))


async def on_join_answer(update: Update, context: HamkariContext) -> None:
    query = update.callback_query
    _, organisation_id, user_id, answer = query.data.split(":")
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if answer == "ok":
                organisation, user, role = await orgs.accept_join_request(
                    uow, viewer, int(organisation_id), int(user_id), _now())
            else:
                organisation, _claim = await orgs.answerable_join(uow, viewer, int(organisation_id))
                user, role = await uow.users.get(int(user_id)), None
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(context.t), show_alert=True)
            return
        name = rv.isolate(organisation.profile.name)
        if role is Role.OWNER:
            done = context.t.gettext("Accepted: they are now the owner of {name}.")
            told = N_("You are now the owner of {name}. See and edit it with /myorg.")
        elif role is Role.MEMBER:
            done = context.t.gettext("Accepted: they are now a member of {name}.")
            told = N_("You are now a member of {name}. See it with /myorg.")
        else:
            done = context.t.gettext("Declined.")
            told = N_("Your request to join {name} was declined.")
        if user:
            await notify(context, uow, update, user, f"join-{answer}",
                          lambda t: (t.gettext(told).format(name=name), None))
    await query.answer()
    await views.edit_message(query, done.format(name=name), None)


# -- verification -------------------------------------------------------------------------------

async def on_verify_button(update: Update, context: HamkariContext) -> None:
    query = update.callback_query
    _, organisation_id, answer = query.data.split(":")
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if answer == "ok":
                decision = await orgs.verify(uow, viewer, int(organisation_id), _now())
            else:
                organisation = await orgs.check_can_verify(uow, viewer, int(organisation_id))
                await uow.drafts.put(Draft(user_id=context.user.id, flow=REJECT_FLOW,
                                           step="reason", data={"organisation_id": organisation.id}))
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(context.t), show_alert=True)
            return
        if answer == "ok":
            name = rv.isolate(decision.organisation.profile.name)
            for owner in decision.owners:
                await notify(context, uow, update, owner, "verified", lambda t: (t.gettext(
                    "Good news: {name} has been verified. It is now visible in the registry "
                    "according to its visibility setting.").format(name=name), None))
    await query.answer()
    if answer == "ok":
        await views.edit_message(query, context.t.gettext("Verified: {name}.").format(name=name), None)
    else:
        await query.message.reply_text(context.t.gettext(
            "Please write the reason for the rejection (2 to 300 characters). The organisation "
            "will see it. Send /cancel to keep it pending."))


async def _finish_rejection(update: Update, context: HamkariContext, uow, draft: Draft,
                            text: str) -> None:
    viewer = await context.viewer(uow)
    try:
        decision = await orgs.reject(uow, viewer, draft.data["organisation_id"], text, _now())
    except InvalidValue as error:
        await update.effective_message.reply_text(rv.invalid_value(context.t, error))
        return
    except (NotAllowed, NotFound, StaleAction):
        await uow.drafts.delete(context.user.id)
        await update.effective_message.reply_text(views.stale_button(context.t))
        return
    await uow.drafts.delete(context.user.id)
    name = rv.isolate(decision.organisation.profile.name)
    reason = rv.isolate(decision.organisation.rejection_reason)
    await update.effective_message.reply_text(
        context.t.gettext("Rejected: {name}. The owner has been told the reason.").format(name=name))
    for owner in decision.owners:
        await notify(context, uow, update, owner, "rejected", lambda t: (t.gettext(
            "{name} was not verified. Reason: {reason}\nYou can correct it with /myorg and send "
            "it for review again.").format(name=name, reason=reason), None))


async def pending(update: Update, context: HamkariContext) -> None:
    """/pending: what waits for verification, for platform administrators and body admins."""
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            waiting = await orgs.pending_review(uow, viewer)
        except NotAllowed:
            await update.effective_message.reply_text(views.unknown_command(context.t))
            return
    if not waiting:
        await update.effective_message.reply_text(
            context.t.gettext("No organisation is waiting for verification."))
        return
    for organisation in waiting[:20]:
        text, markup = _verification_request(context.t, organisation)
        await update.effective_message.reply_text(text, reply_markup=markup)


# -- /myorg -------------------------------------------------------------------------------------

def _card_keyboard(t, organisation: Organisation, role: Role) -> InlineKeyboardMarkup:
    oid = organisation.id
    rows = [[rv.button(t.gettext("Edit"), f"org:{oid}:edit"),
             rv.button(t.gettext("Projects"), f"org:{oid}:projects")],
            [rv.button(t.gettext("Staff"), f"org:{oid}:staff")]]
    if role is Role.OWNER:
        rows[1].append(rv.button(t.gettext("Visibility"), f"org:{oid}:vis"))
        if organisation.status.closed:
            rows.append([rv.button(t.gettext("Send for review again"), f"org:{oid}:resubmit")])
        else:
            rows.append([rv.button(t.gettext("Withdraw from the registry"), f"org:{oid}:withdraw")])
        rows.append([rv.button(t.gettext("Delete the organisation"), f"org:{oid}:delete")])
    return InlineKeyboardMarkup(rows)


async def myorg(update: Update, context: HamkariContext) -> None:
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        mine = await orgs.my_organisations(uow, viewer)
    if not mine:
        await update.effective_message.reply_text(context.t.gettext(
            "You are not part of a registered organisation yet. Register one with /register, or "
            "ask its owner for an invitation link."))
        return
    for organisation, role in mine:
        await update.effective_message.reply_text(
            rv.organisation_card(context.t, load_reference(), organisation, show_contacts=True,
                                 show_status=True),
            reply_markup=_card_keyboard(context.t, organisation, role))


async def on_org_button(update: Update, context: HamkariContext) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    organisation_id, action, arg = int(parts[1]), parts[2], (parts[3] if len(parts) > 3 else "")
    t = context.t
    now = _now()
    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    async with context.uow() as uow:
        viewer = await context.viewer(uow)
        try:
            if action == "card":
                organisation = await orgs.editable(uow, viewer, organisation_id)
                text = rv.organisation_card(t, load_reference(), organisation, True, True)
                markup = _card_keyboard(t, organisation, viewer.role_in(organisation_id))
            elif action == "edit":
                await orgs.editable(uow, viewer, organisation_id)
                labels = [(f, t.gettext(rv.FIELD_LABELS[f])) for f in reg.EDITABLE_FIELDS]
                text = t.gettext("Which field do you want to change?")
                fields = rv.button_rows([rv.button(label, f"org:{organisation_id}:field:{f}")
                                   for f, label in labels], 2)
                back = [rv.button(t.gettext("« Back"), f"org:{organisation_id}:card")]
                markup = InlineKeyboardMarkup([*fields, back])
            elif action == "field":
                organisation = await orgs.editable(uow, viewer, organisation_id)
                draft = reg.edit_draft(context.user.id, organisation_id, organisation.profile, arg)
                await uow.drafts.put(draft)
                text, markup = await _render_step(context, draft, [])
            elif action == "vis":
                organisation = await orgs.manageable(uow, viewer, organisation_id)
                if arg:
                    organisation = await orgs.set_visibility(uow, viewer, organisation_id,
                                                             Visibility(arg), now)
                text = (t.gettext(rv.PROMPTS["visibility"]) + "\n\n" + rv._line(
                    t, "visibility", t.gettext(rv.VISIBILITY_LABELS[organisation.visibility])))
                markup = InlineKeyboardMarkup(
                    [[rv.button((rv.CHECK if organisation.visibility is v else "") + t.gettext(label),
                                f"org:{organisation_id}:vis:{v.value}")
                      for v, label in rv.VISIBILITY_LABELS.items()],
                     [rv.button(t.gettext("« Back"), f"org:{organisation_id}:card")]])
            elif action in {"withdraw", "delete"} and arg != "yes":
                organisation = await orgs.manageable(uow, viewer, organisation_id)
                name = rv.isolate(organisation.profile.name)
                text = (t.gettext("Withdraw {name} from the registry? Nobody else will see it "
                                  "until you send it for review again.") if action == "withdraw"
                        else t.gettext("Delete {name} for good? Its profile, contacts, projects "
                                       "and staff list are erased. This cannot be undone."))
                text = text.format(name=name)
                markup = InlineKeyboardMarkup([[
                    rv.button(t.gettext("Yes"), f"org:{organisation_id}:{action}:yes"),
                    rv.button(t.gettext("No"), f"org:{organisation_id}:card")]])
            elif action == "withdraw":
                organisation = await orgs.withdraw(uow, viewer, organisation_id, now)
                text = t.gettext("{name} was withdrawn from the registry.").format(
                    name=rv.isolate(organisation.profile.name))
                markup = InlineKeyboardMarkup([[rv.button(t.gettext("« Back"),
                                                          f"org:{organisation_id}:card")]])
            elif action == "resubmit":
                organisation = await orgs.resubmit(uow, viewer, organisation_id, now)
                text = t.gettext("{name} was sent for verification again.").format(
                    name=rv.isolate(organisation.profile.name))
                for verifier in await orgs.verifiers_of(uow, organisation_id,
                                                        context.bot_data.admin_ids):
                    await notify(context, uow, update, verifier, "verify-request",
                                  lambda tt: _verification_request(tt, organisation))
            elif action == "delete":
                await orgs.delete(uow, viewer, organisation_id, now)
                text = t.gettext("The organisation was deleted.")
            elif action == "staff":
                text, markup = await _staff_view(context, uow, viewer, organisation_id)
            elif action == "invite":
                token = await orgs.invite(uow, viewer, organisation_id, now)
                link = f"https://t.me/{context.bot.username}?start={token}"
                text = t.gettext("Send this link to a colleague. It works once and expires in 7 "
                                 "days:\n{link}").format(link=link)
            elif action == "remove":
                await orgs.remove_staff(uow, viewer, organisation_id, int(arg), now)
                text, markup = await _staff_view(context, uow, viewer, organisation_id)
            elif action == "owner":
                await orgs.transfer_ownership(uow, viewer, organisation_id, int(arg), now)
                text, markup = await _staff_view(context, uow, viewer, organisation_id)
            elif action == "projects":
                organisation = await orgs.editable(uow, viewer, organisation_id)
                projects = await projects_of(uow, viewer, organisation_id)
                ref = load_reference()
                text = "\n\n".join([t.gettext("Projects of {name}:").format(
                    name=rv.isolate(organisation.profile.name))]
                    + [rv.project_lines(t, ref, p) for p in projects]
                    + ([] if projects else [t.gettext("No projects yet.")]))
                markup = InlineKeyboardMarkup([
                    [rv.button(t.gettext("Add a project"), f"org:{organisation_id}:addproject")],
                    [rv.button(t.gettext("« Back"), f"org:{organisation_id}:card")]])
            elif action == "addproject":
                organisation = await orgs.editable(uow, viewer, organisation_id)
                draft = reg.project_draft(context.user.id, organisation_id,
                                          organisation.profile.country)
                await uow.drafts.put(draft)
                text, markup = await _render_step(context, draft, [])
            else:
                raise StaleAction()
        except (NotAllowed, NotFound, StaleAction):
            await query.answer(views.stale_button(t), show_alert=True)
            return
    await query.answer()
    await views.edit_message(query, text, markup)


async def _staff_view(context: HamkariContext, uow, viewer, organisation_id: int):
    t = context.t
    staff = await orgs.staff_of(uow, viewer, organisation_id)
    is_owner = viewer.role_in(organisation_id) is Role.OWNER
    lines = [t.gettext("Staff:")]
    rows = []
    for member in staff:
        user = await uow.users.get(member.user_id)
        name = rv.isolate(user.display_name if user and user.display_name else f"#{member.user_id}")
        role = t.gettext("owner") if member.role is Role.OWNER else t.gettext("member")
        lines.append(f"• {name} ({role})")
        if is_owner and member.user_id != viewer.user_id:
            label = user.display_name[:20] if user and user.display_name else f"#{member.user_id}"
            rows.append([
                rv.button(t.gettext("Remove {name}").format(name=label),
                          f"org:{organisation_id}:remove:{member.user_id}"),
                rv.button(t.gettext("Make owner"), f"org:{organisation_id}:owner:{member.user_id}"),
            ])
    if is_owner:
        rows.append([rv.button(t.gettext("Invite a colleague"), f"org:{organisation_id}:invite")])
    rows.append([rv.button(t.gettext("« Back"), f"org:{organisation_id}:card")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _finish_edit_if_done(update: Update, context: HamkariContext, uow, draft: Draft) -> bool:
    """An edit whose step is done is saved at once and the card shown again."""
    if draft.flow != reg.EDIT_FLOW or draft.step not in {reg.DONE, reg.ABANDONED}:
        return False
    organisation_id = draft.data["organisation_id"]
    viewer = await context.viewer(uow)
    await uow.drafts.delete(context.user.id)
    if draft.step == reg.DONE:
        organisation = await orgs.update_profile(uow, viewer, organisation_id,
                                                 reg.profile_of(draft), _now())
        note = context.t.gettext("Saved.")
    else:
        organisation = await orgs.editable(uow, viewer, organisation_id)
        note = context.t.gettext("Nothing was changed.")
    text = note + "\n\n" + rv.organisation_card(context.t, load_reference(), organisation,
                                                True, True)
    markup = _card_keyboard(context.t, organisation, viewer.role_in(organisation_id))
    if update.callback_query:
        await update.callback_query.answer()
        await views.edit_message(update.callback_query, text, markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)
    return True


# -- invitations by deep link -------------------------------------------------------------------

async def start_with_invitation(update: Update, context: HamkariContext) -> None:
    token = context.args[0] if context.args else ""
    async with context.uow() as uow:
        try:
            organisation = await orgs.accept_invitation(uow, context.user, token, _now())
        except StaleAction:
            await update.effective_message.reply_text(context.t.gettext(
                "This invitation link was already used or has expired. Ask for a new one."))
            return
    await update.effective_message.reply_text(context.t.gettext(
        "Welcome! You are now a member of {name}. See it with /myorg.").format(
            name=rv.isolate(organisation.profile.name)))


def handlers() -> list[BaseHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start_with_invitation,
                       filters=private & filters.Regex(rf"^/start {orgs.INVITATION_PREFIX}")),
        CommandHandler("register", register, filters=private),
        CommandHandler("myorg", myorg, filters=private),
        CommandHandler("pending", pending, filters=private),
        CallbackQueryHandler(on_step_button, pattern=r"^(reg|edt|prj):"),
        CallbackQueryHandler(on_org_button, pattern=r"^org:\d+:"),
        CallbackQueryHandler(on_verify_button, pattern=r"^ver:\d+:(ok|no)$"),
        CallbackQueryHandler(on_join_answer, pattern=r"^join:\d+:\d+:(ok|no)$"),
    ]

