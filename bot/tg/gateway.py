"""The delivery worker's gateway to Telegram: sends a payload, turns errors into the port's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.gateway import RateLimited, Rejected, Transient, Unreachable


class TelegramGateway:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, payload: dict[str, Any]) -> None:
        rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in payload.get("buttons", [])]
        markup = InlineKeyboardMarkup(rows) if rows else None
        try:
            # Payload texts are HTML by contract (every value in them went through isolate()).
            if payload.get("document"):
                await self._bot.send_document(chat_id, payload["document"], caption=payload["text"],
                                              reply_markup=markup, parse_mode=ParseMode.HTML)
            else:
                await self._bot.send_message(chat_id, payload["text"], reply_markup=markup,
                                             parse_mode=ParseMode.HTML)
        except RetryAfter as error:
            wait = error.retry_after
            raise RateLimited(wait.total_seconds() if isinstance(wait, timedelta)
                              else float(wait)) from None
        except Forbidden:
            raise Unreachable() from None
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                raise Unreachable() from None
            raise Rejected() from None
        except (TimedOut, NetworkError):
            raise Transient() from None
