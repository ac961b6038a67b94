"""Typed CallbackContext: the user, their translator and a unit-of-work factory per update."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import Application, CallbackContext, ExtBot

from bot.delivery.worker import DeliveryWorker
from bot.domain.entities import User
from bot.domain.organisations import viewer_for
from bot.domain.permissions import Viewer
from bot.domain.ports import UnitOfWork, UnitOfWorkFactory
from bot.domain.ratelimit import RateLimiter
from bot.domain.search import SearchIndex
from bot.i18n import Catalogs, Translator
from bot.scheduler.ticks import ReminderScheduler


@dataclass
class BotData:
    """Shared services, set once by app.py. Holds factories, never a session."""

    uow_factory: UnitOfWorkFactory | None = None
    catalogs: Catalogs | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    # One search index per process, refreshed from the database before each lookup.
    search_index: SearchIndex = field(default_factory=SearchIndex)
    # Per user: /find, its buttons and cards; inline queries arrive as people type, so more.
    lookup_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(30, 60.0))
    inline_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(60, 60.0))
    # Sends what handlers queue in the outbox (started by app.py; tests drain it by hand).
    delivery: DeliveryWorker | None = None
    # "Now" for meetings, deadlines and the scheduler; tests move it to check what is due when.
    clock: Callable[[], datetime] = field(default_factory=lambda: lambda: datetime.now(UTC))
    # Takes due reminder rows and queues their messages (bot/scheduler; started by app.py).
    reminders: ReminderScheduler | None = None
    # The progress text last shown per announcement, so unchanged reports are not edited again.
    report_texts: dict[int, str] = field(default_factory=dict)


class HamkariContext(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(self, application: Application, chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.user: User | None = None
        self._translator: Translator | None = None

    @property
    def t(self) -> Translator:
        if self._translator is None:
            return self.bot_data.catalogs.translator(None)
        return self._translator

    def use_locale(self, locale: str) -> None:
        self._translator = self.bot_data.catalogs.translator(locale)

    def uow(self):
        """``async with context.uow() as uow:``: one session and transaction for this step."""
        return self.bot_data.uow_factory()

    async def viewer(self, uow: UnitOfWork) -> Viewer:
        """The acting user as the permission rules see them."""
        return await viewer_for(uow, self.user, self.bot_data.admin_ids)


__all__ = ["BotData", "HamkariContext", "UnitOfWork"]
