"""A broadcast through the outbox to a fake Bot API server that enforces the limits with 429s.

    python -m bench.broadcast [--recipients 10000] [--per-second 30] [--kill-after 60]

Queues one message for each of ``--recipients`` chats in a temporary SQLite database, starts
bench/fake_telegram.py, and runs the delivery worker in its own process against it over HTTP
(the bot's TELEGRAM_API_BASE_URL path). Prints the achieved rate as a fraction of the configured
limit, the 429s received, duplicates and losses. Then the same again, killing the worker process
(SIGKILL) after ``--kill-after`` seconds and starting a new one. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.delivery import Delivery, DeliveryStatus, Priority, message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def queue(url: str, recipients: int) -> None:
    engine = make_engine(url)
    await upgrade_to_head(engine)
    now = datetime.now(UTC)
    async with UnitOfWorkFactory(engine)() as uow:
        for number in range(recipients):
            await uow.deliveries.enqueue(Delivery(
                key=f"bench:{number}", chat_id=1_000_000 + number, priority=Priority.BROADCAST,
                payload=message(f"announcement {number}")), now)
    await engine.dispose()


async def work(url: str, api: str, per_second: float) -> None:
    """The worker process: send until nothing is left to send."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.delivery.worker import DeliveryWorker
    from bot.tg.gateway import TelegramGateway

    engine = make_engine(url)
    uow_factory = UnitOfWorkFactory(engine)
    # As in the bot's Application: more than one connection, so overlapping sends do not queue
    # behind each other and then leave in a burst.
    bot = Bot("123456789:AAbenchtoken", base_url=api,
              request=HTTPXRequest(connection_pool_size=16))
    await bot.initialize()
    worker = DeliveryWorker(uow_factory, TelegramGateway(bot), per_second=per_second)
    while True:
        if not await worker.run_once():
            async with uow_factory() as uow:
                left = (await uow.deliveries.counts("bench:")).get(DeliveryStatus.PENDING, 0)
            if not left:
                break
            await asyncio.sleep(1)  # rows leased to a dead worker, or due later
    await bot.shutdown()
    await engine.dispose()


def stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as response:
        return json.load(response)


def scenario(recipients: int, per_second: float, kill_after: float | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'outbox.sqlite3'}"
        asyncio.run(queue(url, recipients))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "bench.fake_telegram", "--port",
                                   str(port), "--per-second", str(per_second)])
        time.sleep(1.5)
        api = f"http://127.0.0.1:{port}/bot"
        command = [sys.executable, "-m", "bench.broadcast", "--worker", url, "--api", api,
                   "--per-second", str(per_second)]
        started = time.monotonic()
        try:
            worker = subprocess.Popen(command)
            if kill_after is not None:
                time.sleep(kill_after)
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                before = stats(port)["accepted"]
                print(f"  killed the worker after {kill_after:.0f} s, {before} messages sent; "
                      "a new worker starts")
                worker = subprocess.Popen(command)
            worker.wait()
            elapsed = time.monotonic() - started
            figures = stats(port)
        finally:
            server.terminate()
            server.wait()
    rate = figures["accepted"] / figures["seconds"] if figures["seconds"] else 0.0
    lost = recipients - figures["distinct"]
    print(f"  {figures['accepted']} messages in {figures['seconds']:.0f} s of sending "
          f"({elapsed:.0f} s in all): {rate:.1f}/s = {rate / per_second:.2f} of the limit; "
          f"429s {figures['too_many_requests']}; duplicates {figures['duplicates']}; lost {lost}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--per-second", type=float, default=30)
    parser.add_argument("--kill-after", type=float, default=60)
    parser.add_argument("--worker", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(work(args.worker, args.api, args.per_second))
        return
    print(f"Broadcast to {args.recipients:,} chats, limit {args.per_second:.0f}/s, "
          "fake Bot API over HTTP enforcing it with 429s")
    scenario(args.recipients, args.per_second, None)
    print("The same, with the worker killed halfway:")
    scenario(args.recipients, args.per_second, args.kill_after)


if __name__ == "__main__":
    main()
