"""The outbox: messages that are not direct replies are queued in the database first, then sent
by a worker within Telegram's limits (see bot/delivery). Pure rules live here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)  # a claimed row not finished by then is claimed again


class Priority(IntEnum):
    """Lower goes first: a reminder due now is not stuck behind a long broadcast."""

    NOTICE = 1  # to one person about their own business (verification, join requests)
    REMINDER = 2
    BROADCAST = 5


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked the bot or never started it (403)
    FAILED = "failed"  # gave up after MAX_ATTEMPTS
    CANCELLED = "cancelled"  # not sent: what it was for ended first (a poll that closed)


@dataclass(slots=True)
class Delivery:
    key: str  # idempotency key, e.g. "verify:12:user:7"
    chat_id: int
    payload: dict[str, Any]  # {"text": ..., "buttons": [[(label, data), ...], ...]}
    priority: Priority = Priority.NOTICE
    id: int | None = None
    attempts: int = 0
    status: DeliveryStatus = DeliveryStatus.PENDING
    due_at: datetime | None = None


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after a transient failure: 2 s, 4 s, 8 s, ... at most 5 minutes."""
    return timedelta(seconds=min(300, 2 ** attempts))


def message(text: str, buttons: list[list[tuple[str, str]]] | None = None,
            document: str | None = None) -> dict[str, Any]:
    """A payload: the text (HTML) and rows of (label, callback data) buttons; with a document
    (a Telegram file id) the text is its caption."""
    payload: dict[str, Any] = {"text": text,
                               "buttons": [[list(b) for b in row] for row in (buttons or [])]}
    if document:
        payload["document"] = document
    return payload


def poll_question(poll_id: int, question: str, options: tuple[str, ...], anonymous: bool,
                  multiple: bool) -> dict[str, Any]:
    """A native Telegram poll; after sending, the worker records Telegram's ids for ``poll_id``
    (answers arrive by Telegram's poll id, and stopping it needs the message)."""
    return {"poll": {"id": poll_id, "question": question, "options": list(options),
                     "anonymous": anonymous, "multiple": multiple}}


def stop_poll(message_id: int) -> dict[str, Any]:
    """Close the poll in that message (in the delivery's chat)."""
    return {"stop_poll": message_id}


def replying(payload: dict[str, Any], message_id: int | None) -> dict[str, Any]:
    """The message as a reply to an earlier one in the same chat (sent anyway if it is gone)."""
    if message_id is not None:
        payload["reply_to"] = message_id
    return payload
