"""Quick polls across a body's members: the rules that do not depend on Telegram. A poll is asked
as a native Telegram poll in each recipient's private chat; named polls report each answer
(``poll_answer``), anonymous ones only each message's running totals (``poll`` updates). The
totals across every recipient are worked out here, and so is who has not answered yet."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any, Protocol

from bot.domain import validation
from bot.domain.announcements import FIRST, Audience
from bot.domain.bodies import get as get_body
from bot.domain.delivery import Delivery, Priority, poll_question, replying, stop_poll
from bot.domain.entities import CoordinationBody, User
from bot.domain.errors import InvalidValue, NotAllowed, NotFound, StaleAction
from bot.domain.meetings import invitees_now
from bot.domain.permissions import Viewer, can_announce
from bot.domain.ports import UnitOfWork
from bot.domain.schedule import Outcome, Reminder, ReminderKind

# Telegram's sendPoll limits; checked before anything is sent, with the limit in the error.
QUESTION_MAX = 300
OPTION_MAX = 100
OPTIONS_MIN = 2
OPTIONS_MAX = 12


class Counting(StrEnum):
    PER_USER = "user"  # every person's answer counts
    PER_ORGANISATION = "organisation"  # one answer per organisation: the latest of its people


def question(value: str) -> str:
    return validation.text_field("poll_question", value, QUESTION_MAX)


def option(value: str) -> str:
    return validation.text_field("poll_option", value, OPTION_MAX)


def options(values: Iterable[str]) -> tuple[str, ...]:
    """2 to 12 options, each within Telegram's limit, none repeated (Telegram refuses those)."""
    cleaned = tuple(option(value) for value in values)
    if len(cleaned) < OPTIONS_MIN:
        raise InvalidValue("poll_options", "too_few", minimum=OPTIONS_MIN, actual=len(cleaned))
    if len(cleaned) > OPTIONS_MAX:
        raise InvalidValue("poll_options", "too_many", maximum=OPTIONS_MAX, actual=len(cleaned))
    if len({value.casefold() for value in cleaned}) != len(cleaned):
        raise InvalidValue("poll_options", "repeated")
    return cleaned


def version(question_text: str, option_texts: Iterable[str], first_options: int) -> tuple[
        str, tuple[str, ...]]:
    """A version in another language: the same number of options, in the same order."""
    translated = options(option_texts)
    if len(translated) != first_options:
        raise InvalidValue("poll_options", "count_differs", minimum=first_options,
                           maximum=first_options, actual=len(translated))
    return question(question_text), translated


@dataclass(frozen=True, slots=True)
class Vote:
    """A named poll's standing answer of one person; an empty ``choices`` was retracted."""

    user_id: int
    organisation_id: int | None
    choices: tuple[int, ...]
    at: datetime


@dataclass(slots=True)
class Results:
    counts: list[int]  # per option
    voters: int  # people (or organisations) whose answer counts

    def add(self, vote: Vote) -> None:
        self.voters += 1
        for index in set(vote.choices):
            if 0 <= index < len(self.counts):
                self.counts[index] += 1

    def percent(self, index: int) -> int:
        """Of the voters: with several choices allowed the percentages may add up to more."""
        return round(100 * self.counts[index] / self.voters) if self.voters else 0


def counted(votes: Iterable[Vote], counting: Counting) -> list[Vote]:
    """The answers that count: each person's latest (a retraction removes it); per organisation,
    the latest standing answer among its people, so a retraction falls back to a colleague's."""
    latest: dict[int, Vote] = {}
    for vote in sorted(votes, key=lambda v: v.at):
        latest[vote.user_id] = vote
    standing = [vote for vote in latest.values() if vote.choices]
    if counting is Counting.PER_USER:
        return standing
    by_organisation: dict[int | None, Vote] = {}
    for vote in sorted(standing, key=lambda v: v.at):
        if vote.organisation_id is not None:
            by_organisation[vote.organisation_id] = vote
    return list(by_organisation.values())


