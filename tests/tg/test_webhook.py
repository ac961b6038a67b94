"""Webhook mode: the server started with our options accepts only Telegram's secret header."""

from __future__ import annotations

import json
import socket

import httpx

from bot.app import Hamkari, webhook_options
from bot.console.fake_api import FakeBotApi, UpdateFactory
from tests.conftest import make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_rejects_requests_without_the_secret_and_serves_those_with_it(engine):
    port = free_port()
    settings = make_settings(webhook_url="https://bot.example.org/telegram/webhook",
                             webhook_secret="s3cret-from-settings", webhook_listen="127.0.0.1",
                             webhook_port=port)
    api = FakeBotApi()
    application = Hamkari(settings, request=api, engine=engine).application
    options = webhook_options(settings)
    assert options["url_path"] == "telegram/webhook"
    await application.initialize()
    await application.start()
    await application.updater.start_webhook(**options)
    try:
        [set_webhook] = [c for c in api.calls if c.method == "setWebhook"]
        assert set_webhook.params["secret_token"] == "s3cret-from-settings"
        update = json.dumps(UpdateFactory(language_code="tg").message("/help"))
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        headers = {"content-type": "application/json"}
        async with httpx.AsyncClient() as client:
            forged = await client.post(url, content=update, headers=headers)
            wrong = await client.post(url, content=update, headers={
                **headers, "X-Telegram-Bot-Api-Secret-Token": "guess"})
            genuine = await client.post(url, content=update, headers={
                **headers, "X-Telegram-Bot-Api-Secret-Token": "s3cret-from-settings"})
        assert (forged.status_code, wrong.status_code, genuine.status_code) == (403, 403, 200)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def test_without_a_configured_secret_each_start_gets_a_random_one():
    settings = make_settings(webhook_url="https://bot.example.org/hook")
    first, second = webhook_options(settings), webhook_options(settings)
    assert len(first["secret_token"]) >= 32 and first["secret_token"] != second["secret_token"]


def test_a_self_hosted_bot_api_base_url_is_used_with_the_token_appended(engine):
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
    settings = make_settings(telegram_bot_token=token,
                             telegram_api_base_url="http://127.0.0.1:8081/bot")
    bot = Hamkari(settings, engine=engine).application.bot
    assert bot.base_url == f"http://127.0.0.1:8081/bot{token}"
