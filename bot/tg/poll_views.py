"""Texts and keyboards for /poll: the composer, a poll's card for its creator (totals, breakdown,
who has not answered), and the messages recipients get: the note before the poll, the nudge and
the final results with bars drawn from characters."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.domain import polls as pl
from bot.domain.announcements import Audience
from bot.domain.entities import CoordinationBody, Organisation, User
from bot.domain.errors import InvalidValue
from bot.domain.polls import Breakdown, Counting, Poll, Report, Results
from bot.domain.reference import Reference
from bot.i18n import Translator
from bot.i18n.dates import format_datetime, localise_digits
from bot.i18n.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES
from bot.i18n.text import isolate
from bot.tg import registry_views as rv
from bot.tg.body_views import audience_label, body_name, zone_label
from bot.tg.notify import payload
from bot.tg.registry_views import CHECK, button

POLL_PREFIX = "pl"  # pl:<nonce>:<action>[:<arg>]: writing a poll (a draft)
POLL_BODY_PREFIX = "plb"  # plb:<body>[:new]: a body's polls
POLL_CARD_PREFIX = "plc"  # plc:<poll>:<action>: a poll's card

BAR_WIDTH = 10
# Full and light blocks are neutral characters: in a right-to-left paragraph the bar simply
# grows from the right, and the figures after it are isolated so they keep their order.
BAR_FULL, BAR_EMPTY = "█", "░"
CLOSING_HOURS = (0, 1, 24, 72, 168, 336)  # 0: closed by hand
# Provinces, sectors and names listed before "and N more": as many as fit in a message, tried
# in this order. The length is counted with the tags, so it errs on the short side of
# Telegram's 4,096 characters (counted without them).
LIST_LIMITS = (30, 15, 8, 3, 0)
MESSAGE_LIMIT = 4000
QUESTION_SHOWN = 120  # of a question in the list of a body's polls


def closing_label(t: Translator, hours: int) -> str:
    if hours == 0:
        return t.gettext("Close by hand")
    if hours % 24 == 0:
        days = hours // 24
        if days in {7, 14}:
            weeks = days // 7
            return t.ngettext("In {count} week", "In {count} weeks", weeks).format(count=weeks)
        return t.ngettext("In {count} day", "In {count} days", days).format(count=days)
    return t.ngettext("In {count} hour", "In {count} hours", hours).format(count=hours)


def number(t: Translator, value: int) -> str:
    return localise_digits(str(value), t.locale)


def bar(t: Translator, results: Results, index: int) -> str:
    """████░░░░░░ 40% (4): the bar, then the percentage and the count, isolated."""
    percent = results.percent(index)
    filled = round(BAR_WIDTH * percent / 100)
    figures = t.gettext("{percent}% ({count})").format(percent=number(t, percent),
                                                      count=number(t, results.counts[index]))
    return BAR_FULL * filled + BAR_EMPTY * (BAR_WIDTH - filled) + " " + isolate(figures)


def answers_line(t: Translator, poll: Poll, results: Results) -> str:
    if poll.counting is Counting.PER_ORGANISATION and not poll.anonymous:
        return t.ngettext("{count} organisation answered.", "{count} organisations answered.",
                          results.voters).format(count=number(t, results.voters))
    return t.ngettext("{count} person answered.", "{count} people answered.",
                      results.voters).format(count=number(t, results.voters))


def results_lines(t: Translator, poll: Poll, results: Results, version: str | None
                  ) -> list[str]:
    """Each option on its line, its bar below it, in the version of the poll the reader got
    (``version``: its language, None for the first one)."""
    _question, options = poll.version_for(version)
    lines = [answers_line(t, poll, results)]
    if poll.multiple:
        lines.append(t.gettext("Several answers were allowed, so the percentages can add up to "
                               "more than 100."))
    for index, option in enumerate(options):
        lines += ["", isolate(option), bar(t, results, index)]
    return lines


def kind_line(t: Translator, poll: Poll) -> str:
    choice = (t.gettext("several answers allowed") if poll.multiple
              else t.gettext("one answer"))
    names = t.gettext("anonymous") if poll.anonymous else t.gettext("named")
    counting = (t.gettext("one answer per organisation")
                if poll.counting is Counting.PER_ORGANISATION
                else t.gettext("one answer per person"))
    return t.gettext("Poll: {names}, {choice}, {counting}.").format(
        names=names, choice=choice, counting=counting)


def _moment(t: Translator, value, zone: str) -> str:
    return isolate(t.gettext("{moment} ({zone})").format(
        moment=format_datetime(value, t.locale, zone), zone=zone_label(t, zone)))


def closing_line(t: Translator, poll: Poll, zone: str) -> str:
    if poll.closed_at is not None:
        return t.gettext("Closed on {moment}.").format(moment=_moment(t, poll.closed_at, zone))
    if poll.closes_at is None:
        return t.gettext("Open until the body's admins close it.")
    return t.gettext("Closes on {moment}.").format(moment=_moment(t, poll.closes_at, zone))


# -- messages to recipients -------------------------------------------------------------------------

def poll_message(t: Translator, purpose: str, body: CoordinationBody, poll: Poll,
                 results: Results | None, zone: str, version: str | None) -> str:
    """In ``t``'s language, about the version of the poll the reader got (see results_lines)."""
    question, _options = poll.version_for(version)
    if purpose == "intro":
        lines = [t.gettext("📊 {body} asks you to answer the poll below.").format(
            body=f"<b>{body_name(t, body)}</b>")]
        if poll.anonymous:
            lines.append(t.gettext("It is anonymous: only the totals are counted."))
        else:
            lines.append(t.gettext("It is not anonymous: the body's admins see who answered "
                                   "what."))
        if poll.counting is Counting.PER_ORGANISATION:
            lines.append(t.gettext("One answer counts per organisation: the latest answer of "
                                   "anyone in yours."))
        lines += [closing_line(t, poll, zone),
                  t.gettext("You can change your answer until it closes; the results will "
                            "be sent to you then.")]
        return "\n".join(lines)
    if purpose == "nudge":
        return t.gettext("🔔 A reminder from {body}: your answer to this poll is still "
                         "missing: {question}").format(body=f"<b>{body_name(t, body)}</b>",
                                                       question=isolate(question))
    lines = [t.gettext("📊 The poll of {body} has closed: {question}").format(
        body=f"<b>{body_name(t, body)}</b>", question=f"<b>{isolate(question)}</b>"), ""]
    return "\n".join(lines + results_lines(
        t, poll, results or Results([0] * poll.option_count, 0), version))


