"""What the worker needs from Telegram, as a port: bot/tg/gateway.py implements it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class DeliveryError(Exception):
    """Base of what a gateway may raise; carries a short code for the outbox, never text."""

    code = "error"


class RateLimited(DeliveryError):
    code = "429"

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """Blocked the bot, never started it, or the chat is gone: stop trying."""

    code = "403"


class Transient(DeliveryError):
    """Timeouts, network and server errors: try again later."""

    code = "transient"


class Rejected(DeliveryError):
    """Telegram refused this message itself (bad request): retrying cannot help."""

    code = "400"


@dataclass(frozen=True, slots=True)
class Sent:
    """What Telegram answered: the message's id, and a poll's own id when one was sent."""

    message_id: int | None = None
    poll_id: str | None = None


class Gateway(Protocol):
    async def send(self, chat_id: int, payload: dict[str, Any]) -> Sent | None:
        """Payloads: a message (text, buttons, maybe a document and a message it replies to),
        a poll, or the stopping of one (bot.domain.delivery)."""
        ...
