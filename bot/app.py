"""Composition root: the one module that wires settings, storage, languages and Telegram together."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import UTC, datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.db.engine import UnitOfWorkFactory, make_engine
from bot.db.migrate import upgrade_to_head
from bot.delivery.worker import DeliveryWorker
from bot.domain import lookup
from bot.domain.reference import load_reference
from bot.i18n import Catalogs
from bot.scheduler.ticks import TICK_EVERY, ReminderScheduler
from bot.tg.context import BotData, HamkariContext
from bot.tg.gateway import TelegramGateway
from bot.tg.handlers import announce
from bot.tg.ordering import PerChatOrderedProcessor
from bot.tg.schedule_views import ScheduleTexts
from bot.tg.setup import publish_command_menus, register_handlers

log = logging.getLogger("hamkari")

# A syntactically valid token for the offline console and tests; it never reaches Telegram.
OFFLINE_TOKEN = "123456789:offline-console-token-not-a-real-secret"


class Hamkari:
    """The wired bot: the PTB Application plus the engine it owns."""

    def __init__(self, settings: Settings, *, request: BaseRequest | None = None,
                 engine: AsyncEngine | None = None, rate_limited: bool = False,
                 concurrent_chats: int = 64) -> None:
        self.engine = engine or make_engine(settings.database_url)
        token = (settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token
                 else OFFLINE_TOKEN)
        builder = (
            Application.builder()
            .token(token)
            .context_types(ContextTypes(context=HamkariContext, bot_data=BotData))
            .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(settings.timezone)))
            .post_init(self._on_startup)
            .post_shutdown(self._on_shutdown)
        )
        if concurrent_chats > 1:  # 1 = PTB's default: strictly one update at a time
            builder = builder.concurrent_updates(PerChatOrderedProcessor(concurrent_chats))
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        if settings.telegram_api_base_url:
            builder = builder.base_url(settings.telegram_api_base_url)
        if rate_limited:
            builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
        self.application = builder.build()
        bot_data: BotData = self.application.bot_data
        bot_data.uow_factory = UnitOfWorkFactory(self.engine)
        bot_data.catalogs = Catalogs()
        bot_data.admin_ids = settings.admin_ids
        # The outbox has its own Bot, without PTB's rate limiter: the worker paces itself, and the
        # limiter's own pause-and-retry on a 429 made the worker's sends bunch up behind it and
        # hit the next 429 (measured with bench/announce.py: 0.59 of the limit instead of 0.98).
        self._outbox_bot = Bot(token, base_url=settings.telegram_api_base_url or
                               "https://api.telegram.org/bot",
                               request=request or HTTPXRequest(connection_pool_size=16))
        bot_data.delivery = DeliveryWorker(bot_data.uow_factory, TelegramGateway(self._outbox_bot),
                                           per_second=settings.send_per_second,
                                           now=lambda: bot_data.clock())
        bot_data.reminders = ReminderScheduler(
            bot_data.uow_factory,
            ScheduleTexts(bot_data.catalogs, load_reference(), lambda: bot_data.clock()),
            now=lambda: bot_data.clock())
        self._tasks: list[asyncio.Task] = []
        register_handlers(self.application)

    async def prepare(self) -> None:
        """Migrate the database, publish the command menus and load the search index; run
        before the first update, so no lookup waits for the whole registry to be read."""
        await upgrade_to_head(self.engine)
        await self._outbox_bot.initialize()
        await publish_command_menus(self.application)
        bot_data = self.application.bot_data
        async with bot_data.uow_factory() as uow:
            await lookup.refresh(uow, bot_data.search_index, datetime.now(UTC))

    async def settle(self) -> None:
        """Queue the reminders that are due, send what is queued and bring progress reports up
        to date, now rather than on the background tasks' next round (the console and tests,
        which run no such tasks)."""
        await self.application.bot_data.reminders.tick()
        await self.application.bot_data.delivery.drain()
        await announce.update_reports(self.application)

    async def _on_startup(self, application: Application) -> None:
        await self.prepare()
        # Queued messages (notices, announcements, later reminders) go out from here, and the
        # senders of announcements see their progress.
        self._tasks = [asyncio.create_task(application.bot_data.delivery.run_forever()),
                       asyncio.create_task(announce.run_reports_forever(application))]
        # APScheduler (PTB's JobQueue) ticks the reminders: every TICK_EVERY, and at the next
        # due moment when that comes sooner. Jobs are made here from the database, never stored.
        application.job_queue.run_repeating(self._tick, interval=TICK_EVERY, first=1,
                                            name="reminders")
        log.info("Hamkari is up as @%s", application.bot.username)

    async def _tick(self, context: HamkariContext) -> None:
        try:
            await context.bot_data.reminders.tick()
            due = await context.bot_data.reminders.next_due()
        except Exception:  # a database hiccup must not stop the ticks for good
            log.exception("reminder tick failed; the next one tries again")
            return
        wait = (due - datetime.now(UTC)).total_seconds() if due else None
        if wait is not None and 0 < wait < TICK_EVERY.total_seconds() and \
                not context.job_queue.get_jobs_by_name("reminders-wake"):
            context.job_queue.run_once(self._tick, when=wait + 0.05, name="reminders-wake")

    async def _on_shutdown(self, _application: Application) -> None:
        for task in self._tasks:
            task.cancel()
        await self._outbox_bot.shutdown()
        await self.engine.dispose()


def webhook_options(settings: Settings) -> dict:
    """Arguments for PTB's webhook server. Telegram echoes the secret in the
    X-Telegram-Bot-Api-Secret-Token header and PTB answers 403 to any request without it.
    A fresh random secret per start is fine: setWebhook registers it again each time."""
    secret = (settings.webhook_secret.get_secret_value() if settings.webhook_secret
              else secrets.token_urlsafe(32))
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }


def run(settings: Settings) -> None:
    """Long polling by default; a webhook server when WEBHOOK_URL is set."""
    application = Hamkari(settings, rate_limited=True).application
    if settings.webhook_url:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
