"""Process different chats concurrently while keeping each chat's updates in order.

PTB handles one update at a time by default, so one slow database call or Telegram round trip
holds up every chat; ``concurrent_updates(True)`` lifts that but lets two updates of one chat
race, which breaks step-by-step conversations. This processor chains the updates that share a
key (the chat, else the user: poll answers and inline queries have no chat) and runs chains in
parallel, up to ``max_concurrent_updates``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def ordering_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    if update.poll is not None:  # a poll's totals, in order: a later state replaces an earlier one
        return hash(("poll", update.poll.id))
    return None


class PerChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        # The last update queued for each key; the next one of that key waits for it.
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def process_update(self, update: object, coroutine: Awaitable) -> None:
        # Join the chain before taking a concurrency slot, so updates waiting behind their own
        # chat never hold slots other chats could use. Runs synchronously up to the first await,
        # hence in the order Application created the tasks, i.e. arrival order.
        key = ordering_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        previous = self._tails.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = done
        try:
            if previous is not None:
                await asyncio.shield(previous)
            await super().process_update(update, coroutine)
        finally:
            done.set_result(None)
            if self._tails.get(key) is done:
                del self._tails[key]

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self._tails.clear()