# -- the composer -----------------------------------------------------------------------------------

def question_prompt(t: Translator, locale: str | None = None) -> str:
    if locale:
        return t.gettext("Write the question in {language} (up to {maximum} characters).").format(
            language=LANGUAGE_NAMES[locale], maximum=pl.QUESTION_MAX)
    return t.gettext("Write the question of the poll (up to {maximum} characters).").format(
        maximum=pl.QUESTION_MAX)


def options_prompt(t: Translator, count: int | None = None) -> str:
    if count:
        return t.ngettext("Now the {count} option in the same order, one per line.",
                          "Now the {count} options in the same order, one per line.",
                          count).format(count=count)
    return t.gettext("Now send the options in one message, one per line: {minimum} to "
                     "{maximum} options, each up to {length} characters.").format(
        minimum=pl.OPTIONS_MIN, maximum=pl.OPTIONS_MAX, length=pl.OPTION_MAX)


def invalid(t: Translator, error: InvalidValue, line: int | None = None) -> str:
    """Poll limits in words; ``line`` names the option that broke one."""
    if error.reason == "too_few":
        text = t.ngettext("A poll needs at least {minimum} option; you sent {actual}.",
                          "A poll needs at least {minimum} options; you sent {actual}.",
                          error.minimum or 0).format(minimum=error.minimum, actual=error.actual)
    elif error.reason == "too_many":
        text = t.ngettext("A poll can have at most {maximum} option; you sent {actual}.",
                          "A poll can have at most {maximum} options; you sent {actual}.",
                          error.maximum or 0).format(maximum=error.maximum, actual=error.actual)
    elif error.reason == "repeated":
        text = t.gettext("Two options are the same; Telegram needs them to differ.")
    elif error.reason == "count_differs":
        text = t.ngettext("This version needs exactly {count} option, like the first one; you "
                          "sent {actual}.",
                          "This version needs exactly {count} options, like the first one; you "
                          "sent {actual}.", error.maximum or 0).format(
            count=error.maximum, actual=error.actual)
    elif error.reason == "in_the_past":
        text = t.gettext("The closing time has already passed; please choose it again.")
    else:
        text = rv.invalid_value(t, error)
        return (t.gettext("Option {number}:").format(number=line) + " " + text) if line else text
    return text + "\n" + t.gettext("Nothing you entered before was lost.")


