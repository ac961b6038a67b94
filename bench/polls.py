"""Quick polls at scale: a body's poll to many recipients, their answers, the creator's live view
of the results and closing, through the domain use cases on one database.

    python -m bench.polls [--recipients 10000] [--database-url URL]

Fills a temporary SQLite database (or, with ``--database-url``, e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``, a fresh schema in it, dropped afterwards)
with one coordination body (country AF, with a linked Telegram group) whose member organisations
(four staff each, locales spread over fa_AF, ps, tg and en; one or two provinces and sectors each,
varied over the reference data; names in Latin and in Arabic script) have ``--recipients`` users,
and the body's admin (in body_admins; the Viewer comes from ``viewer_for`` as the bot builds it).

A named poll, one answer counted per organisation, four options, with a Dari version, posted to
the group too, closing in three days, step by step:

- ``polls.create`` in one unit of work: seconds, deliveries queued.
- ``polls.record_sent`` for every poll message with a fake message id and Telegram poll id, as
  the outbox worker does after each send: the first 500 one per unit of work (as the worker
  does), the rest 500 per unit of work; then the poll's deliveries are marked sent in bulk.
- The creator's card as the /poll handler builds it (bot/tg/handlers/polls.py,
  ``creators_card``), and ``polls.report`` inside it on its own, in English and in Dari: p50/max
  of 20 runs each; the text's length against Telegram's 4,096 characters (card() shortens its
  lists to stay within 4,000 with the tags) and whether its HTML tags are balanced. Measured
  three times: before any answer, after the timed answers, after all of them.
- Answers through ``polls.answer``: users in a random order each answer once, 10% of them change
  their answer later and 5% retract it. The first users' answers (2,000 in all) each in its own
  unit of work, as the bot handles a ``poll_answer`` update (and, timed apart, the middleware's
  ``ensure_user`` that runs before it in a unit of work of its own); the card; ``polls.nudge``
  (its reminders then marked sent); the rest of the answers 500 per unit of work; 200 answers on
  the group's copy of the poll, one per unit of work (the voter's organisation in the body is
  looked up). After each round the totals are checked against what was answered.
- ``polls.close_by_hand`` (stop and results to every chat): seconds, deliveries queued, cancelled.

create and close are one long unit of work each: while each runs, a one-row write from elsewhere
(a new user's first update, through ``ensure_user``) starts every 0.5 s in the same event loop,
and shows how long other writers wait meanwhile (on SQLite the whole database is locked for
writing from a transaction's first write to its commit; the bot's busy timeout there is 5 s).

Then an anonymous poll to the same people: create, record_sent, ``polls.totals_changed`` for every
message (Telegram's ``poll`` updates: one for 90% of the messages, a second one for 10% whose
answer changed; the first 2,000 updates one per unit of work, the rest 500 per unit of work), the
totals checked, report and card, close. Last, the peak RSS of the process (everything ran in it).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import random
import re
import resource
import statistics
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.reminders import create_schema, engine_for, percentile
from bot.db.engine import UnitOfWorkFactory
from bot.db.migrate import upgrade_to_head
from bot.db.models import (
    BodyAdminRow,
    BodyMemberRow,
    CoordinationBodyRow,
    DeliveryRow,
    OrganisationProvinceRow,
    OrganisationRow,
    OrganisationSectorRow,
    StaffRow,
    UserRow,
)
from bot.domain import polls
from bot.domain.announcements import Audience
from bot.domain.delivery import DeliveryStatus
from bot.domain.entities import User
from bot.domain.organisations import viewer_for
from bot.domain.permissions import Viewer
from bot.domain.polls import Counting, Poll, PollMessage
from bot.domain.reference import load_reference
from bot.domain.users import ensure_user
from bot.i18n import Catalogs
from bot.tg.handlers.polls import creators_card
from bot.tg.schedule_views import ScheduleTexts

FIRST_TELEGRAM_ID = 810_000_000  # member n (from 0) has FIRST_TELEGRAM_ID + n and user id n + 2
ADMIN_TELEGRAM_ID = 809_999_999  # user id 1: the body admin who asks; not a recipient
GROUP_CHAT_ID = -1_009_876_543_210
PROBE_TELEGRAM_ID = 700_000_000  # the concurrent writes' new users: one each
PROBE_EVERY = 0.5  # seconds between them while create or close runs
BODY_ID = 1
STAFF_PER_ORGANISATION = 4
LOCALES = ("fa_AF", "ps", "tg", "en")
WEIGHTS = (45, 30, 15, 10)  # how often each option is chosen
CHANGED, RETRACTED = 0.10, 0.05  # of the users who answered
ANONYMOUS_ANSWERED = 0.90  # of the anonymous poll's messages that get a totals update
TIMED = 2_000  # answers (or totals updates) timed one per unit of work
SENT_ONE_BY_ONE = 500  # record_sent calls timed one per unit of work
PER_UNIT = 500  # answers, totals or record_sent calls per unit of work after the timed ones
GROUP_ANSWERS = 200
RUNS = 20  # of the creator's card, per language
TELEGRAM_TEXT_MAX = 4096

VERSIONS = {
    polls.FIRST: {
        "question": "Which needs should the next joint assessment in your provinces look at first?",
        "options": ["Food security and livelihoods", "Shelter and winterisation",
                    "Health and nutrition", "Education in emergencies"]},
    "fa_AF": {
        "question": "ارزیابی مشترک بعدی در ولایات شما نخست باید کدام نیازها را بررسی کند؟",
        "options": ["امنیت غذایی و معیشت", "سرپناه و آمادگی زمستانی", "صحت و تغذیه",
                    "آموزش در حالات اضطرار"]},
}


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def spread(values: list[float]) -> str:
    return f"p50 {seconds(statistics.median(values))}, max {seconds(max(values))}"


def one_by_one(durations: list[float], what: str = "") -> str:
    """Count, rate and spread of calls timed one per unit of work."""
    if not durations:
        return "none"
    return (f"{len(durations):,}{what} at {len(durations) / sum(durations):,.0f}/s (p50 "
            f"{seconds(statistics.median(durations))}, p99 {seconds(percentile(durations, 0.99))}, "
            f"max {seconds(max(durations))})")


async def probe_write(bench: Bench, telegram_user_id: int) -> tuple[float, str | None]:
    """A one-row write from elsewhere (a new user's first update, as the middleware stores it):
    seconds it took, and the error if it failed."""
    began = time.perf_counter()
    try:
        async with bench.uow_factory() as uow:
            await ensure_user(uow, telegram_user_id, "en", "Someone new")
    except Exception as error:
        return (time.perf_counter() - began,
                f"{type(error).__name__}: {str(error).splitlines()[0][:80]}")
    return time.perf_counter() - began, None


class Probes:
    """One-row writes started every PROBE_EVERY seconds while a long unit of work runs, in the
    same event loop (as the bot's other updates would be)."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.tasks: list[asyncio.Task] = []
        self.stop = asyncio.Event()
        self.runner = asyncio.create_task(self.run())

    async def run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.stop.wait(), PROBE_EVERY)
                return
            except TimeoutError:
                self.bench.probe_count += 1
                self.tasks.append(asyncio.create_task(
                    probe_write(self.bench, PROBE_TELEGRAM_ID + self.bench.probe_count)))

    async def summary(self) -> str:
        self.stop.set()
        await self.runner
        results = await asyncio.gather(*self.tasks)
        done = [took for took, error in results if error is None]
        failed = [(took, error) for took, error in results if error is not None]
        if not results:
            return f"    meanwhile: no concurrent write (it was over within {PROBE_EVERY:g} s)"
        line = (f"    meanwhile one-row writes (a new user's first update), one every "
                f"{PROBE_EVERY:g} s: {len(results)} started, {len(done)} done"
                + (f" ({spread(done)})" if done else ""))
        if failed:
            line += (f", {len(failed)} FAILED after {spread([took for took, _ in failed])}: "
                     f"{failed[0][1]}")
        return line


# -- the database --------------------------------------------------------------------------------

def organisation_places(org: int, sectors: list[str], provinces: list[str]
                        ) -> tuple[list[str], list[str]]:
    """One or two sectors and provinces per organisation, varied so every one of them is used."""
    own_sectors = [sectors[org % len(sectors)]]
    if org % 3 == 0:
        own_sectors.append(sectors[(org * 7 + 3) % len(sectors)])
    own_provinces = [provinces[(org // 2) % len(provinces)]]
    if org % 4 == 1:
        own_provinces.append(provinces[(org * 5 + 11) % len(provinces)])
    return list(dict.fromkeys(own_sectors)), list(dict.fromkeys(own_provinces))


async def populate(engine: AsyncEngine, recipients: int) -> dict[int, list[int]]:
    """The body, its member organisations and their staff; returns organisation -> user ids."""
    await upgrade_to_head(engine)
    ref = load_reference()
    sectors = [sector.code for sector in ref.sectors]
    provinces = [place.code for place in ref.places_in("AF")]
    now = datetime.now(UTC)
    users = [{"id": 1, "telegram_user_id": ADMIN_TELEGRAM_ID, "created_at": now, "locale": "en",
              "display_name": "Bench admin"}]
    orgs, org_sectors, org_provinces, staff, members = [], [], [], [], []
    people: dict[int, list[int]] = {}
    for n in range(recipients):
        if n % STAFF_PER_ORGANISATION == 0:
            org = len(orgs) + 1
            name = (f"Bench organisation {org} for relief and development" if org % 2
                    else f"مؤسسه همکاری و انکشاف شماره {org}")
            orgs.append({"id": org, "name": name, "kind": "ngo", "country": "AF",
                         "status": "verified", "visibility": "public", "created_at": now,
                         "updated_at": now})
            own_sectors, own_provinces = organisation_places(org, sectors, provinces)
            org_sectors += [{"organisation_id": org, "code": code, "position": i}
                            for i, code in enumerate(own_sectors)]
            org_provinces += [{"organisation_id": org, "code": code, "position": i}
                              for i, code in enumerate(own_provinces)]
            members.append({"body_id": BODY_ID, "organisation_id": org, "joined_at": now})
        org = len(orgs)
        users.append({"id": n + 2, "telegram_user_id": FIRST_TELEGRAM_ID + n, "created_at": now,
                      "locale": LOCALES[n % len(LOCALES)],
                      "display_name": f"Member {n}" if n % 2 else f"عضو {n}"})
        staff.append({"organisation_id": org, "user_id": n + 2,
                      "role": "owner" if n % STAFF_PER_ORGANISATION == 0 else "member"})
        people.setdefault(org, []).append(n + 2)
    async with engine.begin() as connection:
        await connection.execute(insert(CoordinationBodyRow), [{
            "id": BODY_ID, "name": "Bench coordination network", "country": "AF",
            "created_at": now, "names": {"fa_AF": "شبکه هماهنگی آزمایشی"},
            "group_chat_id": GROUP_CHAT_ID}])
        for table, rows in ((UserRow, users), (OrganisationRow, orgs),
                            (OrganisationSectorRow, org_sectors),
                            (OrganisationProvinceRow, org_provinces), (StaffRow, staff),
                            (BodyMemberRow, members)):
            for start in range(0, len(rows), 5000):
                await connection.execute(insert(table), rows[start:start + 5000])
        await connection.execute(insert(BodyAdminRow), [{"body_id": BODY_ID, "user_id": 1}])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("users", "organisations", "coordination_bodies"):
                await connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
    return people


async def deliveries_by_status(engine: AsyncEngine, poll_id: int) -> dict[str, int]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(DeliveryRow.status, func.count())
            .where(DeliveryRow.key.startswith(polls.key_prefix(poll_id)))
            .group_by(DeliveryRow.status))
        return {str(status): count for status, count in rows.all()}


async def mark_sent(engine: AsyncEngine, poll_id: int) -> None:
    """The poll's pending deliveries as the outbox would have left them by then: sent."""
    async with engine.begin() as connection:
        await connection.execute(update(DeliveryRow).where(
            DeliveryRow.key.startswith(polls.key_prefix(poll_id)),
            DeliveryRow.status == DeliveryStatus.PENDING.value)
            .values(status=DeliveryStatus.SENT.value, sent_at=datetime.now(UTC)))


def described(counts: dict[str, int]) -> str:
    return ", ".join(f"{status} {count:,}" for status, count in sorted(counts.items())) or "none"


# -- the steps -------------------------------------------------------------------------------------

@dataclass
class Bench:
    engine: AsyncEngine
    uow_factory: UnitOfWorkFactory
    texts: ScheduleTexts
    catalogs: Catalogs
    viewer: Viewer
    people: dict[int, list[int]]  # organisation -> its users
    users: dict[int, User] = field(default_factory=dict)
    clock: datetime = field(default_factory=lambda: datetime.now(UTC))
    probe_count: int = 0  # the concurrent writes so far

    def tick(self) -> datetime:
        """A strictly increasing time for answers (a millisecond apart), so their order is known."""
        self.clock += timedelta(milliseconds=1)
        return self.clock

    async def timed_units(self, calls: list[Callable], per_unit: int) -> list[float]:
        """Runs ``call(uow)`` for each, ``per_unit`` of them per unit of work; returns the
        seconds each unit of work took, commit included."""
        durations = []
        for start in range(0, len(calls), per_unit):
            began = time.perf_counter()
            async with self.uow_factory() as uow:
                for call in calls[start:start + per_unit]:
                    await call(uow)
            durations.append(time.perf_counter() - began)
        return durations


def telegram_poll_id(poll_id: int, index: int) -> str:
    return str(5_400_000_000_000_000_000 + poll_id * 10_000_000 + index)


def poll_draft(now: datetime, anonymous: bool) -> Poll:
    return Poll(id=None, body_id=BODY_ID, created_by=1, created_at=now, locale="en",
                versions={locale: {"question": v["question"], "options": list(v["options"])}
                          for locale, v in VERSIONS.items()},
                multiple=False, anonymous=anonymous,
                counting=Counting.PER_USER if anonymous else Counting.PER_ORGANISATION,
                audience=Audience(), closes_at=now + timedelta(hours=72), post_to_group=True)


async def create(bench: Bench, anonymous: bool) -> Poll:
    now = datetime.now(UTC)
    probes = Probes(bench)
    began = time.perf_counter()
    async with bench.uow_factory() as uow:
        poll = await polls.create(uow, bench.viewer, poll_draft(now, anonymous), bench.texts, now)
    took = time.perf_counter() - began
    probed = await probes.summary()
    queued = sum((await deliveries_by_status(bench.engine, poll.id)).values())
    print(f"  create: {seconds(took)} in one unit of work; {poll.recipients:,} recipients and the "
          f"group; {queued:,} deliveries queued (note and poll per chat)")
    print(probed)
    return poll


async def send(bench: Bench, poll: Poll) -> dict[int, str]:
    """record_sent for every message as the worker would; returns chat id -> Telegram poll id."""
    async with bench.uow_factory() as uow:
        messages = await uow.polls.messages(poll.id)
    ids = {m.chat_id: telegram_poll_id(poll.id, i) for i, m in enumerate(messages)}

    def recorder(index: int, message: PollMessage):
        async def call(uow) -> None:
            await polls.record_sent(uow, poll.id, message.chat_id, 1000 + index,
                                    ids[message.chat_id], datetime.now(UTC))
        return call

    calls = [recorder(i, m) for i, m in enumerate(messages)]
    single = await bench.timed_units(calls[:SENT_ONE_BY_ONE], 1)
    batched = await bench.timed_units(calls[SENT_ONE_BY_ONE:], PER_UNIT)
    line = f"  record_sent, one per unit of work: {one_by_one(single)}"
    if batched:
        done = len(calls) - len(single)
        line += f"; {done:,} more, {PER_UNIT} per unit of work, at {done / sum(batched):,.0f}/s"
    print(line)
    await mark_sent(bench.engine, poll.id)
    return ids


@dataclass
class Answer:
    user_id: int
    choices: list[int]
    poll_id: str  # Telegram's


def answers_of(bench: Bench, ids: dict[int, str], rng: random.Random) -> list[list[Answer]]:
    """Per user, in a random order of users: the first answer, then (10%) another option, or
    (5%) a retraction; every user answers."""
    members = sorted(bench.users.values(), key=lambda u: u.id)
    changing = {u.id for u in rng.sample(members, round(CHANGED * len(members)))}
    retracting = {u.id for u in rng.sample(members, round(RETRACTED * len(members)))}
    rng.shuffle(members)
    found = []
    for user in members:
        first = rng.choices(range(len(WEIGHTS)), WEIGHTS)[0]
        own = [Answer(user.id, [first], ids[user.telegram_user_id])]
        if user.id in changing:
            own.append(Answer(user.id, [(first + rng.randrange(1, len(WEIGHTS))) % len(WEIGHTS)],
                              ids[user.telegram_user_id]))
        if user.id in retracting:
            own.append(Answer(user.id, [], ids[user.telegram_user_id]))
        found.append(own)
    return found


def in_order(per_user: list[list[Answer]]) -> list[Answer]:
    """First answers of all these users, then their second ones, then the third ones."""
    return [own[step] for step in range(3) for own in per_user if step < len(own)]


class Answering:
    """The named poll's answers, in two rounds: the timed one, one per unit of work, then the
    rest. ``last``: user -> (time, choices) of each one's last answer."""

    def __init__(self, bench: Bench, ids: dict[int, str], rng: random.Random) -> None:
        self.bench, self.ids, self.rng = bench, ids, rng
        self.per_user = answers_of(bench, ids, rng)
        self.timed_users, count = 0, 0
        for own in self.per_user:
            if count >= TIMED:
                break
            self.timed_users += 1
            count += len(own)
        self.last: dict[int, tuple[datetime, list[int]]] = {}
        self.refused = 0

    def answering(self, given: Answer):
        async def call(uow) -> None:
            at = self.bench.tick()
            if not await polls.answer(uow, self.bench.users[given.user_id], given.poll_id,
                                      given.choices, at):
                self.refused += 1
            self.last[given.user_id] = (at, given.choices)
        return call

    async def timed(self) -> None:
        """As the bot takes a poll_answer update: the middleware's ensure_user in a unit of work
        of its own, then polls.answer in another (timed apart)."""
        timed = in_order(self.per_user[:self.timed_users])
        lookups, durations = [], []
        for given in timed:
            user = self.bench.users[given.user_id]
            began = time.perf_counter()
            async with self.bench.uow_factory() as uow:
                await ensure_user(uow, user.telegram_user_id, "en", user.display_name)
            lookups.append(time.perf_counter() - began)
            durations += await self.bench.timed_units([self.answering(given)], 1)
        kinds = (f" ({self.timed_users:,} first answers, {len(timed) - self.timed_users:,} "
                 "changed or retracted)")
        print(f"  answers, one per unit of work: {one_by_one(durations, kinds)}; with the "
              f"middleware's ensure_user before each (p50 {seconds(statistics.median(lookups))}): "
              f"{len(timed) / (sum(durations) + sum(lookups)):,.0f} updates/s"
              + (f"; {self.refused} refused" if self.refused else ""))

    async def rest(self) -> None:
        rest = in_order(self.per_user[self.timed_users:])
        if rest:
            batched = await self.bench.timed_units([self.answering(given) for given in rest],
                                                   PER_UNIT)
            print(f"  answers, {PER_UNIT} per unit of work: {len(rest):,} more at "
                  f"{len(rest) / sum(batched):,.0f}/s")
        # Some answer on the group's copy of the poll too (a later answer replaces theirs).
        voters = self.rng.sample(sorted(self.bench.users),
                                 min(GROUP_ANSWERS, len(self.bench.users)))
        in_group = [Answer(user_id, [self.rng.choices(range(len(WEIGHTS)), WEIGHTS)[0]],
                           self.ids[GROUP_CHAT_ID]) for user_id in voters]
        grouped = await self.bench.timed_units([self.answering(given) for given in in_group], 1)
        print(f"  answers on the group's poll, one per unit of work: {one_by_one(grouped)}"
              + (f"; {self.refused} refused" if self.refused else ""))


def expected_named(bench: Bench, last: dict[int, tuple[datetime, list[int]]]) -> tuple[list[int], int]:
    """Per organisation: the latest standing answer of its people (the group's voters answered
    for their own organisation). Returns (counts per option, organisations answering)."""
    counts = [0] * len(WEIGHTS)
    answering = 0
    for user_ids in bench.people.values():
        standing = [last[u] for u in user_ids if u in last and last[u][1]]
        if standing:
            answering += 1
            for index in max(standing)[1]:
                counts[index] += 1
    return counts, answering


def html_checked(value: str) -> str:
    visible = html.unescape(re.sub(r"<[^>]+>", "", value))
    opened, closed = len(re.findall(r"<b>", value)), len(re.findall(r"</b>", value))
    return (f"{len(value):,} characters with the tags, {len(visible):,} without (Telegram's limit "
            f"{TELEGRAM_TEXT_MAX:,}: {'within' if len(visible) <= TELEGRAM_TEXT_MAX else 'OVER'}); "
            f"<b> {opened} / </b> {closed}{'' if opened == closed else ' (UNBALANCED)'}")


async def view(bench: Bench, poll: Poll, when: str) -> None:
    """The creator's card as the bot builds it (bot/tg/handlers/polls.py creators_card), in
    English and Dari; polls.report, the use case inside it, also on its own."""
    for locale in ("en", "fa_AF"):
        t = bench.catalogs.translator(locale)
        reporting, carding = [], []
        for _ in range(RUNS):
            began = time.perf_counter()
            async with bench.uow_factory() as uow:
                report = await polls.report(uow, bench.viewer, poll.id)
            reporting.append(time.perf_counter() - began)
            began = time.perf_counter()
            async with bench.uow_factory() as uow:
                card, markup = await creators_card(uow, bench.viewer, t, poll.id)
            carding.append(time.perf_counter() - began)
        buttons = sum(len(row) for row in markup.inline_keyboard)
        print(f"  card {when} ({locale}, {RUNS} runs): polls.report {spread(reporting)}; "
              f"the whole card {spread(carding)}")
        print(f"    text {html_checked(card)}; {buttons} buttons")
    summary = (f"    report: {report.results.voters:,} "
               f"{'people' if poll.anonymous else 'organisations'} answered, counts "
               f"{report.results.counts}, delivered to {report.reached:,} chats")
    if report.breakdown is not None:
        summary += (f", {len(report.breakdown.by_province)} provinces and "
                    f"{len(report.breakdown.by_sector)} sectors in the breakdown, "
                    f"{len(report.waiting):,} people waiting")
    print(summary)


async def nudge(bench: Bench, poll: Poll) -> None:
    began = time.perf_counter()
    async with bench.uow_factory() as uow:
        queued = await polls.nudge(uow, bench.viewer, poll.id, bench.texts, datetime.now(UTC))
    print(f"  nudge: {seconds(time.perf_counter() - began)} in one unit of work; {queued:,} "
          "reminders queued (then marked sent)")
    await mark_sent(bench.engine, poll.id)


async def close(bench: Bench, poll: Poll) -> None:
    before = await deliveries_by_status(bench.engine, poll.id)
    probes = Probes(bench)
    began = time.perf_counter()
    async with bench.uow_factory() as uow:
        _poll, queued = await polls.close_by_hand(uow, bench.viewer, poll.id, bench.texts,
                                                  datetime.now(UTC))
    took = time.perf_counter() - began
    probed = await probes.summary()
    after = await deliveries_by_status(bench.engine, poll.id)
    added = sum(after.values()) - sum(before.values())
    cancelled = after.get("cancelled", 0) - before.get("cancelled", 0)
    print(f"  close: {seconds(took)} in one unit of work; results to {queued:,} chats, "
          f"{added:,} deliveries queued (stop + results), {cancelled:,} pending ones cancelled; "
          f"the poll's deliveries now: {described(after)}")
    print(probed)


async def anonymous_totals(bench: Bench, ids: dict[int, str], rng: random.Random
                           ) -> tuple[list[int], int]:
    """Telegram's ``poll`` updates: each private chat's poll has one voter (or none); the group's
    copy gathers a few dozen. Returns the expected (counts per option, voters)."""
    latest: dict[str, tuple[list[int], int]] = {}
    updates: list[tuple[str, list[int], int]] = []
    group_counts = [0] * len(WEIGHTS)
    for chat_id, poll_id in ids.items():
        if chat_id == GROUP_CHAT_ID:
            continue
        if rng.random() >= ANONYMOUS_ANSWERED:
            continue
        counts = [0] * len(WEIGHTS)
        counts[rng.choices(range(len(WEIGHTS)), WEIGHTS)[0]] = 1
        updates.append((poll_id, counts, 1))
        if rng.random() < CHANGED:
            counts = [0] * len(WEIGHTS)
            counts[rng.randrange(len(WEIGHTS))] = 1
            updates.append((poll_id, counts, 1))
        if rng.random() < 0.02:  # one in fifty also shares it in the group
            group_counts[rng.choices(range(len(WEIGHTS)), WEIGHTS)[0]] += 1
            updates.append((ids[GROUP_CHAT_ID], list(group_counts), sum(group_counts)))
    refused = 0

    def updating(poll_id: str, counts: list[int], voters: int):
        async def call(uow) -> None:
            nonlocal refused
            if not await polls.totals_changed(uow, poll_id, counts, voters):
                refused += 1
            latest[poll_id] = (counts, voters)
        return call

    calls = [updating(*u) for u in updates]
    single = await bench.timed_units(calls[:TIMED], 1)
    line = f"  totals_changed, one per unit of work: {one_by_one(single)}"
    if len(calls) > TIMED:
        batched = await bench.timed_units(calls[TIMED:], PER_UNIT)
        line += (f"; {len(calls) - TIMED:,} more, {PER_UNIT} per unit of work, at "
                 f"{(len(calls) - TIMED) / sum(batched):,.0f}/s")
    print(line + (f"; {refused} refused" if refused else ""))
    expected = [sum(counts[i] for counts, _ in latest.values()) for i in range(len(WEIGHTS))]
    return expected, sum(voters for _, voters in latest.values())


async def check(bench: Bench, poll: Poll, expected: tuple[list[int], int]) -> None:
    async with bench.uow_factory() as uow:
        results = await polls.results_of(uow, await polls.get(uow, poll.id))
    same = (results.counts, results.voters) == expected
    print(f"  results_of: counts {results.counts}, voters {results.voters:,}: "
          + ("as answered" if same else f"EXPECTED counts {expected[0]}, voters {expected[1]:,}"))


# -- the benchmark -------------------------------------------------------------------------------

async def measure(url: str, schema: str | None, recipients: int) -> None:
    engine = engine_for(url, schema)
    try:
        began = time.perf_counter()
        people = await populate(engine, recipients)
        print(f"  database filled in {time.perf_counter() - began:.1f} s: {len(people):,} member "
              f"organisations, {recipients:,} users")
        uow_factory = UnitOfWorkFactory(engine)
        catalogs = Catalogs()
        async with uow_factory() as uow:
            admin = await uow.users.by_telegram_id(ADMIN_TELEGRAM_ID)
            viewer = await viewer_for(uow, admin, ())
            members = await uow.users.get_many([u for ids in people.values() for u in ids])
        bench = Bench(engine, uow_factory, ScheduleTexts(catalogs, load_reference(),
                                                         lambda: datetime.now(UTC)),
                      catalogs, viewer, people, members)
        rng = random.Random(20240611)

        print("Named poll, one answer per organisation:")
        poll = await create(bench, anonymous=False)
        ids = await send(bench, poll)
        answering = Answering(bench, ids, rng)
        await view(bench, poll, "before any answer")
        await answering.timed()
        await check(bench, poll, expected_named(bench, answering.last))
        await view(bench, poll, "after those answers")
        await nudge(bench, poll)
        await answering.rest()
        await check(bench, poll, expected_named(bench, answering.last))
        await view(bench, poll, "after every answer")
        await close(bench, poll)

        print("Anonymous poll:")
        poll = await create(bench, anonymous=True)
        ids = await send(bench, poll)
        expected = await anonymous_totals(bench, ids, rng)
        await check(bench, poll, expected)
        await view(bench, poll, "after every update")
        await close(bench, poll)
    finally:
        await engine.dispose()
    print(f"Peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def run(args: argparse.Namespace) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url else None
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'hamkari.sqlite3'}"
        if schema:
            asyncio.run(create_schema(url, schema))
        try:
            asyncio.run(measure(url, schema, args.recipients))
        finally:
            if schema:
                asyncio.run(create_schema(url, schema, drop=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/"
                        "test (a fresh schema in it); a temporary SQLite file by default")
    args = parser.parse_args()
    if args.recipients < STAFF_PER_ORGANISATION:
        parser.error(f"at least {STAFF_PER_ORGANISATION} recipients")
    backend = (urllib.parse.urlsplit(args.database_url).scheme.split("+")[0]
               if args.database_url else "SQLite")
    print(f"Polls: {args.recipients:,} recipients in organisations of {STAFF_PER_ORGANISATION}, "
          f"one body with its group; {backend}")
    run(args)


if __name__ == "__main__":
    main()
