"""The broadcast benchmark against the bot's /announce, end to end.

    python -m bench.announce [--recipients 10000] [--per-second 30] [--kill-after SECONDS]

Fills a temporary SQLite database with a coordination body whose member organisations (four
staff each, verified) have ``--recipients`` users in all; one of them administers the body, so
they receive the announcement too. Starts bench/fake_telegram.py and the real bot
(``python -m bot run``, long polling it through TELEGRAM_API_BASE_URL), each in its own process.
Then plays the admin over HTTP: /announce, the text, Send on the composer. Times the drain until
every recipient has the announcement and reads the bot's own final report from the admin's chat.

With ``--kill-after`` the bot is killed (SIGKILL) that long after Send and started again; the rows
it had leased are sent again only when their lease (2 minutes) ends, so expect that pause.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from bench.broadcast import free_port, stats
from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import (
    BodyAdminRow,
    BodyMemberRow,
    CoordinationBodyRow,
    OrganisationRow,
    StaffRow,
    UserRow,
)
from bot.domain.announcements import key_prefix
from bot.domain.delivery import LEASE

ROOT = Path(__file__).resolve().parents[1]
# Settings want the shape of a BotFather token (digits, a colon, 30 characters or more).
TOKEN = "123456789:AAbench-token-for-the-fake-api-only"
FIRST_TELEGRAM_ID = 700_000_000  # recipient n has FIRST_TELEGRAM_ID + n; n = 0 is the admin
STAFF_PER_ORGANISATION = 4
LOCALES = ("fa_AF", "ps", "tg", "en")
THINK = 1.2  # seconds the admin takes between steps (the fake allows one message a second per chat)
SEND_BUTTON = re.compile(r"^an:([0-9a-f]+):send$")
NUMBER = re.compile(r"\d+(\.\d+)?")
REPORT_EVERY = 3.0  # the bot edits the progress report this often (bot/tg/handlers/announce.py)


# -- the database --------------------------------------------------------------------------------

async def populate(url: str, recipients: int) -> list[int]:
    """A body, its member organisations and their staff; returns the recipients' Telegram ids."""
    engine = make_engine(url)
    await upgrade_to_head(engine)
    now = datetime.now(UTC)
    organisations = math.ceil(recipients / STAFF_PER_ORGANISATION)
    users = [{"id": n + 1, "telegram_user_id": FIRST_TELEGRAM_ID + n, "created_at": now,
              "locale": "en" if n == 0 else LOCALES[n % len(LOCALES)],
              "display_name": "Bench admin" if n == 0 else f"Member {n}"}
             for n in range(recipients)]
    orgs = [{"id": n, "name": f"Bench organisation {n}", "kind": "ngo", "country": "AF",
             "status": "verified", "visibility": "public", "created_at": now, "updated_at": now}
            for n in range(1, organisations + 1)]
    staff = [{"organisation_id": n // STAFF_PER_ORGANISATION + 1, "user_id": n + 1,
              "role": "owner" if n % STAFF_PER_ORGANISATION == 0 else "member"}
             for n in range(recipients)]
    members = [{"body_id": 1, "organisation_id": n, "joined_at": now}
               for n in range(1, organisations + 1)]
    async with engine.begin() as connection:
        await connection.execute(insert(CoordinationBodyRow), [{
            "id": 1, "name": "Bench coordination network", "country": "AF", "created_at": now,
            "names": {}}])
        for table, rows in ((UserRow, users), (OrganisationRow, orgs), (StaffRow, staff),
                            (BodyMemberRow, members)):
            for start in range(0, len(rows), 5000):
                await connection.execute(insert(table), rows[start:start + 5000])
        await connection.execute(insert(BodyAdminRow), [{"body_id": 1, "user_id": 1}])
    await engine.dispose()
    return [FIRST_TELEGRAM_ID + n for n in range(recipients)]


async def outbox(url: str) -> dict[str, int]:
    """The announcement's deliveries by status, read after the bot stopped."""
    engine = make_engine(url)
    async with UnitOfWorkFactory(engine)() as uow:
        counts = await uow.deliveries.counts(key_prefix(1))
    await engine.dispose()
    return {str(status): count for status, count in sorted(counts.items())}


# -- talking to the fake Bot API -----------------------------------------------------------------

