"""Texts and keyboards for coordination bodies, memberships, mutes and announcements."""

from __future__ import annotations

from collections.abc import Collection

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.announcements import CAPTION_TEXT_MAX, TEXT_MAX, Audience, Recipients, Report
from bot.domain.bodies import Overview
from bot.domain.entities import CoordinationBody, MembershipAsk, Organisation, User
from bot.domain.reference import Reference
from bot.i18n import N_, Translator
from bot.i18n.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.i18n.text import isolate
from bot.tg.registry_views import CHECK, STATUS_LABELS, button, button_rows

BODY_PREFIX = "bd"  # bd:<body>[:<action>[:<arg>[:yes]]]
ASK_PREFIX = "bma"  # bma:<body>:<organisation>:ok|no, on join requests and invitations
MUTE_PREFIX = "mute"  # mute:<body>:1|0, under each announcement
SETTINGS_PREFIX = "stg"  # stg:<body>:1|0, in /settings
GROUP_PREFIX = "grp"  # grp:<body>, in a group the bot was just added to


ZONE_LABELS = {"Asia/Kabul": N_("Kabul time"), "Asia/Dushanbe": N_("Dushanbe time")}


def zone_label(t: Translator, zone: str) -> str:
    """A body's zone by its city; other zones (a user's own) by theirs."""
    return t.gettext(ZONE_LABELS[zone]) if zone in ZONE_LABELS else zone.split("/")[-1]


def body_name(t: Translator, body: CoordinationBody) -> str:
    return isolate(body.name_in(t.locale))


