"""Meeting reminders that all fall due at once, from the reminder tick to a fake Bot API server.

    python -m bench.reminders [--reminders 10000] [--per-second 30] [--meetings 100]
                              [--lead 5] [--database-url URL]

Fills a temporary SQLite database (or, with ``--database-url``, e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``, a fresh schema in it, dropped afterwards)
with one coordination body whose member organisations (four staff each, locales spread over
fa_AF, ps, tg and en) have ``--reminders`` users in all, split into ``--meetings`` groups: each
group's organisations share a sector and a province that no other group has. One meeting per
group is scheduled through the domain use case (``bot.domain.meetings.schedule``, as its body
admin, with the wall clock), audience that sector and province, with one reminder an hour
before; so each user is invited to exactly one meeting and ``--reminders`` reminder messages are
due in all (100 meetings x 100 invitees by default). The invitations it queued are marked sent,
so only the reminders are measured.

Then starts bench/fake_telegram.py (30 messages a second overall, one a second per chat, 429s
beyond) and, in a child process standing in for the bot, the reminder tick and the outbox worker
as app.py runs them: ``ReminderScheduler.tick`` every 20 s (TICK_EVERY, the first 1 s after
start) plus one wake-up at the next due moment, and ``DeliveryWorker`` with its own Bot (no
AIORateLimiter) sending over HTTP, all on the wall clock and in one event loop. Just before the
ticks start, the meetings are moved so that every reminder is due ``--lead`` seconds later (at a
whole second); the child stops when every reminder row is done and nothing is left to send.

Prints: the time from the due moment to the tick having queued everything; the lateness (the
fake server's time of acceptance minus the due moment) of the first message and p50/p99/max over
all of them; the total drain against the ideal ``reminders / per_second``; the achieved rate as a
fraction of the limit; 429s; duplicates (the same text to the same chat again) and losses
(invitees with no reminder); the outbox and reminder rows afterwards; peak RSS of the child.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.announce import ROOT, get, start_server
from bench.broadcast import free_port, stats
from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import (
    BodyAdminRow,
    BodyMemberRow,
    CoordinationBodyRow,
    DeliveryRow,
    MeetingRow,
    OrganisationProvinceRow,
    OrganisationRow,
    OrganisationSectorRow,
    ReminderRow,
    StaffRow,
    UserRow,
)
from bot.domain.announcements import Audience
from bot.domain.delivery import DeliveryStatus
from bot.domain.reference import load_reference
from bot.domain.schedule import ReminderKind

TOKEN = "123456789:AAbench-token-for-the-fake-api-only"
FIRST_TELEGRAM_ID = 800_000_000  # invitee n (from 0) has FIRST_TELEGRAM_ID + n
ADMIN_TELEGRAM_ID = 799_999_999  # the body admin who schedules; not invited
STAFF_PER_ORGANISATION = 4
LOCALES = ("fa_AF", "ps", "tg", "en")
ZONE = "Asia/Kabul"
OFFSET = timedelta(minutes=60)  # the one reminder: an hour before the meeting
KEY_PREFIX = "mtg:"


# -- the database --------------------------------------------------------------------------------

def engine_for(url: str, schema: str | None) -> AsyncEngine:
    if schema is None:
        return make_engine(url)
    return create_async_engine(url, pool_pre_ping=True,
                               connect_args={"server_settings": {"search_path": schema}})


async def create_schema(url: str, schema: str, drop: bool = False) -> None:
    admin = create_async_engine(url)
    async with admin.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE' if drop
                                      else f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()


def groups(meetings: int) -> list[tuple[str, str]]:
    """A (sector, province) pair per meeting, no two alike."""
    ref = load_reference()
    sectors = [sector.code for sector in ref.sectors]
    provinces = [place.code for place in ref.places_in("AF")]
    if meetings > len(sectors) * len(provinces):
        raise SystemExit(f"at most {len(sectors) * len(provinces)} meetings (one per sector and "
                         "province pair)")
    return [(sectors[g % len(sectors)], provinces[g // len(sectors)]) for g in range(meetings)]


def sizes(reminders: int, meetings: int) -> list[int]:
    """Invitees per meeting, as even as can be."""
    return [reminders // meetings + (g < reminders % meetings) for g in range(meetings)]


async def populate(engine: AsyncEngine, reminders: int, meetings: int) -> list[int]:
    """The body, its member organisations and their staff; returns the invitees' chat ids."""
    await upgrade_to_head(engine)
    now = datetime.now(UTC)
    pairs = groups(meetings)
    users = [{"id": 1, "telegram_user_id": ADMIN_TELEGRAM_ID, "created_at": now, "locale": "en",
              "display_name": "Bench admin"}]
    orgs, sectors, provinces, staff, members = [], [], [], [], []
    n = 0
    for g, count in enumerate(sizes(reminders, meetings)):
        sector, province = pairs[g]
        for i in range(count):
            if i % STAFF_PER_ORGANISATION == 0:
                org = len(orgs) + 1
                orgs.append({"id": org, "name": f"Bench organisation {org}", "kind": "ngo",
                             "country": "AF", "status": "verified", "visibility": "public",
                             "created_at": now, "updated_at": now})
                sectors.append({"organisation_id": org, "code": sector, "position": 0})
                provinces.append({"organisation_id": org, "code": province, "position": 0})
                members.append({"body_id": 1, "organisation_id": org, "joined_at": now})
            users.append({"id": n + 2, "telegram_user_id": FIRST_TELEGRAM_ID + n,
                          "created_at": now, "locale": LOCALES[n % len(LOCALES)],
                          "display_name": f"Member {n}",
                          # a few read their own zone too ("Your time: ...")
                          "time_zone": "Asia/Dushanbe" if n % 10 == 9 else None})
            staff.append({"organisation_id": len(orgs), "user_id": n + 2,
                          "role": "owner" if i % STAFF_PER_ORGANISATION == 0 else "member"})
            n += 1
    async with engine.begin() as connection:
        await connection.execute(insert(CoordinationBodyRow), [{
            "id": 1, "name": "Bench coordination network", "country": "AF", "created_at": now,
            "names": {}}])
        for table, rows in ((UserRow, users), (OrganisationRow, orgs),
                            (OrganisationSectorRow, sectors),
                            (OrganisationProvinceRow, provinces), (StaffRow, staff),
                            (BodyMemberRow, members)):
            for start in range(0, len(rows), 5000):
                await connection.execute(insert(table), rows[start:start + 5000])
        await connection.execute(insert(BodyAdminRow), [{"body_id": 1, "user_id": 1}])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("users", "organisations", "coordination_bodies"):
                await connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
    return [FIRST_TELEGRAM_ID + k for k in range(n)]