def get(port: int, path: str, **query) -> dict:
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def inject(port: int, update: dict) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/inject", data=json.dumps(update).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30):
        pass


def messages(port: int, chat_id: int) -> list[dict]:
    return get(port, "/messages", chat_id=chat_id)["result"]


class Admin:
    """The body admin in their private chat with the bot."""

    def __init__(self, port: int, telegram_id: int) -> None:
        self.port, self.id = port, telegram_id
        self.user = {"id": telegram_id, "is_bot": False, "first_name": "Bench admin",
                     "language_code": "en"}
        self.seen = 0  # messages of the bot in this chat already read

    def say(self, text: str) -> None:
        message = {"chat": {"id": self.id, "type": "private", "first_name": "Bench admin"},
                   "from": self.user, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        inject(self.port, {"message": message})

    def press(self, message: dict, data: str) -> None:
        inject(self.port, {"callback_query": {
            "id": secrets.token_hex(8), "from": self.user, "chat_instance": "bench",
            "data": data, "message": message}})

    def next_reply(self, bot: BotProcess, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = messages(self.port, self.id)
            if len(found) > self.seen:
                self.seen += 1
                return found[self.seen - 1]
            bot.check()
            time.sleep(0.05)
        raise RuntimeError(f"the bot did not answer within {timeout:.0f} s\n{bot.log_tail()}")

    def message(self, message_id: int) -> dict:
        return next(m for m in messages(self.port, self.id) if m["message_id"] == message_id)


# -- the processes -------------------------------------------------------------------------------

class BotProcess:
    """``python -m bot run`` against the fake API; started again after a kill, same settings."""

    def __init__(self, scratch: Path, database: Path, port: int) -> None:
        self.log_path = scratch / "bot.log"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "HAMKARI_", "WEBHOOK_", "DATABASE_URL"))}
        # A snapshot of the catalogs: the bot reads the .po files at start-up, and they may be
        # being edited; both starts of the bot then speak the same.
        locales = scratch / "locales"
        shutil.copytree(ROOT / "locales", locales)
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
                   DATABASE_URL=f"sqlite:///{database}", HAMKARI_LOCALES_DIR=str(locales),
                   HAMKARI_LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
        self.env, self.cwd = env, scratch  # not the repository: no .env file is read
        self.process: subprocess.Popen | None = None
        self.peaks_mb: list[float] = []

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=self.env,
                                            cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT)

    def check(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the bot exited with {self.process.returncode}\n{self.log_tail()}")

    def peak_mb(self) -> float | None:
        """VmHWM: the process's peak resident memory so far (Linux)."""
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def kill(self) -> None:
        self._remember_peak()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM: PTB stops polling and shuts down; killed if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        self._remember_peak()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _remember_peak(self) -> None:
        peak = self.peak_mb()
        if peak is not None:
            self.peaks_mb.append(peak)

    def log_notes(self) -> collections.Counter[str]:
        """Warnings, errors and the rate limiter's retries in the bot's log, numbers blanked."""
        notes: collections.Counter[str] = collections.Counter()
        line_format = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL|INFO) (\S+): (.*)$")
        for line in self.log_path.read_text(errors="replace").splitlines():
            found = line_format.match(line)
            if found and (found[1] != "INFO" or "Rate limit" in found[3]):
                message = NUMBER.sub("N", found[3])[:90]
                notes[f"{found[1]} {found[2]}: {message}"] += 1
        return notes

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(port: int, per_second: float) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "bench.fake_telegram", "--port", str(port),
                               "--per-second", str(per_second)], cwd=ROOT)
    deadline = time.monotonic() + 20
    while True:
        try:
            stats(port)
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("the fake Bot API server did not start") from None
            time.sleep(0.1)


# -- the benchmark -------------------------------------------------------------------------------

def plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text).replace("\u2068", "").replace("\u2069", "")