def body_list(t: Translator, ref: Reference, overviews: list[Overview]
              ) -> tuple[str, InlineKeyboardMarkup | None]:
    if not overviews:
        return t.gettext("There are no coordination bodies yet."), None
    title = t.gettext("Coordination bodies")
    lines = [f"<b>{title}</b>", ""]
    rows = []
    for item in overviews:
        count = t.ngettext("{count} member", "{count} members", item.member_count).format(
            count=item.member_count)
        country = ref.country(item.body.country).name(t.locale)
        lines.append(f"• {body_name(t, item.body)} ({isolate(country)}, {count})")
        rows.append([button(item.body.name_in(t.locale)[:60], f"{BODY_PREFIX}:{item.body.id}")])
    lines += ["", t.gettext("Choose one to see it, to ask to join or to manage it.")]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def body_card(t: Translator, ref: Reference, body: CoordinationBody, member_count: int,
              relations: list[tuple[Organisation, bool, MembershipAsk | None]],
              muted: bool | None, manages: bool, announces: bool, platform_admin: bool
              ) -> tuple[str, InlineKeyboardMarkup]:
    """``muted`` is None when the user receives nothing from this body."""
    bid = body.id
    lines = [f"<b>{body_name(t, body)}</b>",
             t.gettext("Country: {country}").format(
                 country=isolate(ref.country(body.country).name(t.locale)))]
    if body.region:
        lines.append(t.gettext("Region: {region}").format(region=isolate(body.region)))
    lines.append(t.ngettext("{count} member organisation", "{count} member organisations",
                            member_count).format(count=member_count))
    if body.description:
        lines += ["", isolate(body.description)]
    if manages:
        lines += ["", t.gettext("A Telegram group is linked.") if body.group_chat_id
                  else t.gettext("No Telegram group is linked.")]
    rows: list[list[InlineKeyboardButton]] = []
    for organisation, member, ask in relations:
        name = organisation.profile.name[:40]
        if member:
            lines.append(t.gettext("{name} is a member.").format(name=isolate(organisation.profile.name)))
            rows.append([button(t.gettext("Leave: {name}").format(name=name),
                                f"{BODY_PREFIX}:{bid}:leave:{organisation.id}")])
        elif ask is MembershipAsk.REQUEST:
            lines.append(t.gettext("{name} asked to join; the admins will answer.").format(
                name=isolate(organisation.profile.name)))
        elif ask is MembershipAsk.INVITATION:
            rows.append([button(t.gettext("Accept the invitation: {name}").format(name=name),
                                f"{ASK_PREFIX}:{bid}:{organisation.id}:ok")])
        elif not organisation.status.closed:
            rows.append([button(t.gettext("Ask to join: {name}").format(name=name),
                                f"{BODY_PREFIX}:{bid}:join:{organisation.id}")])
    if announces:
        rows.append([button(t.gettext("Send an announcement"), f"{BODY_PREFIX}:{bid}:announce")])
    if manages:
        rows.append([button(t.gettext("Members"), f"{BODY_PREFIX}:{bid}:members"),
                     button(t.gettext("Requests"), f"{BODY_PREFIX}:{bid}:asks")])
        rows.append([button(t.gettext("Invite an organisation"), f"{BODY_PREFIX}:{bid}:invite")])
    if announces:
        rows.append([button(t.gettext("Link a Telegram group"), f"{BODY_PREFIX}:{bid}:group")])
    if platform_admin:
        rows.append([button(t.gettext("Admins"), f"{BODY_PREFIX}:{bid}:admins")])
    if muted is not None:
        rows.append([mute_button(t, muted, f"{BODY_PREFIX}:{bid}:{'unmute' if muted else 'mute'}")])
    rows.append([button(t.gettext("« All bodies"), f"{BODY_PREFIX}:0:list")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def mute_button(t: Translator, muted: bool, data: str) -> InlineKeyboardButton:
    return button(t.gettext("🔔 Unmute announcements") if muted
                  else t.gettext("🔕 Mute announcements"), data)


def message_mute_keyboard(t: Translator, body_id: int, muted: bool) -> InlineKeyboardMarkup:
    """Under each announcement: mute (or unmute) its body without leaving the chat."""
    return InlineKeyboardMarkup([[mute_button(t, muted, f"{MUTE_PREFIX}:{body_id}:{0 if muted else 1}")]])


def back_to_body(t: Translator, body_id: int) -> list[InlineKeyboardButton]:
    return [button(t.gettext("« Back"), f"{BODY_PREFIX}:{body_id}")]


def status_label(t: Translator, organisation: Organisation) -> str:
    return t.gettext(STATUS_LABELS[organisation.status])


def member_list(t: Translator, body: CoordinationBody, members: list[Organisation]
                ) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.gettext("Members of {body}:").format(body=body_name(t, body))]
    rows = []
    for organisation in members:
        lines.append(f"• {isolate(organisation.profile.name)}: {status_label(t, organisation)}")
        rows.append([button(t.gettext("Remove {name}").format(name=organisation.profile.name[:40]),
                            f"{BODY_PREFIX}:{body.id}:rm:{organisation.id}")])
    if not members:
        lines.append(t.gettext("No members yet."))
    rows.append(back_to_body(t, body.id))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def ask_list(t: Translator, body: CoordinationBody, asks: list[tuple[Organisation, MembershipAsk]]
             ) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.gettext("Open requests and invitations of {body}:").format(body=body_name(t, body))]
    rows = []
    for organisation, kind in asks:
        name = isolate(organisation.profile.name)
        if kind is MembershipAsk.REQUEST:
            lines.append("• " + t.gettext("{name} asks to join ({status}).").format(
                name=name, status=status_label(t, organisation)))
            rows.append([button(t.gettext("Approve {name}").format(name=organisation.profile.name[:30]),
                                f"{ASK_PREFIX}:{body.id}:{organisation.id}:ok"),
                         button(t.gettext("Decline"), f"{ASK_PREFIX}:{body.id}:{organisation.id}:no")])
        else:
            lines.append("• " + t.gettext("{name} was invited and has not answered yet.").format(
                name=name))
    if not asks:
        lines.append(t.gettext("Nothing is waiting."))
    rows.append(back_to_body(t, body.id))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def confirm_removal(t: Translator, body: CoordinationBody, organisation: Organisation, action: str
                    ) -> tuple[str, InlineKeyboardMarkup]:
    name = isolate(organisation.profile.name)
    text = (t.gettext("Take {name} out of {body}? It will no longer receive the body's "
                      "announcements.") if action == "leave"
            else t.gettext("Remove {name} from {body}? Its owners will be told.")).format(
        name=name, body=body_name(t, body))
    return text, InlineKeyboardMarkup([[
        button(t.gettext("Yes"), f"{BODY_PREFIX}:{body.id}:{action}:{organisation.id}:yes"),
        button(t.gettext("No"), f"{BODY_PREFIX}:{body.id}")]])


