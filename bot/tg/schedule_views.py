"""Texts and keyboards for meetings, deadlines and /reminders (and the renderer of every
scheduled message, polls' included): every date in the reader's
calendar and digits, every time in the meeting's zone and, when it differs, in theirs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.announcements import Audience
from bot.domain.deadlines import Compliance, Deadline
from bot.domain.entities import CoordinationBody, Organisation, User
from bot.domain.meetings import Answer, Answers, Meeting
from bot.domain.polls import Poll, Results
from bot.domain.reference import Reference
from bot.domain.schedule import DEADLINE_OFFSETS, MEETING_OFFSETS, USER_ZONES, zone_of
from bot.i18n import N_, Catalogs, Translator
from bot.i18n.dates import (
    calendar_month,
    format_date,
    format_time,
    local_day_number,
    localise_digits,
    month_grid,
    month_title,
    shift_month,
    weekday_initials,
)
from bot.i18n.text import isolate, join_list
from bot.tg import poll_views
from bot.tg.body_views import audience_label, body_name, zone_label
from bot.tg.notify import payload
from bot.tg.registry_views import CHECK, button, button_rows

MEETING_PREFIX = "mt"  # mt:<nonce>:<action>[:<arg>]: scheduling, moving, minutes (a draft)
CARD_PREFIX = "mtc"  # mtc:<meeting>:<action>[:<arg>]: a meeting's card
BODY_MEETINGS_PREFIX = "mtb"  # mtb:<body>:up|past
RSVP_PREFIX = "rsvp"  # rsvp:<meeting>:going|maybe|no
ICS_PREFIX = "ics"  # ics:<meeting>
DEADLINE_PREFIX = "dl"  # dl:<nonce>:<action>[:<arg>]: setting a deadline (a draft)
DEADLINE_CARD_PREFIX = "dlc"  # dlc:<deadline>:<action>
SUBMIT_PREFIX = "dls"  # dls:<deadline>:<organisation>:1|0

ANSWER_LABELS = {Answer.GOING: N_("✅ Going"), Answer.MAYBE: N_("❔ Maybe"),
                 Answer.NO: N_("❌ Can't go")}
FREQUENCY_LABELS = {
    "none": N_("Does not repeat"),
    "weekly": N_("Every week"),
    "monthly_weekday": N_("Every month, same weekday"),
    "monthly_day": N_("Every month, same date"),
    "quarterly": N_("Every three months"),
    "half_yearly": N_("Every six months"),
    "yearly": N_("Every year"),
}
MEETING_FREQUENCIES = ("none", "weekly", "monthly_weekday", "monthly_day", "quarterly")
DEADLINE_FREQUENCIES = ("none", "monthly_day", "quarterly", "half_yearly", "yearly")
TIMES = ("08:00", "09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00")


def when(t: Translator, moment: datetime, zone: str, user_zone: str | None) -> str:
    """Date and time in the meeting's zone, and in the reader's own when their zone differs."""
    text = t.gettext("{date}, {time} ({zone})").format(
        date=format_date(moment.astimezone(ZoneInfo(zone)).date(), t.locale),
        time=format_time(moment, t.locale, zone), zone=zone_label(t, zone))
    if user_zone and user_zone != zone:
        text += "\n" + t.gettext("Your time: {date}, {time} ({zone})").format(
            date=format_date(moment.astimezone(ZoneInfo(user_zone)).date(), t.locale),
            time=format_time(moment, t.locale, user_zone), zone=zone_label(t, user_zone))
    return text


def offset_label(t: Translator, minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        if days == 7:
            return t.gettext("1 week before")
        return t.ngettext("{count} day before", "{count} days before", days).format(count=days)
    if minutes % 60 == 0:
        hours = minutes // 60
        return t.ngettext("{count} hour before", "{count} hours before", hours).format(count=hours)
    return t.ngettext("{count} minute before", "{count} minutes before", minutes).format(
        count=minutes)


def days_label(t: Translator, days: int) -> str:
    if days == 0:
        return t.gettext("On the day")
    return t.ngettext("{count} day before", "{count} days before", days).format(count=days)


def body_or_registry(t: Translator, body: CoordinationBody | None) -> str:
    return body_name(t, body) if body else t.gettext("the platform administrators")


# -- pickers ---------------------------------------------------------------------------------------

def calendar_keyboard(t: Translator, prefix: str, year: int, month: int, today: date,
                      extra: list[list[InlineKeyboardButton]] | None = None
                      ) -> InlineKeyboardMarkup:
    """A month in the reader's calendar (Solar Hijri for Dari and Pashto); past days are not
    offered. Day buttons carry the Gregorian date, so the choice means the same to everyone."""
    rows = [[button(month_title(t.locale, year, month), f"{prefix}:noop")],
            [button(initial, f"{prefix}:noop") for initial in weekday_initials(t.locale)]]
    for week in month_grid(t.locale, year, month):
        rows.append([button(local_day_number(t.locale, day), f"{prefix}:day:{day:%Y%m%d}")
                     if day is not None and day >= today else button(" ", f"{prefix}:noop")
                     for day in week])
    back_year, back_month = shift_month(year, month, -1)
    next_year, next_month = shift_month(year, month, 1)
    navigation = [button("»", f"{prefix}:month:{next_year}-{next_month}")]
    if (back_year, back_month) >= calendar_month(t.locale, today):
        navigation.insert(0, button("«", f"{prefix}:month:{back_year}-{back_month}"))
    rows.append(navigation)
    return InlineKeyboardMarkup(rows + (extra or []))


def date_prompt(t: Translator) -> str:
    return t.gettext("Choose the date, or write it (year-month-day, e.g. 1405-09-12 or "
                     "2026-12-03; any digits work).")


def time_keyboard(t: Translator, prefix: str, extra: list[list[InlineKeyboardButton]]
                  ) -> InlineKeyboardMarkup:
    buttons = [button(localise_digits(value, t.locale), f"{prefix}:time:{value.replace(':', '')}")
               for value in TIMES]
    return InlineKeyboardMarkup(button_rows(buttons, 4) + extra)


def time_prompt(t: Translator, day: date, zone: str) -> str:
    return t.gettext("{date}: choose the time ({zone}), or write it, e.g. 14:30.").format(
        date=format_date(day, t.locale), zone=zone_label(t, zone))


def choices_keyboard(t: Translator, prefix: str, action: str, options: list[tuple[str, str]],
                     chosen: set[str], done: str) -> InlineKeyboardMarkup:
    rows = [[button((CHECK if value in chosen else "") + label, f"{prefix}:{action}:{value}")]
            for value, label in options]
    rows.append([button(t.gettext("Done"), f"{prefix}:{done}")])
    return InlineKeyboardMarkup(rows)


def frequency_options(t: Translator, frequencies: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f, t.gettext(FREQUENCY_LABELS[f])) for f in frequencies]


def meeting_offset_options(t: Translator) -> list[tuple[str, str]]:
    return [(str(m), offset_label(t, m)) for m in MEETING_OFFSETS]


def deadline_offset_options(t: Translator) -> list[tuple[str, str]]:
    return [(str(d), days_label(t, d)) for d in DEADLINE_OFFSETS]


def zone_keyboard(t: Translator, current: str | None) -> InlineKeyboardMarkup:
    rows = [[button((CHECK if current is None else "") + t.gettext("The meeting's own zone"),
                    "tz:-")]]
    rows += button_rows([button((CHECK if zone == current else "") + zone_label(t, zone),
                                f"tz:{zone}") for zone in USER_ZONES], 2)
    return InlineKeyboardMarkup(rows)


# -- meetings --------------------------------------------------------------------------------------

def meeting_lines(t: Translator, ref: Reference, meeting: Meeting, user_zone: str | None,
                  with_audience: bool = False) -> list[str]:
    lines = [f"<b>{isolate(meeting.title)}</b>",
             t.gettext("When: {when}").format(
                 when=when(t, meeting.starts_at, meeting.time_zone, user_zone))]
    if meeting.place:
        lines.append(t.gettext("Where: {place}").format(place=isolate(meeting.place)))
    if meeting.recurring:
        lines.append(t.gettext("Repeats: {rule}").format(
            rule=t.gettext(FREQUENCY_LABELS[meeting.frequency])))
    if with_audience:
        lines.append(t.gettext("Invited: {audience}").format(
            audience=audience_label(t, ref, meeting.audience)))
    if meeting.agenda:
        lines += [t.gettext("Agenda:"), isolate(meeting.agenda)]
    return lines


def rsvp_keyboard(t: Translator, meeting_id: int, answer: str | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [button((CHECK if answer == a.value else "") + t.gettext(label),
                f"{RSVP_PREFIX}:{meeting_id}:{a.value}") for a, label in ANSWER_LABELS.items()],
        [button(t.gettext("📅 Add to my calendar (.ics)"), f"{ICS_PREFIX}:{meeting_id}")]])


MEETING_HEADINGS = {
    "invitation": N_("📅 {body} invites you to a meeting."),
    "reminder": N_("⏰ Reminder: a meeting of {body} is coming up."),
    "moved": N_("🔁 A meeting of {body} has moved to a new time."),
    "cancelled": N_("🚫 A meeting of {body} has been cancelled."),
    "minutes": N_("📝 Minutes of a meeting of {body}."),
}


def your_answer(t: Translator, answer: str | None) -> str:
    if answer is None:
        return t.gettext("Will you come? Answer below; you can change it until the meeting starts.")
    return t.gettext("Your answer: {answer}. You can change it until the meeting starts.").format(
        answer=t.gettext(ANSWER_LABELS[Answer(answer)]))


def meeting_message(t: Translator, ref: Reference, purpose: str, user: User,
                    body: CoordinationBody, meeting: Meeting, answer: str | None
                    ) -> tuple[str, InlineKeyboardMarkup | None, str | None]:
    """(text, buttons, document file id) of a message to one invitee."""
    heading = MEETING_HEADINGS["reminder" if purpose.startswith("r") else
                               "moved" if purpose.startswith("moved") else purpose]
    lines = [t.gettext(heading).format(body=body_name(t, body)), ""]
    lines += meeting_lines(t, ref, meeting, user.time_zone)
    if purpose == "cancelled":
        return "\n".join(lines), None, None
    if purpose == "minutes":
        if meeting.minutes_text:
            lines += ["", isolate(meeting.minutes_text)]
        document = meeting.minutes_document["file_id"] if meeting.minutes_document else None
        return "\n".join(lines), None, document
    lines += ["", your_answer(t, answer)]
    return "\n".join(lines), rsvp_keyboard(t, meeting.id, answer), None


def meeting_list(t: Translator, body: CoordinationBody, upcoming: list[Meeting],
                 past: list[Meeting], show_past: bool, schedules: bool, user_zone: str | None
                 ) -> tuple[str, InlineKeyboardMarkup]:
    shown = past if show_past else upcoming
    heading = (t.gettext("Past meetings of {body}") if show_past
               else t.gettext("Upcoming meetings of {body}")).format(body=body_name(t, body))
    lines = [f"<b>{heading}</b>", ""]
    rows = []
    for meeting in shown:
        state = t.gettext(" (cancelled)") if meeting.cancelled_at else ""
        minutes = " 📝" if meeting.minutes_sent_at else ""
        moment = when(t, meeting.starts_at, meeting.time_zone, None)
        lines.append(f"• {isolate(meeting.title)}{state}{minutes}: {moment}")
        rows.append([button(meeting.title[:50], f"{CARD_PREFIX}:{meeting.id}:card")])
    if not shown:
        lines.append(t.gettext("None yet."))
    if schedules and not show_past:
        rows.append([button(t.gettext("➕ Schedule a meeting"), f"{BODY_MEETINGS_PREFIX}:{body.id}:new")])
    rows.append([button(t.gettext("Upcoming meetings") if show_past else t.gettext("Past meetings"),
                        f"{BODY_MEETINGS_PREFIX}:{body.id}:{'up' if show_past else 'past'}")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def choose_body(t: Translator, bodies: list[CoordinationBody], prefix: str,
                with_registry: bool = False, suffix: str = "") -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button(b.name_in(t.locale)[:60], f"{prefix}:{b.id}{suffix}")] for b in bodies]
    if with_registry:
        rows.append([button(t.gettext("Every organisation in the registry"),
                            f"{prefix}:0{suffix}")])
    return t.gettext("Which coordination body?"), InlineKeyboardMarkup(rows)


def meeting_card(t: Translator, ref: Reference, body: CoordinationBody, meeting: Meeting,
                 answers: Answers | None, now: datetime, user_zone: str | None,
                 own_answer: str | None, invited: bool) -> tuple[str, InlineKeyboardMarkup]:
    """Everyone who may read it sees the details and minutes; ``answers`` (for the body's admins)
    adds the counts and the management buttons."""
    c = f"{CARD_PREFIX}:{meeting.id}"
    lines = [t.gettext("Meeting of {body}").format(body=body_name(t, body)), ""]
    lines += meeting_lines(t, ref, meeting, user_zone, with_audience=answers is not None)
    if meeting.cancelled_at:
        lines += ["", t.gettext("This meeting was cancelled.")]
    if meeting.minutes_text:
        lines += ["", t.gettext("Minutes:"), isolate(meeting.minutes_text)]
    rows: list[list[InlineKeyboardButton]] = []
    if meeting.minutes_document:
        rows.append([button(t.gettext("📎 Minutes document"), f"{c}:doc")])
    started = meeting.started(now)
    if invited and not started and not meeting.cancelled_at:
        lines += ["", your_answer(t, own_answer)]
        rows += rsvp_keyboard(t, meeting.id, own_answer).inline_keyboard
    if answers is not None:
        lines += ["", answer_counts(t, answers)]
        rows.append([button(t.gettext("Answers by organisation"), f"{c}:answers")])
        if not started and not meeting.cancelled_at:
            rows.append([button(t.gettext("Move to another time"), f"{c}:move"),
                         button(t.gettext("Cancel the meeting"), f"{c}:cancel")])
            if meeting.recurring:
                rows.append([button(t.gettext("Stop repeating after this one"), f"{c}:stop")])
        if started and not meeting.cancelled_at:
            rows.append([button(t.gettext("Record attendance"), f"{c}:att")])
            if not meeting.minutes_sent_at:
                rows.append([button(t.gettext("Send the minutes"), f"{c}:minutes")])
    rows.append([button(t.gettext("« Meetings"), f"{BODY_MEETINGS_PREFIX}:{body.id}:up")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def answer_counts(t: Translator, answers: Answers) -> str:
    counts = answers.counts
    return t.gettext("Going: {going} · Maybe: {maybe} · Can't go: {no} · No answer yet: "
                     "{none}").format(going=counts["going"], maybe=counts["maybe"],
                                      no=counts["no"], none=counts[None])


def answers_view(t: Translator, meeting: Meeting, answers: Answers,
                 organisations: dict[int, Organisation]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>{isolate(meeting.title)}</b>", answer_counts(t, answers), ""]
    for organisation_id, people in sorted(
            answers.by_organisation.items(),
            key=lambda item: organisations[item[0]].profile.name if item[0] in organisations
            else ""):
        name = (organisations[organisation_id].profile.name if organisation_id in organisations
                else t.gettext("(no organisation)"))
        lines.append(f"<b>{isolate(name)}</b>")
        for user, answer in people:
            label = t.gettext(ANSWER_LABELS[answer]) if answer else t.gettext("no answer yet")
            lines.append(f"  • {isolate(user.display_name or '—')}: {label}")
    return "\n".join(lines)[:4000], InlineKeyboardMarkup(
        [[button(t.gettext("« Back"), f"{CARD_PREFIX}:{meeting.id}:card")]])


def attendance_view(t: Translator, meeting: Meeting, members: list[Organisation],
                    present: set[int]) -> tuple[str, InlineKeyboardMarkup]:
    c = f"{CARD_PREFIX}:{meeting.id}"
    text = t.gettext("Who attended {title}? Tap an organisation to mark it present or "
                     "absent ({count} present).").format(title=isolate(meeting.title),
                                                         count=len(present))
    rows = [[button((CHECK if o.id in present else "") + o.profile.name[:50], f"{c}:att:{o.id}")]
            for o in members]
    rows.append([button(t.gettext("« Back"), f"{c}:card")])
    return text, InlineKeyboardMarkup(rows)


def meeting_composer(t: Translator, ref: Reference, body: CoordinationBody, data: dict,
                     starts_at: datetime, invitees: int) -> tuple[str, InlineKeyboardMarkup]:
    m = f"{MEETING_PREFIX}:{data['nonce']}"
    zone = data["zone"]
    lines = [t.gettext("New meeting of {body}").format(body=body_name(t, body)), "",
             f"<b>{isolate(data['title'])}</b>",
             t.gettext("When: {when}").format(when=when(t, starts_at, zone, None)),
             t.gettext("Where: {place}").format(place=isolate(data["place"]) if data.get("place")
                                                else t.gettext("not set")),
             t.gettext("Agenda: {agenda}").format(agenda=isolate(data["agenda"])
                                                  if data.get("agenda") else t.gettext("not set")),
             t.gettext("Repeats: {rule}").format(rule=t.gettext(FREQUENCY_LABELS[data["frequency"]])),
             t.gettext("Reminders: {offsets}").format(offsets=join_list(
                 [offset_label(t, o) for o in sorted(data["offsets"], reverse=True)], t.locale)
                 or t.gettext("none")),
             t.gettext("Invited: {audience}").format(audience=audience_label(
                 t, ref, Audience.from_dict(data))),
             t.ngettext("{count} person will be invited.", "{count} people will be invited.",
                        invitees).format(count=invitees)]
    rows = [[button(t.gettext("Place or link"), f"{m}:place"), button(t.gettext("Agenda"), f"{m}:agenda")],
            [button(t.gettext("Repeat"), f"{m}:repeat"), button(t.gettext("Reminders"), f"{m}:offsets")],
            [button(t.gettext("Filter by sector"), f"{m}:sectors"),
             button(t.gettext("Filter by province"), f"{m}:provinces")],
            [button(t.gettext("Change the date"), f"{m}:date")]]
    if invitees:
        rows.append([button(t.ngettext("Send {count} invitation", "Send {count} invitations",
                                       invitees).format(count=invitees), f"{m}:send")])
    rows.append([button(t.gettext("Cancel"), f"{m}:cancel")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def scheduled(t: Translator, meeting: Meeting, queued: int) -> str:
    return t.ngettext("Scheduled. {count} invitation is on its way; answers will show on the "
                      "meeting's card (/meeting).",
                      "Scheduled. {count} invitations are on their way; answers will show on the "
                      "meeting's card (/meeting).", queued).format(count=queued)


def told(t: Translator, queued: int) -> str:
    return t.ngettext("Done. {count} person is being told.", "Done. {count} people are being told.",
                      queued).format(count=queued)


def confirm_cancel(t: Translator, meeting: Meeting) -> tuple[str, InlineKeyboardMarkup]:
    c = f"{CARD_PREFIX}:{meeting.id}"
    rows = [[button(t.gettext("Yes, cancel this meeting"), f"{c}:cancel:yes")]]
    if meeting.recurring:
        rows.append([button(t.gettext("Cancel this and all later ones"), f"{c}:cancel:all")])
    rows.append([button(t.gettext("« Back"), f"{c}:card")])
    return t.gettext("Cancel {title}? Everyone invited will be told.").format(
        title=isolate(meeting.title)), InlineKeyboardMarkup(rows)


def minutes_prompt(t: Translator, meeting: Meeting) -> str:
    return t.gettext("Send the minutes or decisions of {title}: write them, or send a document "
                     "(its caption is kept as the text).").format(title=isolate(meeting.title))


def minutes_preview(t: Translator, nonce: str, data: dict, invitees: int
                    ) -> tuple[str, InlineKeyboardMarkup]:
    m = f"{MEETING_PREFIX}:{nonce}"
    lines = [t.gettext("Minutes to send:"), ""]
    if data.get("text"):
        lines.append(isolate(data["text"]))
    if data.get("document"):
        lines.append(t.gettext("Document: {name}").format(name=isolate(data["document"]["file_name"])))
    return "\n".join(lines), InlineKeyboardMarkup([
        [button(t.ngettext("Send to {count} person", "Send to {count} people", invitees).format(
            count=invitees), f"{m}:sendmin")],
        [button(t.gettext("Cancel"), f"{m}:cancel")]])


def not_allowed_to_schedule(t: Translator) -> str:
    return t.gettext("Meetings are scheduled by the admins of a coordination body. You can see "
                     "the meetings of the bodies your organisation belongs to here once there are "
                     "some; see the bodies with /bodies.")


def rsvp_saved(t: Translator, answer: Answer) -> str:
    return t.gettext("Saved: {answer}").format(answer=t.gettext(ANSWER_LABELS[answer]))


def rsvp_closed(t: Translator) -> str:
    return t.gettext("This meeting has started; answers are closed.")


# -- deadlines -------------------------------------------------------------------------------------

DEADLINE_HEADINGS = {
    "new": N_("🗓 New reporting deadline from {body}."),
    "reminder": N_("⏰ Reminder from {body}: a report is due."),
    "nudge": N_("📣 {body} reminds you: your organisation has not marked this report submitted."),
    "overdue": N_("⚠️ This deadline has passed and your organisation has not marked it submitted."),
}


def days_left(t: Translator, deadline: Deadline, today: date) -> str:
    left = (deadline.due_date - today).days
    if left < 0:
        return t.gettext("passed")
    if left == 0:
        return t.gettext("due today")
    return t.ngettext("{count} day left", "{count} days left", left).format(count=left)


def deadline_lines(t: Translator, deadline: Deadline, organisation: Organisation | None,
                   today: date | None = None) -> list[str]:
    due = format_date(deadline.due_date, t.locale)
    lines = [f"<b>{isolate(deadline.title)}</b>",
             t.gettext("Due: {date}").format(date=due) +
             (f" ({days_left(t, deadline, today)})" if today else "")]
    if deadline.recurring:
        lines.append(t.gettext("Repeats: {rule}").format(
            rule=t.gettext(FREQUENCY_LABELS[deadline.frequency])))
    if organisation is not None:
        lines.append(t.gettext("For: {organisation}").format(
            organisation=isolate(organisation.profile.name)))
    return lines


def submit_keyboard(t: Translator, deadline_id: int, organisation_id: int, submitted: bool
                    ) -> InlineKeyboardMarkup:
    if submitted:
        return InlineKeyboardMarkup([[button(t.gettext("Undo: not submitted yet"),
                                             f"{SUBMIT_PREFIX}:{deadline_id}:{organisation_id}:0")]])
    return InlineKeyboardMarkup([[button(t.gettext("✅ Submitted"),
                                         f"{SUBMIT_PREFIX}:{deadline_id}:{organisation_id}:1")]])


def deadline_message(t: Translator, purpose: str, body: CoordinationBody | None,
                     deadline: Deadline, organisation: Organisation, today: date
                     ) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.gettext(DEADLINE_HEADINGS[purpose]).format(body=body_or_registry(t, body)), ""]
    lines += deadline_lines(t, deadline, organisation, today)
    lines += ["", t.gettext("Press Submitted once your organisation has submitted it; the "
                            "reminders then stop.")]
    return "\n".join(lines), submit_keyboard(t, deadline.id, organisation.id, False)


def submitted_text(t: Translator, deadline: Deadline, organisation: Organisation,
                   submitted: bool) -> str:
    lines = deadline_lines(t, deadline, organisation)
    lines += ["", t.gettext("Marked as submitted. No more reminders for this one.") if submitted
              else t.gettext("Marked as not submitted yet; reminders will come again.")]
    return "\n".join(lines)


def deadline_list(t: Translator, deadlines: list[Deadline], bodies: dict[int, CoordinationBody],
                  can_create: bool) -> tuple[str, InlineKeyboardMarkup]:
    heading = t.gettext("Reporting deadlines")
    lines = [f"<b>{heading}</b>", ""]
    rows = []
    for deadline in deadlines:
        state = t.gettext(" (cancelled)") if deadline.cancelled_at else ""
        lines.append(f"• {isolate(deadline.title)}{state}: "
                     f"{format_date(deadline.due_date, t.locale)} — "
                     f"{body_or_registry(t, bodies.get(deadline.body_id))}")
        rows.append([button(deadline.title[:50], f"{DEADLINE_CARD_PREFIX}:{deadline.id}:card")])
    if not deadlines:
        lines.append(t.gettext("None yet."))
    if can_create:
        rows.append([button(t.gettext("➕ Set a deadline"), f"{DEADLINE_CARD_PREFIX}:0:new")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def compliance_card(t: Translator, body: CoordinationBody | None, deadline: Deadline,
                    compliance: Compliance, today: date) -> tuple[str, InlineKeyboardMarkup]:
    c = f"{DEADLINE_CARD_PREFIX}:{deadline.id}"
    lines = [t.gettext("Deadline set by {body}").format(body=body_or_registry(t, body)), ""]
    lines += deadline_lines(t, deadline, None, today)
    if deadline.cancelled_at:
        lines.append(t.gettext("This deadline was cancelled."))
    lines += ["", t.gettext("Submitted: {count}").format(count=len(compliance.submitted))]
    lines += [f"  ✅ {isolate(o.profile.name)} — {format_date(s.submitted_at.date(), t.locale)}"
              for o, s in compliance.submitted]
    lines += [t.gettext("Outstanding: {count}").format(count=len(compliance.outstanding))]
    lines += [f"  ⏳ {isolate(o.profile.name)}" for o in compliance.outstanding]
    rows = []
    if compliance.outstanding and not deadline.cancelled_at:
        rows.append([button(t.ngettext("Nudge {count} outstanding organisation",
                                       "Nudge {count} outstanding organisations",
                                       len(compliance.outstanding)).format(
            count=len(compliance.outstanding)), f"{c}:nudge")])
    if not deadline.cancelled_at:
        rows.append([button(t.gettext("Cancel the deadline"), f"{c}:cancel")])
    rows.append([button(t.gettext("« Deadlines"), f"{DEADLINE_CARD_PREFIX}:0:list")])
    return "\n".join(lines)[:4000], InlineKeyboardMarkup(rows)


def deadline_composer(t: Translator, data: dict, body: CoordinationBody | None,
                      organisations: int) -> tuple[str, InlineKeyboardMarkup]:
    d = f"{DEADLINE_PREFIX}:{data['nonce']}"
    due = date.fromisoformat(data["date"])
    audience = body_name(t, body) if body else t.gettext("every organisation in the registry")
    lines = [t.gettext("New deadline for {audience}").format(audience=audience),
             "", f"<b>{isolate(data['title'])}</b>",
             t.gettext("Due: {date}").format(date=format_date(due, t.locale)),
             t.gettext("Repeats: {rule}").format(rule=t.gettext(FREQUENCY_LABELS[data["frequency"]])),
             t.gettext("Reminders: {offsets}").format(offsets=join_list(
                 [days_label(t, d) for d in sorted(data["offsets"], reverse=True)], t.locale)
                 or t.gettext("none")),
             t.ngettext("It applies to {count} organisation.", "It applies to {count} organisations.",
                        organisations).format(count=organisations)]
    rows = [[button(t.gettext("Repeat"), f"{d}:repeat"), button(t.gettext("Reminders"), f"{d}:offsets")],
            [button(t.gettext("Change the date"), f"{d}:date")],
            [button(t.gettext("Set the deadline"), f"{d}:save")],
            [button(t.gettext("Cancel"), f"{d}:cancel")]]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def deadline_set(t: Translator, queued: int) -> str:
    return t.ngettext("The deadline is set; {count} person is being told.",
                      "The deadline is set; {count} people are being told.", queued).format(
        count=queued)


def title_prompt(t: Translator, what: str) -> str:
    return (t.gettext("What is the meeting about? Write a short title.") if what == "meeting"
            else t.gettext("What must be submitted? Write a short title, e.g. Half-yearly "
                           "activity report to the Ministry of Economy."))


def not_allowed_deadlines(t: Translator) -> str:
    return t.gettext("Deadlines are set by the admins of a coordination body and the platform "
                     "administrators. Your organisation's deadlines are in /reminders.")


def past_date(t: Translator) -> str:
    return t.gettext("That moment has already passed. Please choose a later one.") + "\n" + \
        t.gettext("Nothing you entered before was lost.")


def bad_date(t: Translator) -> str:
    return t.gettext("Please write a real date as year-month-day, e.g. 1403-05-12 or "
                     "2024-08-02; any digits work.") + "\n" + \
        t.gettext("Nothing you entered before was lost.")


def bad_time(t: Translator) -> str:
    return t.gettext("Please write the time as hours:minutes on a 24-hour clock, e.g. 14:30; any "
                     "digits work.") + "\n" + t.gettext("Nothing you entered before was lost.")


# -- /reminders ------------------------------------------------------------------------------------

def reminders_view(t: Translator, meetings: list[tuple[Meeting, str | None]],
                   bodies: dict[int, CoordinationBody],
                   deadlines: list[tuple[Deadline, Organisation, bool]], user: User, today: date
                   ) -> tuple[str, InlineKeyboardMarkup | None]:
    heading = t.gettext("Your meetings and deadlines")
    lines = [f"<b>{heading}</b>", ""]
    rows = []
    if meetings:
        lines.append(t.gettext("Meetings:"))
        for meeting, answer in meetings:
            body = bodies.get(meeting.body_id)
            state = (t.gettext(" (cancelled)") if meeting.cancelled_at else
                     " — " + (t.gettext(ANSWER_LABELS[Answer(answer)]) if answer
                              else t.gettext("no answer yet")))
            lines.append(f"• {isolate(meeting.title)}{state}\n  "
                         f"{body_name(t, body) if body else ''}\n  "
                         f"{when(t, meeting.starts_at, meeting.time_zone, user.time_zone)}")
            rows.append([button(meeting.title[:50], f"{CARD_PREFIX}:{meeting.id}:card")])
    if deadlines:
        lines += ["", t.gettext("Reporting deadlines:")]
        for deadline, organisation, submitted in deadlines:
            mark = "✅" if submitted else "⏳"
            lines.append(f"{mark} {isolate(deadline.title)} — {isolate(organisation.profile.name)}"
                         f"\n  {format_date(deadline.due_date, t.locale)} "
                         f"({days_left(t, deadline, today)})")
            if not submitted:
                rows.append([button(t.gettext("✅ Submitted: {title}").format(
                    title=deadline.title[:40]),
                    f"{SUBMIT_PREFIX}:{deadline.id}:{organisation.id}:1")])
    if not meetings and not deadlines:
        lines.append(t.gettext("Nothing coming up. Meetings you are invited to and your "
                               "organisation's reporting deadlines will show here."))
    return "\n".join(lines)[:4000], InlineKeyboardMarkup(rows) if rows else None


# -- the scheduler's texts -------------------------------------------------------------------------

class ScheduleTexts:
    """bot.domain.schedule.Texts: one payload per recipient, in their language."""

    def __init__(self, catalogs: Catalogs, ref: Reference, today) -> None:
        self._catalogs, self._ref, self._today = catalogs, ref, today

    def meeting(self, purpose: str, user: User, body: CoordinationBody, meeting: Meeting,
                answer: str | None) -> dict[str, Any]:
        t = self._catalogs.translator(user.locale)
        text, markup, document = meeting_message(t, self._ref, purpose, user, body, meeting,
                                                 answer)
        return payload(text, markup, document)

    def deadline(self, purpose: str, user: User, body: CoordinationBody | None,
                 deadline: Deadline, organisation: Organisation) -> dict[str, Any]:
        t = self._catalogs.translator(user.locale)
        today = self._today().astimezone(ZoneInfo(deadline.time_zone)).date()
        return payload(*deadline_message(t, purpose, body, deadline, organisation, today))

    def poll(self, purpose: str, locale: str | None, body: CoordinationBody, poll: Poll,
             results: Results | None) -> dict[str, Any]:
        """bot.domain.polls.PollTexts: times in the body's zone (the group reads it too)."""
        t = self._catalogs.translator(locale or poll.locale)
        return poll_views.message_payload(t, purpose, body, poll, results, zone_of(body),
                                          version=locale)
