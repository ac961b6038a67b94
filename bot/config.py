"""Settings from the environment and an optional .env file.

The token is a ``SecretStr``: its repr is masked, so it never reaches a log line by accident.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///hamkari.sqlite3"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    telegram_bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias=AliasChoices("HAMKARI_ADMIN_IDS")
    )
    timezone: str = Field(default="Asia/Kabul", validation_alias=AliasChoices("HAMKARI_TIMEZONE"))
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("HAMKARI_LOG_LEVEL"))
    # Telegram allows about 30 messages a second per bot; a bot with paid broadcasts may raise it.
    send_per_second: float = Field(default=30.0, gt=0, le=1000,
                                   validation_alias=AliasChoices("HAMKARI_SEND_PER_SECOND"))

    @field_validator("telegram_bot_token", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # BotFather tokens look like 123456789:AA...; catching a pasted typo here beats a 401 later.
        if value is not None:
            bot_id, _, secret = value.get_secret_value().strip().partition(":")
            if not (bot_id.isdigit() and len(secret) >= 30):
                raise ValueError("expected the form 123456789:ABC... as given by @BotFather")
            return SecretStr(value.get_secret_value().strip())
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        value = value.strip()
        # Accept the plain URLs people copy from hosting panels and pick the async driver.
        for plain, async_form in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if value.startswith(plain):
                return async_form + value[len(plain):]
        if value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            return value
        raise ValueError("expected a postgresql://... or sqlite:///... URL")

    @field_validator("telegram_api_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value):
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("expected comma-separated numeric Telegram user ids, e.g. 12345,67890")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("expected an IANA time zone such as Asia/Kabul or Asia/Dushanbe") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
        return value


_ENV_NAMES = {
    "admin_ids": "HAMKARI_ADMIN_IDS",
    "timezone": "HAMKARI_TIMEZONE",
    "log_level": "HAMKARI_LOG_LEVEL",
}


def load_settings(**overrides) -> Settings:
    """Read settings; raise ConfigError with one line naming the offending variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = _ENV_NAMES.get(field, field.upper())
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Invalid setting {name}: {reason}") from None