def composer(t: Translator, ref: Reference, nonce: str, body: CoordinationBody, data: dict,
             people: int) -> tuple[str, InlineKeyboardMarkup]:
    first = data["versions"][pl.FIRST]
    lines = [t.gettext("<b>Your poll</b> for {body}").format(body=body_name(t, body)), "",
             f"<b>{isolate(first['question'])}</b>"]
    lines += [f"{number(t, i)}. {isolate(option)}" for i, option in
              enumerate(first["options"], start=1)]
    lines.append("")
    others = [LANGUAGE_NAMES[loc] for loc in SUPPORTED_LOCALES if loc in data["versions"]]
    if others:
        lines.append(t.gettext("Versions in: {languages}; everyone else receives the first "
                               "one.").format(languages=", ".join(others)))
    lines.append(t.gettext("Audience: {audience}").format(
        audience=audience_label(t, ref, Audience.from_dict(data))))
    reach = t.ngettext("It will reach {count} person", "It will reach {count} people",
                       people).format(count=people)
    if data["group"]:
        reach += " " + t.gettext("and the linked Telegram group")
    lines.append(reach + ".")
    p = f"{POLL_PREFIX}:{nonce}"
    rows = [
        [button(t.gettext("Several answers allowed") if data["multiple"]
                else t.gettext("One answer only"), f"{p}:multi")],
        [button(t.gettext("Anonymous") if data["anonymous"]
                else t.gettext("Named (admins see who answered)"), f"{p}:anon")],
        [button(t.gettext("Closes: {when}").format(when=closing_label(t, data["hours"])),
                f"{p}:closing")],
        [button(t.gettext("Add a language version"), f"{p}:versions")],
        [button(t.gettext("Filter by sector"), f"{p}:sectors"),
         button(t.gettext("Filter by province"), f"{p}:provinces")],
    ]
    if data["anonymous"]:
        lines.append(t.gettext("An anonymous poll counts one answer per person: Telegram does "
                               "not tell the bot who answered."))
    else:
        rows.insert(2, [button(t.gettext("One answer per organisation")
                               if data["counting"] == Counting.PER_ORGANISATION
                               else t.gettext("One answer per person"), f"{p}:count")])
    if body.group_chat_id:
        rows.append([button((CHECK if data["group"] else "")
                            + t.gettext("Also post it in the body's group"), f"{p}:group")])
    rows.append([button(t.gettext("Send the poll"), f"{p}:send"),
                 button(t.gettext("Cancel"), f"{p}:cancel")])
    lines += ["", t.gettext("Tap a setting to change it.")]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def closing_menu(t: Translator, nonce: str, hours: int) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button((CHECK if h == hours else "") + closing_label(t, h),
                    f"{POLL_PREFIX}:{nonce}:close:{h}")] for h in CLOSING_HOURS]
    return t.gettext("When should the poll close? When it closes, everyone gets the results."), \
        InlineKeyboardMarkup(rows)


# -- the body's polls and a poll's card ------------------------------------------------------------