def play(admin: Admin, bot: BotProcess, text: str) -> tuple[dict, float]:
    """/announce, the text, Send; returns the composer message and the wall time of Send."""
    admin.say("/announce")
    prompt = admin.next_reply(bot)
    if "Write the announcement" not in prompt.get("text", ""):
        raise RuntimeError(f"unexpected answer to /announce: {plain(prompt.get('text', ''))}")
    time.sleep(THINK)
    admin.say(text)
    composer = admin.next_reply(bot)
    buttons = [button.get("callback_data", "") for row in
               composer.get("reply_markup", {}).get("inline_keyboard", []) for button in row]
    send = next((data for data in buttons if SEND_BUTTON.match(data)), None)
    if send is None:
        raise RuntimeError(f"no Send button on the composer: {plain(composer.get('text', ''))}")
    reach = [line for line in plain(composer["text"]).splitlines() if "reach" in line]
    print(f"  composer: {' '.join(reach)} button {send!r}")
    time.sleep(THINK)
    admin.press(composer, send)
    return composer, time.time()


def scenario(recipients: int, per_second: float, kill_after: float | None, timeout: float) -> None:
    mark = f"Bench announcement {secrets.token_hex(4)}"
    text = f"{mark}: the coordination meeting moves to Thursday, 10:00, at the usual place."
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        database = scratch / "hamkari.sqlite3"
        url = f"sqlite+aiosqlite:///{database}"
        started = time.monotonic()
        chats = asyncio.run(populate(url, recipients))
        print(f"  database filled in {time.monotonic() - started:.1f} s")
        port = free_port()
        server = start_server(port, per_second)
        bot = BotProcess(scratch, database, port)
        try:
            started = time.monotonic()
            bot.start()
            admin = Admin(port, chats[0])
            composer, sent_at = play(admin, bot, text)
            print(f"  bot up and composer shown {time.monotonic() - started:.1f} s after start")
            figures = drain(port, admin, bot, composer, sent_at, mark, recipients, kill_after,
                            timeout)
            report = plain(admin.message(composer["message_id"]).get("text", ""))
        finally:
            try:
                if bot.process is not None:
                    bot.stop()
            finally:
                server.terminate()
                server.wait()
        states = asyncio.run(outbox(url))
        notes = bot.log_notes()
    summarise(figures, recipients, chats, per_second, report, states, bot)
    print(f"  bot log: {sum(notes.values())} warnings, errors and rate-limiter retries"
          + (":" if notes else ""))
    for note, count in notes.most_common(6):
        print(f"    {count:5d} x {note}")


def drain(port: int, admin: Admin, bot: BotProcess, composer: dict, sent_at: float, mark: str,
          recipients: int, kill_after: float | None, timeout: float) -> dict:
    before = stats(port)
    deadline = time.monotonic() + timeout
    handled_at = killed = None
    next_note = 60.0
    while time.monotonic() < deadline:
        bot.check()
        elapsed = time.time() - sent_at
        if handled_at is None and "send" not in json.dumps(
                admin.message(composer["message_id"]).get("reply_markup", {})):
            handled_at = time.time()  # the composer became the progress report
        if kill_after is not None and killed is None and elapsed >= kill_after:
            bot.kill()
            killed = get(port, "/received", contains=mark, since=sent_at)
            killed["at"] = elapsed
            killed["restarted_at"] = time.time()
            print(f"  killed the bot (SIGKILL) {elapsed:.0f} s after Send, {killed['chats']:,} "
                  "recipients reached; starting it again")
            bot.start()
        received = get(port, "/received", contains=mark, since=sent_at)
        if received["chats"] >= recipients:
            break
        if elapsed >= next_note:
            print(f"  {elapsed:4.0f} s after Send: {received['chats']:,} of {recipients:,} reached")
            next_note += 60
        time.sleep(0.1 if handled_at is None else 0.5)
    # The bot edits its report every few seconds: give it two rounds to say "finished".
    report_deadline = time.monotonic() + 4 * REPORT_EVERY + 5
    while time.monotonic() < report_deadline:
        if "finished" in admin.message(composer["message_id"]).get("text", ""):
            break
        bot.check()
        time.sleep(0.5)
    received = get(port, "/received", contains=mark, since=sent_at, chats=1)
    after = stats(port)
    received.update(handled_at=handled_at, sent_at=sent_at, killed=killed,
                    too_many_during=after["too_many_requests"] - before["too_many_requests"],
                    too_many_for_chat=after["too_many_for_chat"] - before["too_many_for_chat"])
    return received


