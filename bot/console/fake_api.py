"""An in-process stand-in for Telegram's Bot API, used by the console and by the tests.

``FakeBotApi`` is a ``telegram.request.BaseRequest``: PTB hands it every API call, it records the
call and answers the way Telegram does (``{"ok": true, "result": ...}``), and it can be told to
fail the next calls with an error code (429 with retry_after, 403 blocked, 5xx) to exercise error
paths. ``UpdateFactory`` builds the updates a Telegram client would send.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Hamkari",
    "username": "hamkari_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass
class _Failure:
    method: str
    error_code: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeBotApi(BaseRequest):
    calls: list[ApiCall] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _last_message_key: dict[int, tuple[int, int]] = field(default_factory=dict)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    latency: float = 0.0  # seconds per call, to model a Telegram round trip in benchmarks

    # -- BaseRequest -------------------------------------------------------------------------
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None,
                         pool_timeout=None) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if self.latency:
            await asyncio.sleep(self.latency)
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append(ApiCall(api_method, params))
        failure = self._take_failure(api_method)
        if failure is not None:
            body: dict[str, Any] = {"ok": False, "error_code": failure.error_code,
                                    "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.error_code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._answer(api_method, params)}).encode()

    # -- controlling the fake ----------------------------------------------------------------
    def fail_next(self, method: str, error_code: int, description: str,
                  retry_after: int | None = None) -> None:
        self._failures.append(_Failure(method, error_code, description, retry_after))

    def take_calls(self) -> list[ApiCall]:
        taken, self.calls = self.calls, []
        return taken

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The message this chat most recently received or saw edited."""
        return self.messages[self._last_message_key[chat_id]]

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    # -- internals ---------------------------------------------------------------------------
    def _take_failure(self, method: str) -> _Failure | None:
        for index, failure in enumerate(self._failures):
            if failure.method == method:
                return self._failures.pop(index)
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "editMessageText"}:
            return self._message(params)
        if method == "getUpdates":
            return []
        if method == "getMyCommands":
            return []
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        message_id = params.get("message_id") or next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "Group"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message_id)] = message
        self._last_message_key[chat_id] = (chat_id, message_id)
        return message


@dataclass
class UpdateFactory:
    """Builds update dicts as a Telegram client would send them, for one person."""

    user_id: int = 100_000_001
    first_name: str = "Karim"
    language_code: str | None = "en"
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def message(self, text: str, chat_id: int | None = None) -> dict[str, Any]:
        chat_id = self.user_id if chat_id is None else chat_id
        chat = ({"id": chat_id, "type": "private", "first_name": self.first_name} if chat_id > 0
                else {"id": chat_id, "type": "group", "title": "Group"})
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(),
            "text": text,
        }
        if text.startswith("/"):
            command_length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command_length}]
        return {"update_id": next(self._ids), "message": message}

    def callback(self, data: str, message: dict[str, Any]) -> dict[str, Any]:
        """A button press on ``message`` (a message dict the fake API returned)."""
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": str(next(self._ids)),
                "from": self._user(),
                "chat_instance": str(self.user_id),
                "data": data,
                "message": message,
            },
        }
