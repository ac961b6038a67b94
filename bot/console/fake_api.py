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
    # Uploaded files by part name: (file name, content, MIME type), e.g. sendDocument's document.
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)


@dataclass
class _Failure:
    method: str
    error_code: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None  # only a call to this chat fails (None: the next call)


@dataclass
class FakeBotApi(BaseRequest):
    calls: list[ApiCall] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _last_message_key: dict[int, tuple[int, int]] = field(default_factory=dict)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    latency: float = 0.0  # seconds per call, to model a Telegram round trip in benchmarks
    # Files Telegram holds, by file_id: sent to the bot (add_file) or sent by it (sendDocument).
    files: dict[str, bytes] = field(default_factory=dict)
    _file_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    # Polls the bot sent, by Telegram's poll id: the message holding each.
    polls: dict[str, dict[str, Any]] = field(default_factory=dict)
    _poll_ids: itertools.count = field(default_factory=lambda: itertools.count(5000))

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
        if method == "GET" and "/file/bot" in url:
            return self._download(url)
        api_method = url.rsplit("/", 1)[-1]
        if self.latency:
            await asyncio.sleep(self.latency)
        params = dict(request_data.parameters) if request_data else {}
        files = _uploaded(request_data)
        self.calls.append(ApiCall(api_method, params, files))
        failure = self._take_failure(api_method, params)
        if failure is not None:
            body: dict[str, Any] = {"ok": False, "error_code": failure.error_code,
                                    "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.error_code, json.dumps(body).encode()
        if api_method == "stopPoll" and "poll" not in self.messages.get(
                (_int(params.get("chat_id")), _int(params.get("message_id"))), {}):
            return 400, json.dumps({"ok": False, "error_code": 400, "description":
                                    "Bad Request: message with poll to stop not found"}).encode()
        result = (self._document_message(params, files) if api_method == "sendDocument"
                  else self._answer(api_method, params))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- controlling the fake ----------------------------------------------------------------
    def fail_next(self, method: str, error_code: int, description: str,
                  retry_after: int | None = None, chat_id: int | None = None) -> None:
        self._failures.append(_Failure(method, error_code, description, retry_after, chat_id))

    def take_calls(self) -> list[ApiCall]:
        taken, self.calls = self.calls, []
        return taken

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The message this chat most recently received or saw edited."""
        return self.messages[self._last_message_key[chat_id]]

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    # -- internals ---------------------------------------------------------------------------
    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        for index, failure in enumerate(self._failures):
            if failure.method == method and failure.chat_id in {None, _int(params.get("chat_id"))}:
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
        if method == "getFile":
            return self._file(str(params["file_id"]))
        if method == "sendPoll":
            return self._poll_message(params)
        if method == "stopPoll":
            return self._stop_poll(params)
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

    # -- polls ---------------------------------------------------------------------------------
    def _poll_message(self, params: dict[str, Any]) -> dict[str, Any]:
        options = params["options"]
        if isinstance(options, str):  # PTB sends the list JSON-encoded
            options = json.loads(options)
        options = [o["text"] if isinstance(o, dict) else str(o) for o in options]
        poll = {"id": f"poll-{next(self._poll_ids)}", "question": params["question"],
                "options": [{"text": text, "voter_count": 0, "persistent_id": str(index)}
                            for index, text in enumerate(options)],
                "total_voter_count": 0, "is_closed": False,
                # Bot API 9.6 and 10.0 made these required (python-telegram-bot 22.8 checks).
                "allows_revoting": True, "members_only": False,
                "is_anonymous": str(params.get("is_anonymous", True)).lower() != "false",
                "type": "regular",
                "allows_multiple_answers": str(params.get("allows_multiple_answers",
                                                          False)).lower() == "true"}
        message = self._message({**params, "text": ""})
        message.pop("text")
        message["poll"] = poll
        self.polls[poll["id"]] = message
        return message

    def _stop_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[(int(params["chat_id"]), int(params["message_id"]))]
        message["poll"]["is_closed"] = True
        return message["poll"]

    def poll_of(self, chat_id: int) -> dict[str, Any]:
        """The latest poll message this chat received."""
        found = [m for m in self.polls.values() if m["chat"]["id"] == chat_id]
        return found[-1]

    # -- files -----------------------------------------------------------------------------------
    def add_file(self, content: bytes, file_name: str, mime_type: str = "text/csv",
                 declared_size: int | None = None) -> dict[str, Any]:
        """Store a file as if a user had uploaded it; returns the Document to put in an update.
        ``declared_size`` overrides the size Telegram reports (to test size limits cheaply)."""
        file_id = f"file-{next(self._file_ids)}"
        self.files[file_id] = content
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(content) if declared_size is None else declared_size}

    def _file(self, file_id: str) -> dict[str, Any]:
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    def _download(self, url: str) -> tuple[int, bytes]:
        file_id = url.rsplit("/", 1)[-1]
        self.calls.append(ApiCall("downloadFile", {"file_id": file_id}))
        if file_id not in self.files:
            return 404, b"Not Found"
        return 200, self.files[file_id]

    def _document_message(self, params: dict[str, Any],
                          files: dict[str, tuple[str, bytes, str]]) -> dict[str, Any]:
        if isinstance(params.get("document"), str):  # a file Telegram already holds, by id
            file_id = params["document"]
            document = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
        else:
            file_name, content, mime_type = files.get("document", ("document", b"", ""))
            document = self.add_file(content, file_name, mime_type)
        message = self._message({**params, "text": ""})
        message.pop("text")
        message["document"] = document
        if params.get("caption"):
            message["caption"] = params["caption"]
        return message


def poll_update(poll: dict[str, Any], counts: list[int], voters: int,
                update_id: int) -> dict[str, Any]:
    """Telegram's new state of a poll the bot sent (how anonymous polls report answers)."""
    state = {**poll, "options": [{**option, "voter_count": count}
                                 for option, count in zip(poll["options"], counts, strict=True)],
             "total_voter_count": voters}
    return {"update_id": update_id, "poll": state}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _uploaded(request_data: RequestData | None) -> dict[str, tuple[str, bytes, str]]:
    if request_data is None or not request_data.contains_files:
        return {}
    uploaded = {}
    for name, (file_name, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        uploaded[name] = (file_name, data, mime_type)
    return uploaded


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

    def inline_query(self, query: str, offset: str = "") -> dict[str, Any]:
        """Typing ``@bot query`` in any chat."""
        return {
            "update_id": next(self._ids),
            "inline_query": {"id": str(next(self._ids)), "from": self._user(), "query": query,
                             "offset": offset},
        }

    def document(self, document: dict[str, Any], caption: str | None = None,
                 chat_id: int | None = None) -> dict[str, Any]:
        """A message carrying a file; ``document`` as returned by FakeBotApi.add_file."""
        update = self.message("", chat_id)
        message = update["message"]
        message.pop("text")
        message["document"] = document
        if caption:
            message["caption"] = caption
        return update

    def my_chat_member(self, chat_id: int, old: str, new: str) -> dict[str, Any]:
        """This person changed the bot's membership of a group: "left" -> "member" adds it,
        "member" -> "kicked" or "left" removes it."""
        def member(status: str) -> dict[str, Any]:
            found: dict[str, Any] = {"user": BOT_USER, "status": status}
            if status == "kicked":
                found["until_date"] = 0
            return found
        return {"update_id": next(self._ids), "my_chat_member": {
            "chat": {"id": chat_id, "type": "supergroup", "title": "Group"},
            "from": self._user(), "date": int(time.time()),
            "old_chat_member": member(old), "new_chat_member": member(new)}}

    def poll_answer(self, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
        """This person answered a non-anonymous poll (no options: took the answer back)."""
        return {"update_id": next(self._ids), "poll_answer": {
            "poll_id": poll_id, "user": self._user(), "option_ids": option_ids,
            "option_persistent_ids": [str(index) for index in option_ids]}}

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