async def schedule_meetings(engine: AsyncEngine, meetings: int, mark: str) -> tuple[int, int]:
    """Through the use case, on the wall clock, two hours ahead (moved to the due moment later);
    then the invitations are marked sent. Returns (invitations queued, reminder rows)."""
    from bot.domain import meetings as mt
    from bot.domain.meetings import Meeting
    from bot.domain.permissions import Viewer
    from bot.i18n import Catalogs
    from bot.tg.schedule_views import ScheduleTexts

    uow_factory = UnitOfWorkFactory(engine)
    texts = ScheduleTexts(Catalogs(), load_reference(), lambda: datetime.now(UTC))
    viewer = Viewer(user_id=1, administered_body_ids=frozenset({1}))
    queued = 0
    for g, (sector, province) in enumerate(groups(meetings)):
        now = datetime.now(UTC)
        starts_at = (now + timedelta(hours=3)).replace(second=0, microsecond=0)
        meeting = Meeting(
            id=None, body_id=1, title=f"{mark} meeting {g + 1}", starts_at=starts_at,
            time_zone=ZONE, created_by=1, created_at=now, place="Kabul, the usual place",
            agenda="1. Updates from the provinces\n2. Joint needs assessment\n3. Any other business",
            audience=Audience((sector,), (province,)), frequency="none",
            calendar="gregorian", series_start=starts_at.astimezone(ZoneInfo(ZONE)).date(),
            reminder_offsets=(int(OFFSET.total_seconds() // 60),))
        async with uow_factory() as uow:
            _meeting, count = await mt.schedule(uow, viewer, meeting, texts, now)
        queued += count
    async with engine.begin() as connection:
        await connection.execute(update(DeliveryRow).where(DeliveryRow.key.like(KEY_PREFIX + "%"))
                                 .values(status=DeliveryStatus.SENT.value,
                                         sent_at=datetime.now(UTC)))
        rows = await connection.scalar(select(func.count()).select_from(ReminderRow).where(
            ReminderRow.kind == ReminderKind.MEETING.value))
    return queued, rows


async def place_due(engine: AsyncEngine, due: datetime) -> None:
    """Move every meeting so that its reminder is due at ``due`` (and it starts an hour later)."""
    async with engine.begin() as connection:
        await connection.execute(update(MeetingRow).values(
            starts_at=due + OFFSET, series_start=(due + OFFSET).astimezone(ZoneInfo(ZONE)).date()))
        await connection.execute(update(ReminderRow).where(
            ReminderRow.kind == ReminderKind.MEETING.value).values(due_at=due))
        await connection.execute(update(ReminderRow).where(
            ReminderRow.kind == ReminderKind.MEETING_START.value).values(due_at=due + OFFSET))


async def afterwards(engine: AsyncEngine) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """The reminders' deliveries by status and the reminder rows by outcome."""
    async with UnitOfWorkFactory(engine)() as uow:
        outcomes = await uow.reminders.outcomes()
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(DeliveryRow.status, func.count()).where(
                DeliveryRow.key.like(KEY_PREFIX + "%"),
                DeliveryRow.key.not_like(KEY_PREFIX + "%:invitation:%"))
            .group_by(DeliveryRow.status))
        return {str(status): count for status, count in rows.all()}, outcomes


# -- the child process: the bot's tick and outbox worker ------------------------------------------

class Ticks:
    """app.py's reminder jobs on asyncio: a repeating one (every TICK_EVERY, first after 1 s, a
    run skipped while the previous is still going, as APScheduler's max_instances=1 does) and a
    one-off wake-up at the next due moment when that comes sooner."""

    def __init__(self, scheduler, every: float) -> None:
        self.scheduler, self.every = scheduler, every
        self.wake: asyncio.Task | None = None
        self.log: list[dict] = []
        self.errors: list[str] = []

    async def repeating(self) -> None:
        started = time.monotonic()
        running: asyncio.Task | None = None
        for n in range(1_000_000):
            await asyncio.sleep(max(0.0, started + 1 + n * self.every - time.monotonic()))
            if running is None or running.done():
                running = asyncio.create_task(self.tick("repeating"))

    async def _wake(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.wake = None  # a one-off job leaves the job store when it runs
        await self.tick("wake-up")

    async def tick(self, job: str) -> None:
        started = time.time()
        try:
            totals = await self.scheduler.tick()
            due = await self.scheduler.next_due()
        except Exception:
            self.errors.append(traceback.format_exc())
            return
        self.log.append({"job": job, "started": started, "ended": time.time(),
                         "totals": dict(totals)})
        wait = (due - datetime.now(UTC)).total_seconds() if due else None
        if wait is not None and 0 < wait < self.every and self.wake is None:
            self.wake = asyncio.create_task(self._wake(wait + 0.05))


async def bot_side(url: str, schema: str | None, api: str, per_second: float, lead: float,
                   give_up_after: float) -> dict:
    """Returns what it saw, for the report file."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.delivery.worker import DeliveryWorker
    from bot.i18n import Catalogs
    from bot.scheduler.ticks import TICK_EVERY, ReminderScheduler
    from bot.tg.gateway import TelegramGateway
    from bot.tg.schedule_views import ScheduleTexts

    engine = engine_for(url, schema)
    uow_factory = UnitOfWorkFactory(engine)

    def wall() -> datetime:
        return datetime.now(UTC)

    scheduler = ReminderScheduler(uow_factory, ScheduleTexts(Catalogs(), load_reference(), wall),
                                  now=wall)
    bot = Bot(TOKEN, base_url=api, request=HTTPXRequest(connection_pool_size=16))
    await bot.initialize()
    worker = DeliveryWorker(uow_factory, TelegramGateway(bot), per_second=per_second, now=wall)

    start = time.time()
    due = datetime.fromtimestamp(math.ceil(start + lead), UTC)
    await place_due(engine, due)
    ticks = Ticks(scheduler, TICK_EVERY.total_seconds())
    started = time.time()
    tasks = {"ticks": asyncio.create_task(ticks.repeating()),
             "worker": asyncio.create_task(worker.run_forever())}
    stopped = "done"
    deadline = time.monotonic() + give_up_after
    while True:
        await asyncio.sleep(0.5)
        if tasks["worker"].done():
            error = tasks["worker"].exception()
            stopped = "the worker task ended" + (
                ":\n" + "".join(traceback.format_exception(error)) if error else "")
            break
        if time.monotonic() > deadline:
            stopped = "timeout"
            break
        if datetime.now(UTC) <= due:
            continue
        async with uow_factory() as uow:
            next_due = await uow.reminders.next_due()
            pending = (await uow.deliveries.counts(KEY_PREFIX)).get(DeliveryStatus.PENDING, 0)
        if (next_due is None or next_due > due) and not pending:
            break
    for task in tasks.values():
        task.cancel()
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    if ticks.wake is not None:
        ticks.wake.cancel()
    ended = time.time()
    await bot.shutdown()
    await engine.dispose()
    return {"due": due.timestamp(), "ticks_started": started, "ended": ended, "ticks": ticks.log,
            "tick_errors": ticks.errors, "sent": worker.sent, "stopped": stopped,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# -- the benchmark -------------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(fraction * 1000) - 1]


def run(args: argparse.Namespace) -> None:
    mark = f"Bench{secrets.token_hex(3)}"
    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url else None
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        url = args.database_url or f"sqlite+aiosqlite:///{scratch / 'hamkari.sqlite3'}"
        if schema:
            asyncio.run(create_schema(url, schema))
        try:
            measure(args, url, schema, scratch, mark)
        finally:
            if schema:
                asyncio.run(create_schema(url, schema, drop=True))


def measure(args: argparse.Namespace, url: str, schema: str | None, scratch: Path,
            mark: str) -> None:
    async def seed() -> tuple[list[int], float, int, int]:
        engine = engine_for(url, schema)
        started = time.monotonic()
        chats = await populate(engine, args.reminders, args.meetings)
        filled = time.monotonic() - started
        invitations, rows = await schedule_meetings(engine, args.meetings, mark)
        await engine.dispose()
        return chats, filled, invitations, rows

    started = time.monotonic()
    chats, filled, invitations, rows = asyncio.run(seed())
    print(f"  database filled in {filled:.1f} s; {args.meetings} meetings scheduled through "
          f"meetings.schedule in {time.monotonic() - started - filled:.1f} s "
          f"({invitations:,} invitations queued and marked sent, {rows} reminder rows)")
    port = free_port()
    server = start_server(port, args.per_second)
    report = scratch / "bot.json"
    ideal = args.reminders / args.per_second
    command = [sys.executable, "-m", "bench.reminders", "--bot", url,
               "--api", f"http://127.0.0.1:{port}/bot", "--per-second", str(args.per_second),
               "--lead", str(args.lead), "--report", str(report),
               "--timeout", str(3 * ideal + 300)] + (["--schema", schema] if schema else [])
    try:
        started_at = time.time()
        child = subprocess.Popen(command, cwd=ROOT)
        child.wait()
        figures = json.loads(report.read_text()) if report.exists() else None
        received = get(port, "/received", contains=mark, since=started_at, chats=1)
        totals = stats(port)
    finally:
        server.terminate()
        server.wait()

    async def read_back() -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
        engine = engine_for(url, schema)
        try:
            return await afterwards(engine)
        finally:
            await engine.dispose()

    deliveries, outcomes = asyncio.run(read_back())
    if figures is None:
        print(f"  the child process exited with {child.returncode} and left no report")
        return
    summarise(args, figures, received, totals, chats, deliveries, outcomes, ideal)


def summarise(args, figures: dict, received: dict, totals: dict, chats: list[int],
              deliveries: dict[str, int], outcomes: dict, ideal: float) -> None:
    due = figures["due"]
    print(f"  ticks started {due - figures['ticks_started']:.1f} s before the due moment; "
          f"child stopped: {figures['stopped'].strip()}")
    for error in figures["tick_errors"]:
        print("  a tick failed:\n    " + error.strip().replace("\n", "\n    "))
    working = [tick for tick in figures["ticks"] if tick["totals"]]
    for tick in working:
        queued = sum(v for k, v in tick["totals"].items() if not k.endswith("_rows"))
        print(f"  {tick['job']} tick began {tick['started'] - due:+.2f} s from due, queued "
              f"{queued:,} messages ({tick['totals']}) in {tick['ended'] - tick['started']:.2f} s")
    if working:
        print(f"  everything queued {working[-1]['ended'] - due:.2f} s after due")
    times = received.get("times") or []
    if not times:
        print("  nothing was delivered")
    else:
        lateness = [at - due for at in times]
        first, last = times[0], times[-1]
        span = last - first
        rate = (len(times) - 1) / span if span > 0 else 0.0
        print(f"  first message {lateness[0]:.2f} s after due; lateness p50 "
              f"{percentile(lateness, 0.5):.1f} s, p99 {percentile(lateness, 0.99):.1f} s, "
              f"max {lateness[-1]:.1f} s")
        print(f"  drained {last - due:.1f} s after due; ideal {ideal:.1f} s "
              f"({args.reminders:,} / {args.per_second:g} per s): {(last - due) / ideal:.3f} "
              "of ideal")
        print(f"  {len(times):,} messages to {received['chats']:,} chats in {span:.1f} s of "
              f"sending: {rate:.2f}/s = {rate / args.per_second:.3f} of the limit "
              f"({args.per_second:g}/s)")
    reached = {int(chat) for chat in received.get("per_chat", {})}
    lost = len(set(chats) - reached)
    strangers = len(reached - set(chats))
    print(f"  429s: {totals['too_many_requests']} ({totals['too_many_for_chat']} of them for the "
          f"per-chat limit); duplicates {received['duplicates']}; lost {lost}"
          + (f"; to non-invitees {strangers}" if strangers else ""))
    print(f"  reminder deliveries afterwards: "
          f"{', '.join(f'{k} {v:,}' for k, v in sorted(deliveries.items())) or 'none'}; "
          "reminder rows: " + ", ".join(f"{outcome} {count} ({queued:,} queued)" for
                                        outcome, (count, queued) in sorted(outcomes.items())))
    print(f"  peak RSS of the tick + worker process: {figures['peak_rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--per-second", type=float, default=30)
    parser.add_argument("--meetings", type=int, default=100)
    parser.add_argument("--lead", type=float, default=5,
                        help="seconds from the start of the ticks to the due moment")
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/"
                        "test (a fresh schema in it); a temporary SQLite file by default")
    parser.add_argument("--bot", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=3600, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bot:
        figures = asyncio.run(bot_side(args.bot, args.schema, args.api, args.per_second,
                                       args.lead, args.timeout))
        args.report.write_text(json.dumps(figures))
        return
    if args.meetings < 1 or args.reminders < args.meetings:
        parser.error("need at least one meeting and one invitee per meeting")
    backend = (urllib.parse.urlsplit(args.database_url).scheme.split("+")[0]
               if args.database_url else "SQLite")
    print(f"Reminders: {args.reminders:,} due at the same moment ({args.meetings} meetings, "
          f"{args.reminders / args.meetings:g} invitees each, one reminder an hour before), "
          f"limit {args.per_second:g}/s, fake Bot API over HTTP enforcing it with 429s; {backend}")
    run(args)


if __name__ == "__main__":
    main()
