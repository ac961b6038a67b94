"""Shared fixtures: a database per test (SQLite always, PostgreSQL when
HAMKARI_TEST_POSTGRES_URL is set) and the real Application wired to a fake Bot API."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from telegram import Update

from bot.app import Hamkari
from bot.config import Settings
from bot.console.fake_api import ApiCall, FakeBotApi, UpdateFactory
from bot.db.engine import make_engine

POSTGRES_URL = os.environ.get("HAMKARI_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _asyncpg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1).replace(
        "postgres://", "postgresql+asyncpg://", 1)


@pytest.fixture(params=BACKENDS)
async def engine(request, tmp_path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}")
        yield engine
        await engine.dispose()
        return
    # A fresh schema per test keeps PostgreSQL tests independent without creating databases.
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = _asyncpg_url(POSTGRES_URL)
    admin = create_async_engine(url)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
    yield engine
    await engine.dispose()
    async with admin.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"_env_file": None, "telegram_bot_token": None}
    values.update(overrides)
    return Settings(**values)


@dataclass
class Harness:
    """The real Application, a fake Bot API, and helpers to talk to it like a phone would."""

    hamkari: Hamkari
    api: FakeBotApi

    @property
    def application(self):
        return self.hamkari.application

    async def feed(self, update: dict[str, Any]) -> list[ApiCall]:
        self.api.take_calls()
        await self.application.process_update(Update.de_json(update, self.application.bot))
        await self.hamkari.settle()  # what the update queued goes out now
        return self.api.take_calls()

    async def send(self, user: UpdateFactory, text: str) -> list[ApiCall]:
        return await self.feed(user.message(text))

    async def press(self, user: UpdateFactory, label: str) -> list[ApiCall]:
        """Press the button labelled ``label`` on the latest message in the user's chat."""
        message = self.api.last_message(user.user_id)
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return await self.feed(user.callback(button["callback_data"], message))
        raise AssertionError(f"no button {label!r} on the latest message")

    async def tap(self, user: UpdateFactory, data: str, message: dict | None = None
                  ) -> list[ApiCall]:
        """Press the button with callback data ``data`` (on ``message``, else the latest one)."""
        message = message or self.api.last_message(user.user_id)
        found = [b for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                 for b in row if b.get("callback_data") == data]
        assert found, f"no button {data!r} on the message"
        return await self.feed(user.callback(data, message))

    def buttons(self, user: UpdateFactory) -> list[str]:
        message = self.api.last_message(user.user_id)
        return [b.get("callback_data", "") for row in
                message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def start_harness(engine: AsyncEngine, **settings: Any) -> Harness:
    settings.setdefault("admin_ids", "900000001")
    api = FakeBotApi()
    hamkari = Hamkari(make_settings(**settings), request=api, engine=engine)
    await hamkari.application.initialize()
    await hamkari.prepare()
    return Harness(hamkari, api)


@pytest.fixture
async def harness(engine) -> AsyncIterator[Harness]:
    harness = await start_harness(engine)
    yield harness
    await harness.application.shutdown()


def texts(calls: list[ApiCall], method: str = "sendMessage") -> list[str]:
    return [str(call.params.get("text", "")) for call in calls if call.method == method]
