"""End-to-end update throughput through the real Application (SQLite, in-process fake Bot API).

    python -m bench.updates [--updates 3000] [--chats 300] [--latency-ms 30]

Queues ``--updates`` messages (/help and /start) from ``--chats`` private chats, starts the
Application and times the drain until every reply was sent, once with PTB's sequential
processing and once with the per-chat-ordered concurrent processor (bot/tg/ordering.py). The
fake API sleeps ``--latency-ms`` per call to stand in for the Telegram round trip. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from telegram import Update

from bot.app import Hamkari
from bot.config import Settings
from bot.console.fake_api import FakeBotApi, UpdateFactory
from bot.db.engine import make_engine


async def drain(updates: int, chats: int, latency: float, concurrent_chats: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite+aiosqlite:///{Path(scratch) / 'bench.sqlite3'}")
        api = FakeBotApi(latency=latency)
        hamkari = Hamkari(Settings(_env_file=None, telegram_bot_token=None), request=api,
                          engine=engine, concurrent_chats=concurrent_chats)
        application = hamkari.application
        await application.initialize()
        await hamkari.prepare()
        users = [UpdateFactory(user_id=10_000 + i, language_code=("fa", "ps", "tg", "en")[i % 4])
                 for i in range(chats)]
        for n in range(updates):
            payload = users[n % chats].message("/help" if n % 2 else "/start")
            await application.update_queue.put(Update.de_json(payload, application.bot))
        api.take_calls()
        started = time.perf_counter()
        await application.start()
        while len(api.sent()) < updates:  # noqa: ASYNC110 - polling the fake is the measurement
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        await application.stop()
        await application.shutdown()
        await engine.dispose()
        return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    args = parser.parse_args()
    print(f"{args.updates} updates from {args.chats} chats, fake Bot API latency "
          f"{args.latency_ms:.0f} ms, SQLite")
    for label, concurrent_chats in (("sequential (PTB default)", 1),
                                    ("per-chat ordered, 64 concurrent", 64)):
        elapsed = await drain(args.updates, args.chats, args.latency_ms / 1000, concurrent_chats)
        print(f"  {label:34s} {args.updates / elapsed:8.0f} updates/s  ({elapsed:.2f} s)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
