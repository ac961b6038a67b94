"""The delivery worker's gateway to Telegram: sends a payload, turns errors into the port's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.gateway import RateLimited, Rejected, Sent, Transient, Unreachable


class TelegramGateway:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, payload: dict[str, Any]) -> Sent | None:
        rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in payload.get("buttons", [])]
        markup = InlineKeyboardMarkup(rows) if rows else None
        # Sent anyway when the message it answers was deleted.
        reply = (ReplyParameters(payload["reply_to"], allow_sending_without_reply=True)
                 if payload.get("reply_to") else None)
        try:
            if "poll" in payload:
                poll = payload["poll"]
                # Plain text by Telegram's rules: a poll's question and options are never parsed.
                message = await self._bot.send_poll(
                    chat_id, poll["question"], poll["options"], is_anonymous=poll["anonymous"],
                    allows_multiple_answers=poll["multiple"])
                return Sent(message.message_id, message.poll.id)
            if "stop_poll" in payload:
                await self._bot.stop_poll(chat_id, payload["stop_poll"])
                return None
            # Payload texts are HTML by contract (every value in them went through isolate()).
            if payload.get("document"):
                message = await self._bot.send_document(
                    chat_id, payload["document"], caption=payload["text"], reply_markup=markup,
                    parse_mode=ParseMode.HTML, reply_parameters=reply)
            else:
                message = await self._bot.send_message(
                    chat_id, payload["text"], reply_markup=markup, parse_mode=ParseMode.HTML,
                    reply_parameters=reply)
            return Sent(message.message_id)
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
