"""Logging set-up that keeps secrets out: the token is redacted from every record."""

from __future__ import annotations

import logging

from bot.config import Settings


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    secrets = [s.get_secret_value() for s in (settings.telegram_bot_token, settings.webhook_secret) if s]
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # At DEBUG these log whole updates: what users wrote.
    for chatty in ("telegram", "aiosqlite", "asyncio"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))
    # SQLAlchemy logs every statement with its parameters (names, phone numbers) already at INFO.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