def tally(votes: Iterable[Vote], counting: Counting, option_count: int) -> Results:
    results = Results(counts=[0] * option_count, voters=0)
    for vote in counted(votes, counting):
        results.add(vote)
    return results


def tally_anonymous(message_totals: Iterable[tuple[list[int], int]], option_count: int) -> Results:
    """Sum of each poll message's latest totals (per option, voters) from ``poll`` updates."""
    results = Results(counts=[0] * option_count, voters=0)
    for counts, voters in message_totals:
        results.voters += voters
        for index, count in enumerate(counts[:option_count]):
            results.counts[index] += count
    return results


@dataclass(slots=True)
class Breakdown:
    """A named poll's results per province and per sector of the answering organisations."""

    by_province: dict[str, Results] = field(default_factory=dict)
    by_sector: dict[str, Results] = field(default_factory=dict)


def breakdown(votes: Iterable[Vote], counting: Counting, option_count: int,
              places: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]) -> Breakdown:
    """``places``: organisation id -> (provinces, sectors). An organisation working in two
    provinces counts in both."""
    found = Breakdown()
    for vote in counted(votes, counting):
        provinces, sectors = places.get(vote.organisation_id, ((), ()))
        for table, keys in ((found.by_province, provinces), (found.by_sector, sectors)):
            for key in keys:
                table.setdefault(key, Results([0] * option_count, 0)).add(vote)
    return found


def not_answered(recipients: Iterable[tuple[int, int | None]], votes: Iterable[Vote],
                 counting: Counting) -> list[int]:
    """User ids, of ``(user, organisation)`` recipients, still without a counted answer; per
    organisation, nobody of an organisation that has answered is asked again."""
    answered = counted(votes, counting)
    people = {vote.user_id for vote in answered}
    organisations = {vote.organisation_id for vote in answered}
    return sorted(user for user, organisation in recipients
                  if user not in people and not (counting is Counting.PER_ORGANISATION
                                                 and organisation in organisations))


# -- polls as rows, and their use cases --------------------------------------------------------------

@dataclass(slots=True)
class Poll:
    id: int | None
    body_id: int
    created_by: int
    created_at: datetime
    locale: str  # the creator's: the group's messages and the closing results there use it
    versions: dict[str, dict[str, Any]]  # FIRST or a locale -> {"question": ..., "options": [...]}
    multiple: bool
    anonymous: bool
    counting: Counting
    audience: Audience
    closes_at: datetime | None = None  # None: closed by hand
    post_to_group: bool = False
    closed_at: datetime | None = None
    nudged_at: datetime | None = None
    recipients: int = 0

    @property
    def option_count(self) -> int:
        return len(self.versions[FIRST]["options"])

    def version_for(self, locale: str | None) -> tuple[str, tuple[str, ...]]:
        """The question and options in ``locale`` when given, else as first written."""
        chosen = self.versions.get(locale or FIRST) or self.versions[FIRST]
        return chosen["question"], tuple(chosen["options"])


@dataclass(slots=True)
class PollMessage:
    """The poll as one chat received it: a recipient's private chat, or the body's group
    (``user_id`` None). Telegram's ids arrive once the outbox has sent it."""

    id: int | None
    poll_id: int
    user_id: int | None
    organisation_id: int | None
    locale: str | None
    chat_id: int
    message_id: int | None = None
    telegram_poll_id: str | None = None
    counts: list[int] | None = None  # anonymous: this message's latest totals
    voters: int = 0


class PollTexts(Protocol):
    """Renders a poll's messages in a reader's language (the Telegram layer implements it)."""

    def poll(self, purpose: str, locale: str | None, body: CoordinationBody, poll: Poll,
             results: Results | None) -> dict[str, Any]:
        """purpose: intro (before the poll), nudge, results (after closing). ``locale``: the
        reader's, or None for the body's group (the creator's language, the first version)."""
        ...


def _per_language(texts: PollTexts, purpose: str, body: CoordinationBody, poll: Poll,
                  results: Results | None) -> Callable[[str | None], dict[str, Any]]:
    """The message for a reader's language, rendered once per language (not per recipient)."""
    return cache(lambda locale: texts.poll(purpose, locale, body, poll, results))


