"""Settings: defaults, plain URLs, and one clear line naming a bad variable."""

from __future__ import annotations

import logging

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import RedactSecrets

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_BASE_URL", "WEBHOOK_URL",
                 "WEBHOOK_SECRET", "WEBHOOK_PORT", "HAMKARI_ADMIN_IDS", "HAMKARI_TIMEZONE",
                 "HAMKARI_LOG_LEVEL", "HAMKARI_SEND_PER_SECOND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_use_an_embedded_sqlite_file():
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///hamkari.sqlite3"
    assert settings.telegram_bot_token is None
    assert settings.timezone == "Asia/Kabul"
    assert settings.admin_ids == frozenset()
    assert settings.send_per_second == 30.0


def test_values_come_from_the_environment_and_a_dotenv_file(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nHAMKARI_TIMEZONE=Asia/Dushanbe\n")
    monkeypatch.setenv("HAMKARI_ADMIN_IDS", " 12345, 67890 ")
    monkeypatch.setenv("DATABASE_URL", "postgresql://hamkari:pw@db:5432/hamkari")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = load_settings()
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.timezone == "Asia/Dushanbe"
    assert settings.admin_ids == frozenset({12345, 67890})
    assert settings.database_url == "postgresql+asyncpg://hamkari:pw@db:5432/hamkari"
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


def test_the_sending_rate_is_configurable(monkeypatch):
    from bot.app import Hamkari
    monkeypatch.setenv("HAMKARI_SEND_PER_SECOND", "20")
    worker = Hamkari(load_settings(database_url="sqlite:///:memory:")).application.bot_data.delivery
    assert worker.interval == pytest.approx(1.02 / 20)


def test_the_token_never_shows_in_repr():
    settings = load_settings(telegram_bot_token=TOKEN)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HAMKARI_ADMIN_IDS", "12345,abc"), ("HAMKARI_TIMEZONE", "Asia/Atlantis"),
     ("DATABASE_URL", "mysql://x"), ("TELEGRAM_BOT_TOKEN", "not-a-token"),
     ("WEBHOOK_PORT", "99999"), ("WEBHOOK_URL", "bot.example.org/hook"),
     ("TELEGRAM_API_BASE_URL", "ftp://x"), ("HAMKARI_LOG_LEVEL", "LOUD"),
     ("HAMKARI_SEND_PER_SECOND", "0"), ("HAMKARI_SEND_PER_SECOND", "fast")],
)
def test_a_bad_value_is_reported_in_one_line_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"Invalid setting {variable}: ")
    assert "\n" not in message
    if variable == "TELEGRAM_BOT_TOKEN":
        assert value not in message


def test_log_records_have_the_token_redacted(caplog):
    logger = logging.getLogger("hamkari.test")
    logger.addFilter(RedactSecrets([TOKEN]))
    with caplog.at_level(logging.INFO):
        logger.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text and "[redacted]" in caplog.text


def test_debug_logging_never_turns_on_libraries_that_log_message_texts():
    from bot.logs import configure_logging

    configure_logging(load_settings(log_level="DEBUG"))
    assert logging.getLogger("hamkari").isEnabledFor(logging.DEBUG)
    for chatty in ("telegram", "aiosqlite", "sqlalchemy.engine"):
        assert not logging.getLogger(chatty).isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
    configure_logging(load_settings())