def join_request_notice(t: Translator, body: CoordinationBody, organisation: Organisation
                        ) -> tuple[str, InlineKeyboardMarkup]:
    status = status_label(t, organisation)
    text = t.gettext("{name} ({status}) asks to join {body}.").format(
        name=isolate(organisation.profile.name), status=status, body=body_name(t, body))
    return text, InlineKeyboardMarkup([[
        button(t.gettext("Approve"), f"{ASK_PREFIX}:{body.id}:{organisation.id}:ok"),
        button(t.gettext("Decline"), f"{ASK_PREFIX}:{body.id}:{organisation.id}:no")]])


def invitation_notice(t: Translator, body: CoordinationBody, organisation: Organisation
                      ) -> tuple[str, InlineKeyboardMarkup]:
    text = t.gettext("{body} invites {name} to become a member. Members receive the body's "
                     "announcements, meeting invitations and polls.").format(
        body=body_name(t, body), name=isolate(organisation.profile.name))
    return text, InlineKeyboardMarkup([[
        button(t.gettext("Accept"), f"{ASK_PREFIX}:{body.id}:{organisation.id}:ok"),
        button(t.gettext("Decline"), f"{ASK_PREFIX}:{body.id}:{organisation.id}:no")]])


def membership_outcome(t: Translator, body: CoordinationBody, organisation: Organisation,
                       outcome: str) -> str:
    """What both sides are told: accepted, declined (a request or an invitation), removed, left."""
    texts = {
        "accepted": t.gettext("{name} is now a member of {body}."),
        "declined": t.gettext("The request of {name} to join {body} was declined."),
        "declined_invitation": t.gettext("{name} declined the invitation to join {body}."),
        "removed": t.gettext("{name} was removed from {body}."),
        "left": t.gettext("{name} has left {body}."),
    }
    return texts[outcome].format(name=isolate(organisation.profile.name), body=body_name(t, body))


def invite_prompt(t: Translator, body: CoordinationBody) -> str:
    return t.gettext("Which organisation do you want to invite to {body}? Write part of its "
                     "name, in any script. Send /cancel to stop.").format(body=body_name(t, body))


def invite_choices(t: Translator, body: CoordinationBody, found: list[Organisation]
                   ) -> tuple[str, InlineKeyboardMarkup | None]:
    if not found:
        return t.gettext("No organisation matches that name. Try another part of the name, or "
                         "send /cancel."), None
    rows = [[button(f"{o.profile.name[:50]}", f"{BODY_PREFIX}:{body.id}:inv:{o.id}")]
            for o in found]
    rows.append(back_to_body(t, body.id))
    return t.gettext("Choose the organisation to invite:"), InlineKeyboardMarkup(rows)


def admins_view(t: Translator, body: CoordinationBody, admins: list[User],
                candidates: list[tuple[User, Organisation]]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.gettext("Admins of {body}:").format(body=body_name(t, body))]
    rows = []
    current = {user.id for user in admins}
    for user in admins:
        name = user.display_name or f"#{user.id}"
        lines.append(f"• {isolate(name)}")
        rows.append([button(t.gettext("Dismiss {name}").format(name=name[:30]),
                            f"{BODY_PREFIX}:{body.id}:dis:{user.id}")])
    if not admins:
        lines.append(t.gettext("No admins yet."))
    lines += ["", t.gettext("Admins are chosen among the people of member organisations:")]
    for user, organisation in candidates:
        if user.id not in current:
            label = f"{(user.display_name or f'#{user.id}')[:25]} ({organisation.profile.name[:25]})"
            rows.append([button(t.gettext("Appoint {name}").format(name=label),
                                f"{BODY_PREFIX}:{body.id}:adm:{user.id}")])
    rows.append(back_to_body(t, body.id))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def group_help(t: Translator, body: CoordinationBody, bot_username: str
               ) -> tuple[str, InlineKeyboardMarkup]:
    text = t.gettext("To link the Telegram group of {body}, add me to the group yourself: press "
                     "the button below and choose the group. Announcements will then also be "
                     "posted there. Removing me from the group unlinks it.").format(
        body=body_name(t, body))
    url = f"https://t.me/{bot_username}?startgroup=body{body.id}"
    return text, InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext("Add me to a group"), url=url)],
                                       back_to_body(t, body.id)])