def poll_list(t: Translator, body: CoordinationBody, found: list[Poll]
              ) -> tuple[str, InlineKeyboardMarkup]:
    heading = t.gettext("Polls of {body}").format(body=body_name(t, body))
    lines = [f"<b>{heading}</b>", ""]
    rows = []
    for poll in found:
        question, _ = poll.version_for(t.locale)
        state = t.gettext("closed") if poll.closed_at else t.gettext("open")
        shown = question if len(question) <= QUESTION_SHOWN else question[:QUESTION_SHOWN] + "…"
        lines.append(f"• {isolate(shown)} ({state})")
        rows.append([button(("⏹ " if poll.closed_at else "📊 ") + question[:50],
                            f"{POLL_CARD_PREFIX}:{poll.id}:card")])
    if not found:
        lines.append(t.gettext("No polls yet."))
    rows.append([button(t.gettext("➕ New poll"), f"{POLL_BODY_PREFIX}:{body.id}:new")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _listed(t: Translator, items: list[str], limit: int) -> list[str]:
    """The first ``limit`` items as bullets, then how many more there are."""
    lines = [f"• {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(t.gettext("and {count} more").format(count=number(t, len(items) - limit)))
    return lines


def _breakdown_lines(t: Translator, heading: str, table: dict[str, Results], name,
                     limit: int) -> list[str]:
    if not table:
        return []
    ranked = sorted(table.items(), key=lambda item: (-item[1].voters, name(item[0])))
    rows = []
    for key, results in ranked:
        shares = ", ".join(t.gettext("{option}: {percent}%").format(
            option=number(t, i + 1), percent=number(t, results.percent(i)))
            for i in range(len(results.counts)))
        rows.append(f"{isolate(name(key))} ({number(t, results.voters)}): {isolate(shares)}")
    return ["", f"<b>{heading}</b>", *_listed(t, rows, limit)]


def card_text(t: Translator, ref: Reference, body: CoordinationBody, report: Report, zone: str,
              waiting_names: list[str], limit: int) -> str:
    """The card with at most ``limit`` provinces, sectors and names in each list."""
    poll = report.poll
    question, _ = poll.version_for(t.locale)
    lines = [f"📊 <b>{isolate(question)}</b>", body_name(t, body), kind_line(t, poll),
             closing_line(t, poll, zone),
             t.ngettext("Delivered to {count} of {total} chat.",
                        "Delivered to {count} of {total} chats.", report.chats).format(
                 count=number(t, report.reached), total=number(t, report.chats)), ""]
    lines += results_lines(t, poll, report.results, t.locale)
    if report.breakdown is not None:
        breakdown: Breakdown = report.breakdown
        lines += _breakdown_lines(t, t.gettext("By province"), breakdown.by_province,
                                  lambda code: ref.place(code).name(t.locale)
                                  if ref.is_place(code) else code, limit)
        lines += _breakdown_lines(t, t.gettext("By sector"), breakdown.by_sector,
                                  lambda code: ref.sector(code).name(t.locale)
                                  if ref.is_sector(code) else code, limit)
        lines += ["", "<b>" + t.ngettext("Not answered yet: {count}",
                                         "Not answered yet: {count}",
                                         len(waiting_names)).format(
            count=number(t, len(waiting_names))) + "</b>"]
        lines += _listed(t, [isolate(name) for name in waiting_names], limit)
    return "\n".join(lines)


def card(t: Translator, ref: Reference, body: CoordinationBody, report: Report, zone: str,
         waiting_names: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    """The creator's view: live totals, and for a named poll the breakdown by province and by
    sector and who has not answered yet. Long lists are shortened, whole lines at a time,
    until the message fits Telegram's limit (a cut inside a line could split a tag)."""
    poll = report.poll
    for limit in LIST_LIMITS:
        text = card_text(t, ref, body, report, zone, waiting_names, limit)
        if len(text) <= MESSAGE_LIMIT:
            break
    c = f"{POLL_CARD_PREFIX}:{poll.id}"
    rows = []
    if poll.closed_at is None:
        rows.append([button(t.gettext("🔄 Refresh"), f"{c}:card")])
        if not poll.anonymous and poll.nudged_at is None and report.waiting:
            rows.append([button(t.ngettext("🔔 Remind {count} person who has not answered",
                                           "🔔 Remind {count} people who have not answered",
                                           len(report.waiting)).format(
                count=number(t, len(report.waiting))), f"{c}:nudge")])
        rows.append([button(t.gettext("⏹ Close the poll now"), f"{c}:close")])
    rows.append([button(t.gettext("« All polls"), f"{POLL_BODY_PREFIX}:{body.id}")])
    return text, InlineKeyboardMarkup(rows)


def waiting_names(t: Translator, report: Report, users: dict[int, User],
                  organisations: dict[int, Organisation]) -> list[str]:
    """Per organisation: the organisations still without an answer; per person: the people,
    with their organisation."""
    if report.poll.counting is Counting.PER_ORGANISATION:
        seen = sorted({organisation for _user, organisation in report.waiting
                       if organisation in organisations},
                      key=lambda o: organisations[o].profile.name)
        return [organisations[o].profile.name for o in seen]
    names = []
    for user_id, organisation in report.waiting:
        person = (users[user_id].display_name if user_id in users else None) or f"#{user_id}"
        if organisation in organisations:
            person = t.gettext("{person} ({organisation})").format(
                person=person, organisation=organisations[organisation].profile.name)
        names.append(person)
    return sorted(names)


def confirm_close(t: Translator, poll_id: int) -> tuple[str, InlineKeyboardMarkup]:
    c = f"{POLL_CARD_PREFIX}:{poll_id}"
    return (t.gettext("Close the poll now? Nobody can answer any more, and everyone who got it "
                      "receives the results."),
            InlineKeyboardMarkup([[button(t.gettext("Yes, close it"), f"{c}:closeyes"),
                                   button(t.gettext("« Back"), f"{c}:card")]]))


def closed(t: Translator, count: int) -> str:
    return t.ngettext("Closed. The results are being sent to {count} chat.",
                      "Closed. The results are being sent to {count} chats.", count).format(
        count=number(t, count))


def nudged(t: Translator, count: int) -> str:
    return t.ngettext("A reminder is on its way to {count} person.",
                      "A reminder is on its way to {count} people.", count).format(
        count=number(t, count))


def sent(t: Translator, poll: Poll) -> str:
    return t.ngettext("The poll is on its way to {count} person. Follow the answers with /poll.",
                      "The poll is on its way to {count} people. Follow the answers with /poll.",
                      poll.recipients).format(count=number(t, poll.recipients))


def not_allowed(t: Translator) -> str:
    return t.gettext("Polls are run by the admins of a coordination body. You will receive "
                     "the polls of the bodies your organisation belongs to.")


def message_payload(t: Translator, purpose: str, body: CoordinationBody, poll: Poll,
                    results: Results | None, zone: str, version: str | None) -> dict[str, Any]:
    return payload(poll_message(t, purpose, body, poll, results, zone, version), None)