def key_prefix(poll_id: int) -> str:
    return f"poll:{poll_id}:"


async def recipients_now(uow: UnitOfWork, body: CoordinationBody, audience: Audience
                         ) -> list[tuple[User, int]]:
    """(user, organisation): the people of the member organisations in the audience who can be
    reached, once each, with the first of their organisations (as for meeting invitations)."""
    return [(user, organisation) for user, organisation in await invitees_now(uow, body, audience)
            if user.unreachable_since is None]


def validated_versions(versions: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every version within Telegram's limits, with as many options as the first one."""
    if FIRST not in versions:
        raise InvalidValue("poll_question", "too_short", minimum=1)
    first = versions[FIRST]
    cleaned = {FIRST: {"question": question(first["question"]),
                       "options": list(options(first["options"]))}}
    for locale, given in versions.items():
        if locale != FIRST:
            text, choices = version(given["question"], given["options"], len(first["options"]))
            cleaned[locale] = {"question": text, "options": list(choices)}
    return cleaned


async def create(uow: UnitOfWork, viewer: Viewer, poll: Poll, texts: PollTexts, now: datetime
                 ) -> Poll:
    """Record the poll and queue it to every recipient (and the group), in one transaction:
    a short note saying who asks and until when, then the native poll in their language."""
    if not can_announce(viewer, poll.body_id):
        raise NotAllowed("poll")
    if poll.closes_at is not None and poll.closes_at <= now:
        raise InvalidValue("poll_close", "in_the_past")
    poll.versions = validated_versions(poll.versions)
    if poll.anonymous:  # Telegram reports only totals: answers cannot be told apart by organisation
        poll.counting = Counting.PER_USER
    body = await get_body(uow, poll.body_id)
    people = await recipients_now(uow, body, poll.audience)
    poll.recipients = len(people)
    poll = await uow.polls.add(poll)
    messages = [PollMessage(None, poll.id, user.id, organisation, user.locale,
                            user.telegram_user_id) for user, organisation in people]
    if poll.post_to_group and body.group_chat_id:
        messages.append(PollMessage(None, poll.id, None, None, None, body.group_chat_id))
    await uow.polls.add_messages(messages)
    intro = _per_language(texts, "intro", body, poll, None)
    queued = []
    for message in messages:
        text, choices = poll.version_for(message.locale)
        where = f"{key_prefix(poll.id)}{message.chat_id}"
        queued.append(Delivery(key=f"{where}:intro", chat_id=message.chat_id,
                               payload=intro(message.locale), priority=Priority.BROADCAST))
        queued.append(Delivery(key=f"{where}:ask", chat_id=message.chat_id,
                               payload=poll_question(poll.id, text, choices, poll.anonymous,
                                                     poll.multiple),
                               priority=Priority.BROADCAST))
    await uow.deliveries.enqueue_many(queued, now)
    if poll.closes_at is not None:
        await uow.reminders.add_many([Reminder(None, ReminderKind.POLL_CLOSE, poll.id, 0,
                                               poll.closes_at)])
    await uow.audit.record("poll_created", None, viewer.user_id, now)
    return poll


async def get(uow: UnitOfWork, poll_id: int) -> Poll:
    poll = await uow.polls.get(poll_id)
    if poll is None:
        raise NotFound("poll", poll_id)
    return poll


async def managed(uow: UnitOfWork, viewer: Viewer, poll_id: int) -> Poll:
    poll = await get(uow, poll_id)
    if not can_announce(viewer, poll.body_id):
        raise NotAllowed("poll")
    return poll


async def of_body(uow: UnitOfWork, viewer: Viewer, body_id: int, limit: int = 20) -> list[Poll]:
    if not can_announce(viewer, body_id):
        raise NotAllowed("poll")
    return await uow.polls.of_body(body_id, limit)


async def record_sent(uow: UnitOfWork, poll_id: int, chat_id: int, message_id: int,
                      telegram_poll_id: str, now: datetime) -> None:
    """The outbox sent a poll: keep Telegram's ids, to match answers and to stop it. One that
    was in flight while the poll closed is stopped at once."""
    message = await uow.polls.message(poll_id, chat_id)
    if message is None:
        return
    await uow.polls.set_sent(message.id, message_id, telegram_poll_id)
    poll = await uow.polls.get(poll_id)
    if poll is not None and poll.closed_at is not None:
        await uow.deliveries.enqueue(Delivery(
            key=f"{key_prefix(poll_id)}{chat_id}:stop", chat_id=chat_id,
            payload=stop_poll(message_id), priority=Priority.NOTICE), now)


async def _organisation_in_body(uow: UnitOfWork, user_id: int, body_id: int) -> int | None:
    """A voter in the group: the first of their organisations that is a member of the body."""
    for organisation in sorted(m.organisation_id for m in await uow.staff.of_user(user_id)):
        if await uow.bodies.is_member(body_id, organisation):
            return organisation
    return None


async def answer(uow: UnitOfWork, user: User, telegram_poll_id: str, option_ids: Iterable[int],
                 now: datetime) -> bool:
    """A named poll's answer (``poll_answer``); no options is a retraction. A later answer
    replaces the earlier one. False when it is not one of ours, closed, or anonymous."""
    message = await uow.polls.message_by_telegram_poll(telegram_poll_id)
    if message is None:
        return False
    poll = await uow.polls.get(message.poll_id)
    if poll is None or poll.closed_at is not None or poll.anonymous:
        return False
    organisation = (message.organisation_id if message.user_id == user.id
                    else await _organisation_in_body(uow, user.id, poll.body_id))
    choices = tuple(sorted({i for i in option_ids if 0 <= i < poll.option_count}))
    await uow.polls.put_vote(poll.id, Vote(user.id, organisation, choices, now))
    return True


async def totals_changed(uow: UnitOfWork, telegram_poll_id: str, counts: list[int],
                         voters: int) -> bool:
    """An anonymous poll message's new totals (``poll`` update); kept until the poll closes."""
    message = await uow.polls.message_by_telegram_poll(telegram_poll_id)
    if message is None:
        return False
    poll = await uow.polls.get(message.poll_id)
    if poll is None or poll.closed_at is not None or not poll.anonymous:
        return False
    await uow.polls.set_totals(message.id, list(counts), voters)
    return True


def _totals(poll: Poll, messages: list[PollMessage], votes: list[Vote]) -> Results:
    if poll.anonymous:
        return tally_anonymous([(m.counts, m.voters) for m in messages if m.counts],
                               poll.option_count)
    return tally(votes, poll.counting, poll.option_count)


async def _answers(uow: UnitOfWork, poll: Poll) -> tuple[list[PollMessage], list[Vote]]:
    """The poll's messages and, for a named poll, its answers: read once per use case."""
    votes = [] if poll.anonymous else await uow.polls.votes(poll.id)
    return await uow.polls.messages(poll.id), votes


async def results_of(uow: UnitOfWork, poll: Poll) -> Results:
    return _totals(poll, *await _answers(uow, poll))


@dataclass(slots=True)
class Report:
    """What the poll's creator sees: totals, and for named polls the breakdown and who has
    not answered yet."""

    poll: Poll
    results: Results
    reached: int  # chats the poll was delivered to so far
    chats: int  # chats it was sent to: the recipients, and the group if it was posted there
    breakdown: Breakdown | None = None
    waiting: list[tuple[int, int | None]] = field(default_factory=list)  # (user, organisation)


async def report(uow: UnitOfWork, viewer: Viewer, poll_id: int) -> Report:
    poll = await managed(uow, viewer, poll_id)
    messages, votes = await _answers(uow, poll)
    delivered = [m for m in messages if m.message_id is not None]
    found = Report(poll, _totals(poll, messages, votes), len(delivered), len(messages))
    if poll.anonymous:
        return found
    answering = {v.organisation_id for v in counted(votes, poll.counting)} - {None}
    places = await uow.organisations.places(sorted(answering))
    found.breakdown = breakdown(votes, poll.counting, poll.option_count, places)
    people = [(m.user_id, m.organisation_id) for m in delivered if m.user_id is not None]
    waiting = set(not_answered(people, votes, poll.counting))
    found.waiting = [(user, organisation) for user, organisation in people if user in waiting]
    return found


async def nudge(uow: UnitOfWork, viewer: Viewer, poll_id: int, texts: PollTexts,
                now: datetime) -> int:
    """Once per poll: a reminder, as a reply to their poll, to each person who has not
    answered (per organisation: nobody of an organisation that has)."""
    poll = await managed(uow, viewer, poll_id)
    if poll.anonymous or poll.closed_at is not None or poll.nudged_at is not None:
        raise StaleAction()
    body = await get_body(uow, poll.body_id)
    votes = await uow.polls.votes(poll.id)
    sent = {m.user_id: m for m in await uow.polls.messages(poll.id)
            if m.user_id is not None and m.message_id is not None}
    waiting = not_answered([(m.user_id, m.organisation_id) for m in sent.values()], votes,
                           poll.counting)
    users = await uow.users.get_many(waiting)
    text = _per_language(texts, "nudge", body, poll, None)
    queued = [Delivery(key=f"{key_prefix(poll.id)}{sent[user_id].chat_id}:nudge",
                       chat_id=sent[user_id].chat_id,
                       payload=replying(dict(text(users[user_id].locale)),
                                        sent[user_id].message_id),
                       priority=Priority.REMINDER)
              for user_id in waiting if user_id in users
              and users[user_id].unreachable_since is None]
    poll.nudged_at = now
    await uow.polls.save(poll)
    return await uow.deliveries.enqueue_many(queued, now)


async def close(uow: UnitOfWork, poll: Poll, texts: PollTexts, now: datetime) -> int:
    """Stop every poll message and send the final results to each chat that got the poll, in
    its language. What was still waiting in the outbox is not sent any more. Returns the
    number of results messages queued."""
    if poll.closed_at is not None:
        return 0
    poll.closed_at = now
    await uow.polls.save(poll)
    await uow.deliveries.cancel_pending(key_prefix(poll.id), now)
    await uow.reminders.cancel_pending(ReminderKind.POLL_CLOSE, poll.id, now)
    body = await get_body(uow, poll.body_id)
    every, votes = await _answers(uow, poll)
    results = _totals(poll, every, votes)
    messages = [m for m in every if m.message_id is not None]
    users = await uow.users.get_many([m.user_id for m in messages if m.user_id is not None])
    final = _per_language(texts, "results", body, poll, results)
    queued = []
    for message in messages:
        user = users.get(message.user_id) if message.user_id is not None else None
        if message.user_id is not None and (user is None or user.unreachable_since is not None):
            continue
        where = f"{key_prefix(poll.id)}{message.chat_id}"
        queued.append(Delivery(key=f"{where}:stop", chat_id=message.chat_id,
                               payload=stop_poll(message.message_id), priority=Priority.NOTICE))
        queued.append(Delivery(key=f"{where}:results", chat_id=message.chat_id,
                               payload=final(user.locale if user else None),
                               priority=Priority.REMINDER))
    await uow.deliveries.enqueue_many(queued, now)
    return len(queued) // 2


async def close_by_hand(uow: UnitOfWork, viewer: Viewer, poll_id: int, texts: PollTexts,
                        now: datetime) -> tuple[Poll, int]:
    poll = await managed(uow, viewer, poll_id)
    if poll.closed_at is not None:
        raise StaleAction()
    queued = await close(uow, poll, texts, now)
    await uow.audit.record("poll_closed", None, viewer.user_id, now)
    return poll, queued


async def close_due(uow: UnitOfWork, reminder: Reminder, texts: PollTexts, now: datetime
                    ) -> tuple[Outcome, int]:
    """The scheduler's closing row: the poll's time has come (after a restart, as soon as the
    bot is back)."""
    poll = await uow.polls.get(reminder.target_id)
    if poll is None or poll.closed_at is not None:
        return Outcome.CANCELLED, 0
    return Outcome.DONE, await close(uow, poll, texts, now)