def group_choose_body(t: Translator, bodies: list[CoordinationBody]) -> tuple[str, InlineKeyboardMarkup]:
    return (t.gettext("Which coordination body is this group for?"),
            InlineKeyboardMarkup([[button(b.name_in(t.locale)[:60], f"{GROUP_PREFIX}:{b.id}")]
                                  for b in bodies]))


def group_linked(t: Translator, body: CoordinationBody) -> str:
    return t.gettext("This group is now linked to {body}: its announcements will be posted "
                     "here.").format(body=body_name(t, body))


def settings_view(t: Translator, bodies: list[tuple[CoordinationBody, bool]], zone: str
                  ) -> tuple[str, InlineKeyboardMarkup]:
    """``zone``: the user's time zone, already worded."""
    title = t.gettext("Settings")
    lines = [f"<b>{title}</b>", "",
             t.gettext("Language: {language}").format(language=LANGUAGE_NAMES[t.locale]),
             t.gettext("Time zone: {zone}").format(zone=zone)]
    rows = [[button(("✅ " if locale == t.locale else "") + LANGUAGE_NAMES[locale], f"lang:{locale}")
             for locale in SUPPORTED_LOCALES],
            [button(t.gettext("Change the time zone"), "tz:menu")]]
    if bodies:
        lines += ["", t.gettext("Announcements from coordination bodies (muting one never "
                                "silences the others, or reminders):")]
        for body, muted in bodies:
            state = t.gettext("muted") if muted else t.gettext("on")
            lines.append(f"• {body_name(t, body)}: {state}")
            rows.append([button(
                (t.gettext("Unmute {body}") if muted else t.gettext("Mute {body}")).format(
                    body=body.name_in(t.locale)[:40]),
                f"{SETTINGS_PREFIX}:{body.id}:{0 if muted else 1}")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def muted_notice(t: Translator, body: CoordinationBody, muted: bool) -> str:
    return (t.gettext("Muted: you will not receive announcements from {body}. Other bodies and "
                      "reminders are not affected. Unmute in /settings.") if muted
            else t.gettext("Unmuted: you will receive announcements from {body} again.")).format(
        body=body_name(t, body))


# -- new body -----------------------------------------------------------------------------------

NEW_BODY_PREFIX = "nb"


def new_body_step(t: Translator, ref: Reference, step: str, data: dict
                  ) -> tuple[str, InlineKeyboardMarkup | None]:
    skip = [button(t.gettext("Skip"), f"{NEW_BODY_PREFIX}:{step}:skip")]
    if step == "name":
        return t.gettext("New coordination body. What is its name? Write it in the language "
                         "most members use (2 to 150 characters). Send /cancel to stop."), None
    if step.startswith("name_"):
        locale = step.removeprefix("name_")
        return t.gettext("Its name in {language}, if it has one:").format(
            language=LANGUAGE_NAMES[locale]), InlineKeyboardMarkup([skip])
    if step == "country":
        return t.gettext("In which country does it work?"), InlineKeyboardMarkup([[
            button(c.name(t.locale), f"{NEW_BODY_PREFIX}:country:{c.code}")
            for c in ref.countries]])
    if step == "region":
        return t.gettext("Its province or region, e.g. Balkh or Sughd (up to 100 characters):"), \
            InlineKeyboardMarkup([skip])
    if step == "description":
        return t.gettext("A short description: who it brings together and why (up to 500 "
                         "characters):"), InlineKeyboardMarkup([skip])
    names = "\n".join(f"• {LANGUAGE_NAMES[locale]}: {isolate(name)}"
                      for locale, name in data.get("names", {}).items())
    lines = [t.gettext("Create this coordination body?"), "",
             f"<b>{isolate(data['name'])}</b>"]
    if names:
        lines.append(names)
    lines.append(t.gettext("Country: {country}").format(
        country=isolate(ref.country(data["country"]).name(t.locale))))
    if data.get("region"):
        lines.append(t.gettext("Region: {region}").format(region=isolate(data["region"])))
    if data.get("description"):
        lines += ["", isolate(data["description"])]
    return "\n".join(lines), InlineKeyboardMarkup([[
        button(t.gettext("Create"), f"{NEW_BODY_PREFIX}:confirm:save"),
        button(t.gettext("Cancel"), f"{NEW_BODY_PREFIX}:confirm:cancel")]])


def body_created(t: Translator, body: CoordinationBody) -> tuple[str, InlineKeyboardMarkup]:
    return (t.gettext("Created: {body}. Next, invite its member organisations and appoint its "
                      "admins from its card.").format(body=body_name(t, body)),
            InlineKeyboardMarkup([[button(t.gettext("Open its card"), f"{BODY_PREFIX}:{body.id}")]]))


# -- announcements --------------------------------------------------------------------------------

ANNOUNCE_PREFIX = "an"  # an:<nonce>:<action>[:<arg>]


def announcement_payload_text(t: Translator, body: CoordinationBody, text: str) -> str:
    header = t.gettext("📢 Announcement from {body}").format(body=body_name(t, body))
    return f"<b>{header}</b>\n\n{isolate(text)}"


def choose_body_to_announce(t: Translator, nonce: str, bodies: list[CoordinationBody]
                            ) -> tuple[str, InlineKeyboardMarkup]:
    return (t.gettext("Which body is the announcement from?"),
            InlineKeyboardMarkup([[button(b.name_in(t.locale)[:60], f"{ANNOUNCE_PREFIX}:{nonce}:body:{b.id}")]
                                  for b in bodies]))


def write_text_prompt(t: Translator, body: CoordinationBody, locale: str | None) -> str:
    if locale is None:
        return t.gettext("Write the announcement of {body} (up to {maximum} characters; "
                         "{caption} if you attach a document). You can add versions in other "
                         "languages next. Send /cancel to stop.").format(
            body=body_name(t, body), maximum=TEXT_MAX, caption=CAPTION_TEXT_MAX)
    return t.gettext("Write the version in {language}. Members who use the bot in {language} "
                     "will receive it instead of the first one.").format(
        language=LANGUAGE_NAMES[locale])


def document_prompt(t: Translator) -> str:
    return t.gettext("Send the document as a file (PDF, Word, Excel...). The announcement's text "
                     "becomes its caption.")


def audience_label(t: Translator, ref: Reference, audience: Audience) -> str:
    if audience.everyone:
        return t.gettext("all members")
    parts = []
    if audience.sectors:
        parts.append(t.gettext("sectors: {sectors}").format(sectors=isolate(", ".join(
            ref.sector(code).name(t.locale) for code in audience.sectors))))
    if audience.provinces:
        parts.append(t.gettext("provinces: {provinces}").format(provinces=isolate(", ".join(
            ref.place(code).name(t.locale) for code in audience.provinces))))
    return t.gettext("members working in {filters}").format(filters="; ".join(parts))


def composer(t: Translator, ref: Reference, nonce: str, body: CoordinationBody, data: dict,
             plan: Recipients) -> tuple[str, InlineKeyboardMarkup]:
    """The draft so far, what it will reach, and what can still be changed; Send is here."""
    versions: dict[str, str] = data["versions"]
    audience = Audience.from_dict(data)
    preview = announcement_payload_text(t, body, versions.get(t.locale) or versions["*"])
    lines = [t.gettext("Preview:"), "", preview, "", "—"]
    languages = [LANGUAGE_NAMES[loc] for loc in SUPPORTED_LOCALES if loc in versions]
    if languages:
        lines.append(t.gettext("Versions in: {languages}; everyone else receives the first "
                               "one.").format(languages=", ".join(languages)))
    if data.get("document"):
        lines.append(t.gettext("Document: {name}").format(name=isolate(data["document"]["file_name"])))
    lines.append(t.gettext("Audience: {audience}").format(audience=audience_label(t, ref, audience)))
    lines.append(recipients_line(t, plan))
    a = f"{ANNOUNCE_PREFIX}:{nonce}"
    rows = [
        [button(t.gettext("Add a language version"), f"{a}:versions")],
        [button(t.gettext("Remove the document") if data.get("document")
                else t.gettext("Attach a document"), f"{a}:{'nodoc' if data.get('document') else 'doc'}")],
        [button(t.gettext("Filter by sector"), f"{a}:sectors"),
         button(t.gettext("Filter by province"), f"{a}:provinces")],
    ]
    if not audience.everyone:
        rows.append([button(t.gettext("Send to all members"), f"{a}:all")])
    rows.append([button(t.ngettext("Send to {count} recipient", "Send to {count} recipients",
                                   plan.count).format(count=plan.count), f"{a}:send")]
                if plan.count else [])
    rows.append([button(t.gettext("Cancel"), f"{a}:cancel")])
    return "\n".join(lines), InlineKeyboardMarkup([row for row in rows if row])


def recipients_line(t: Translator, plan: Recipients) -> str:
    lines = [t.ngettext("It will reach {count} person", "It will reach {count} people",
                        len(plan.users)).format(count=len(plan.users))]
    if plan.group_chat_id:
        lines.append(t.gettext("and the linked Telegram group"))
    text = " ".join(lines) + "."
    extra = []
    if plan.muted:
        extra.append(t.ngettext("{count} person muted this body", "{count} people muted this body",
                                plan.muted).format(count=plan.muted))
    if plan.unreachable:
        extra.append(t.ngettext("{count} person has blocked the bot",
                                "{count} people have blocked the bot",
                                plan.unreachable).format(count=plan.unreachable))
    if plan.organisations_without_users:
        extra.append(t.ngettext("{count} organisation has nobody using the bot",
                                "{count} organisations have nobody using the bot",
                                plan.organisations_without_users).format(
            count=plan.organisations_without_users))
    if extra:
        text += "\n" + t.gettext("Not reached: {reasons}.").format(reasons="; ".join(extra))
    if not plan.count:
        text += "\n" + t.gettext("Nobody can receive it with this audience: change the filters.")
    return text


def versions_menu(t: Translator, nonce: str, versions: Collection[str],
                  prefix: str = ANNOUNCE_PREFIX) -> tuple[str, InlineKeyboardMarkup]:
    """Announcements and polls: a version per language."""
    rows = [[button(("✅ " if loc in versions else "") + LANGUAGE_NAMES[loc],
                    f"{prefix}:{nonce}:version:{loc}")] for loc in SUPPORTED_LOCALES]
    rows.append([button(t.gettext("« Back"), f"{prefix}:{nonce}:menu")])
    return t.gettext("For which language do you want to write a version? Writing one again "
                     "replaces it."), InlineKeyboardMarkup(rows)


def filter_picker(t: Translator, ref: Reference, nonce: str, kind: str, country: str,
                  chosen: list[str], prefix: str = ANNOUNCE_PREFIX
                  ) -> tuple[str, InlineKeyboardMarkup]:
    """Sectors or provinces to narrow an audience (announcements, meetings)."""
    options = ref.sectors if kind == "sectors" else ref.places_in(country)
    rows = button_rows([button((CHECK if o.code in chosen else "") + o.name(t.locale),
                               f"{prefix}:{nonce}:{kind[:3]}:{o.code}") for o in options],
                       2 if kind == "sectors" else 3)
    rows.append([button(t.gettext("Done"), f"{prefix}:{nonce}:menu")])
    text = (t.gettext("Send only to members working in any of these sectors:") if kind == "sectors"
            else t.gettext("Send only to members working in any of these provinces:"))
    return text + "\n" + t.gettext("Choose none to send to all."), InlineKeyboardMarkup(rows)


def progress(t: Translator, body: CoordinationBody, report: Report) -> str:
    done = report.total - report.waiting
    head = (t.gettext("Announcement of {body}: finished.") if report.finished
            else t.gettext("Announcement of {body}: sending, {done} of {total}.")).format(
        body=body_name(t, body), done=done, total=report.total)
    lines = [f"<b>{head}</b>",
             t.gettext("Delivered: {count}").format(count=report.delivered),
             t.gettext("Failed: {count}").format(count=report.failed),
             t.gettext("Unreachable (blocked the bot or never started it): {count}").format(
                 count=report.unreachable),
             t.gettext("Muted: {count}").format(count=report.muted)]
    if not report.finished:
        lines.append(t.gettext("Waiting: {count}").format(count=report.waiting))
    return "\n".join(lines)


def announce_not_allowed(t: Translator) -> str:
    return t.gettext("Only the admins of a coordination body can send announcements. See the "
                     "bodies with /bodies.")