def summarise(figures: dict, recipients: int, chats: list[int], per_second: float, report: str,
              states: dict[str, int], bot: BotProcess) -> None:
    sent_at, first, last = figures["sent_at"], figures["first"], figures["last"]
    reached = {int(chat_id) for chat_id in figures.get("per_chat", {})}
    lost = len(set(chats) - reached)
    strangers = len(reached - set(chats))
    if figures["handled_at"]:
        print(f"  Send handled (composer turned into the progress report) after "
              f"{figures['handled_at'] - sent_at:.2f} s")
    if first is None:
        print("  nothing was delivered")
    else:
        span = last - first
        rate = (figures["count"] - 1) / span if span > 0 else 0.0
        print(f"  first delivery {first - sent_at:.2f} s after Send; all drained "
              f"{last - sent_at:.1f} s after Send")
        print(f"  {figures['count']:,} messages to {figures['chats']:,} of {recipients:,} recipients "
              f"in {span:.1f} s of sending{' (the lease wait included)' if figures['killed'] else ''}: "
              f"{rate:.1f}/s = {rate / per_second:.2f} of the limit ({per_second:.0f}/s)")
    print(f"  429s: {figures['too_many_during']} during the broadcast "
          f"({figures['too_many_for_chat']} of them for the per-chat limit); duplicates "
          f"{figures['duplicates']}; lost {lost}" + (f"; to non-recipients {strangers}"
                                                      if strangers else ""))
    if figures["killed"]:
        after_kill(figures, figures["killed"])
    print(f"  outbox afterwards: {', '.join(f'{k} {v:,}' for k, v in states.items()) or 'empty'}")
    if bot.peaks_mb:
        print(f"  peak RSS of the bot process: {', '.join(f'{mb:.0f} MB' for mb in bot.peaks_mb)}"
              + (" (before the kill, after the restart)" if len(bot.peaks_mb) > 1 else ""))
    print("  the bot's final report:")
    for line in report.splitlines():
        print(f"    {line}")


def after_kill(figures: dict, killed: dict) -> None:
    """Before the kill; after the restart, the rows the dead process had not leased; then the
    rows it had leased, sent again once their lease ended."""
    sent_at, restarted_at = figures["sent_at"], killed["restarted_at"]
    if killed["count"] > 1 and killed["last"] > killed["first"]:
        rate = (killed["count"] - 1) / (killed["last"] - killed["first"])
        print(f"  before the kill at {killed['at']:.0f} s: {killed['chats']:,} recipients reached, "
              f"{rate:.1f}/s")
    lease_ends = sent_at + killed["at"] + LEASE.total_seconds() - 10  # leases taken just before
    resumed = [at for at in figures["times"] if restarted_at <= at < lease_ends]
    waited = [at for at in figures["times"] if at >= lease_ends]
    if resumed:
        rate = (len(resumed) - 1) / (resumed[-1] - resumed[0]) if resumed[-1] > resumed[0] else 0.0
        print(f"  after the restart: first delivery {resumed[0] - restarted_at:.1f} s after it; "
              f"{len(resumed):,} messages at {rate:.1f}/s")
    if waited:
        print(f"  {len(waited):,} messages waited for the lease ({LEASE.total_seconds():.0f} s) of "
              f"the killed process; the last went {waited[-1] - restarted_at:.0f} s after the restart")
    print(f"  since the kill: {figures['chats'] - killed['chats']:,} more recipients reached; "
          f"duplicates {figures['duplicates'] - killed['duplicates']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--per-second", type=float, default=30)
    parser.add_argument("--kill-after", type=float, default=None, metavar="SECONDS",
                        help="SIGKILL the bot this long after Send, then start it again")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="give up waiting for the drain after this long (default: from the size)")
    args = parser.parse_args()
    if args.recipients < 1:
        parser.error("--recipients must be at least 1")
    timeout = args.timeout or (args.recipients / args.per_second * 2 + 120
                               + (LEASE.total_seconds() + 60 if args.kill_after is not None else 0))
    print(f"/announce to {args.recipients:,} recipients through the real bot process (long polling "
          f"a fake Bot API over HTTP that enforces {args.per_second:.0f}/s with 429s), SQLite")
    scenario(args.recipients, args.per_second, args.kill_after, timeout)


if __name__ == "__main__":
    main()
