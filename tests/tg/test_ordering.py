"""Updates of one chat stay in order; different chats do not wait for each other."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.console.fake_api import UpdateFactory
from bot.tg.ordering import PerChatOrderedProcessor, ordering_key


def update(user: UpdateFactory, text: str, chat_id: int | None = None) -> Update:
    return Update.de_json(user.message(text, chat_id=chat_id), None)


async def test_one_chat_in_order_other_chats_in_parallel():
    processor = PerChatOrderedProcessor(max_concurrent_updates=8)
    alice, bob = UpdateFactory(user_id=1), UpdateFactory(user_id=2)
    log: list[str] = []
    release_first = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        log.append(f"end {name}")

    tasks = [
        asyncio.create_task(processor.process_update(update(alice, "a1"), handle("a1", release_first))),
        asyncio.create_task(processor.process_update(update(alice, "a2"), handle("a2"))),
        asyncio.create_task(processor.process_update(update(bob, "b1"), handle("b1"))),
    ]
    await asyncio.sleep(0.05)
    # Bob was served while Alice's first update is still running; Alice's second waits.
    assert log == ["start a1", "start b1", "end b1"]
    release_first.set()
    await asyncio.gather(*tasks)
    assert log == ["start a1", "start b1", "end b1", "end a1", "start a2", "end a2"]
    assert processor._tails == {}


async def test_a_failing_update_does_not_block_its_chat():
    processor = PerChatOrderedProcessor(max_concurrent_updates=4)
    alice = UpdateFactory(user_id=1)
    done: list[str] = []

    async def fail() -> None:
        raise RuntimeError("boom")

    async def succeed() -> None:
        done.append("second")

    first = asyncio.create_task(processor.process_update(update(alice, "x"), fail()))
    second = asyncio.create_task(processor.process_update(update(alice, "y"), succeed()))
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and done == ["second"]


def test_ordering_key_is_the_chat_then_the_user():
    user = UpdateFactory(user_id=7)
    assert ordering_key(update(user, "hi")) == 7
    assert ordering_key(update(user, "hi", chat_id=-100)) == -100
    poll_answer = {"poll_id": "p", "user": {"id": 9, "is_bot": False, "first_name": "A"},
                   "option_ids": [0], "option_persistent_ids": ["a"]}
    assert ordering_key(Update.de_json({"update_id": 1, "poll_answer": poll_answer}, None)) == 9
    assert ordering_key(object()) is None
