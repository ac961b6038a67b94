"""A local fake Bot API server that enforces Telegram's sending limits with 429s.

    python -m bench.fake_telegram --port 8081 [--per-second 30] [--per-chat 1]

The bot reaches it through ``TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot``. It answers
getMe and sendMessage like Telegram; a sendMessage (or sendDocument) that would exceed
``--per-second`` messages in the last second overall, or ``--per-chat`` in the last second to one
chat, gets a 429 with ``retry_after``. GET /stats returns what it received: messages accepted, 429s
sent, and texts accepted more than once (duplicates). The load harness of bench/ starts here.

A bot can also long-poll it, so a harness can play a user of the real bot process:

- ``POST /inject`` with a JSON update queues it for getUpdates (``update_id`` and, in a message,
  ``message_id`` and ``date`` are filled in when missing); getUpdates honours ``offset`` and waits
  at most a second for something to arrive, then answers ``[]``.
- ``GET /messages?chat_id=...``: the bot's messages in that chat as they stand now (edits applied),
  with their reply_markup. editMessageText is not rate limited.
- ``GET /received?contains=...[&since=...][&chats=1]``: the accepted sends whose text (or
  caption) contains the string, from ``since`` (a Unix time) on: how many, to how many chats,
  duplicates (same text to the same chat again), the wall times of the first and last, and with
  ``chats=1`` the count per chat and every accepted send's time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import logging
import time

from tornado import web
from tornado.iostream import StreamClosedError

BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Hamkari", "username": "hamkari_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": True}
POLL_WAIT = 1.0  # longest a getUpdates waits, whatever timeout it asks for


class Limits:
    def __init__(self, per_second: float, per_chat: float) -> None:
        self.per_second, self.per_chat = per_second, per_chat
        self.recent: collections.deque[float] = collections.deque()
        self.last_for_chat: dict[int, float] = {}
        self.accepted: collections.Counter[str] = collections.Counter()
        self.too_many = 0
        self.too_many_for_chat = 0  # of which over the per-chat limit (the rest: overall)
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.message_ids = itertools.count(1)
        # Every accepted send: (wall time, chat, text), for /received and per-chat duplicates.
        self.log: list[tuple[float, int, str]] = []
        self.per_chat_text: collections.Counter[tuple[int, str]] = collections.Counter()

    def admit(self, chat_id: int, text: str) -> float:
        """0 if accepted (and recorded), else the seconds to wait."""
        now = time.monotonic()
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        wait = 0.0
        if len(self.recent) >= self.per_second:
            wait = 1.0 - (now - self.recent[0])
        last = self.last_for_chat.get(chat_id)
        if last is not None and now - last < 1.0 / self.per_chat:
            wait = max(wait, 1.0 / self.per_chat - (now - last))
        if wait > 0:
            self.too_many += 1
            self.too_many_for_chat += bool(last is not None and now - last < 1.0 / self.per_chat)
            return wait
        self.recent.append(now)
        self.last_for_chat[chat_id] = now
        self.accepted[text] += 1
        self.first_at = self.first_at or now
        self.last_at = now
        self.log.append((time.time(), chat_id, text))
        self.per_chat_text[(chat_id, text)] += 1
        return 0.0


class Chats:
    """The bot's side of each chat (its messages, edits applied) and the updates waiting for it."""

    def __init__(self) -> None:
        self.messages: dict[int, dict[int, dict]] = collections.defaultdict(dict)
        self._message_ids: dict[int, itertools.count] = collections.defaultdict(
            lambda: itertools.count(1))
        self.pending: list[dict] = []  # updates not yet confirmed by a getUpdates offset
        self._update_ids = itertools.count(1)
        self._arrived = asyncio.Event()

    def next_message_id(self, chat_id: int) -> int:
        """Unique within the chat, shared by both sides as in a real private chat."""
        return next(self._message_ids[chat_id])

    def inject(self, update: dict) -> dict:
        update.setdefault("update_id", next(self._update_ids))
        message = update.get("message")
        if message is not None:
            message.setdefault("message_id", self.next_message_id(int(message["chat"]["id"])))
            message.setdefault("date", int(time.time()))
        self.pending.append(update)
        self._arrived.set()
        return update

    async def updates(self, offset: int, limit: int, wait: float) -> list[dict]:
        if offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending and wait > 0:  # getUpdates' timeout: long polling
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), min(wait, POLL_WAIT))
            except TimeoutError:
                pass
        return self.pending[:limit]

    def store(self, chat_id: int, params: dict, **content) -> dict:
        message = {"message_id": self.next_message_id(chat_id), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                   "from": BOT_USER, **content}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[chat_id][message["message_id"]] = message
        return message


class BotApi(web.RequestHandler):
    def initialize(self, limits: Limits, chats: Chats) -> None:
        self.limits, self.chats = limits, chats

    def _params(self) -> dict:
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(self.request.body or b"{}")
        else:  # PTB posts a form (multipart with uploads) whose non-string values are JSON
            params = {key: self.get_body_argument(key) for key in self.request.body_arguments}
            params.update({key: self.get_query_argument(key) for key in self.request.query_arguments})
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
        return params

    async def post(self, _token: str, method: str) -> None:
        params = self._params()
        if method == "getMe":
            return self._ok(BOT_USER)
        if method == "getUpdates":
            updates = await self.chats.updates(int(params.get("offset") or 0),
                                               int(params.get("limit") or 100),
                                               float(params.get("timeout") or 0))
            return self._ok(updates)
        if method in {"sendMessage", "sendDocument"}:
            chat_id = int(params["chat_id"])
            text = str(params.get("text" if method == "sendMessage" else "caption", ""))
            wait = self.limits.admit(chat_id, text)
            if wait:
                retry_after = max(1, round(wait + 0.5))
                return self._error(429, f"Too Many Requests: retry after {retry_after}",
                                   {"retry_after": retry_after})
            if method == "sendMessage":
                return self._ok(self.chats.store(chat_id, params, text=text))
            document = params.get("document")
            file_id = document if isinstance(document, str) else "uploaded"
            return self._ok(self.chats.store(chat_id, params, caption=text, document={
                "file_id": file_id, "file_unique_id": f"u{file_id}"}))
        if method == "editMessageText":
            return self._edit(params)
        if method == "getMyCommands":
            return self._ok([])
        return self._ok(True)  # setMyCommands, deleteWebhook, answerCallbackQuery, ...

    def _edit(self, params: dict) -> None:
        chat_id, message_id = int(params.get("chat_id", 0)), int(params.get("message_id", 0))
        message = self.chats.messages.get(chat_id, {}).get(message_id)
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
            return self._error(400, "Bad Request: message is not modified: specified new message "
                                    "content and reply markup are exactly the same")
        message["text"] = params.get("text", "")
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return self._ok(message)

    def _ok(self, result) -> None:
        self._answer({"ok": True, "result": result})

    def _error(self, code: int, description: str, parameters: dict | None = None) -> None:
        self.set_status(code)
        body = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        self._answer(body)

    def _answer(self, body: dict) -> None:
        try:  # a bot killed mid-request has gone away; nothing to answer
            self.finish(body)
        except StreamClosedError:
            pass


class Stats(web.RequestHandler):
    def initialize(self, limits: Limits) -> None:
        self.limits = limits

    def get(self) -> None:
        accepted = self.limits.accepted
        span = ((self.limits.last_at or 0) - (self.limits.first_at or 0))
        per_chat = self.limits.per_chat_text
        self.finish({"accepted": sum(accepted.values()), "distinct": len(accepted),
                     "duplicates": sum(count - 1 for count in accepted.values() if count > 1),
                     "too_many_requests": self.limits.too_many, "seconds": span,
                     "too_many_for_chat": self.limits.too_many_for_chat,
                     "chats": len({chat for chat, _text in per_chat}),
                     "chat_duplicates": sum(count - 1 for count in per_chat.values() if count > 1),
                     "texts": list(accepted)})


class Inject(web.RequestHandler):
    def initialize(self, chats: Chats) -> None:
        self.chats = chats

    def post(self) -> None:
        self.finish({"ok": True, "result": self.chats.inject(json.loads(self.request.body))})


class Messages(web.RequestHandler):
    def initialize(self, chats: Chats) -> None:
        self.chats = chats

    def get(self) -> None:
        chat = self.chats.messages.get(int(self.get_query_argument("chat_id")), {})
        self.finish({"ok": True, "result": [chat[key] for key in sorted(chat)]})


class Received(web.RequestHandler):
    def initialize(self, limits: Limits) -> None:
        self.limits = limits

    def get(self) -> None:
        contains = self.get_query_argument("contains", "")
        since = float(self.get_query_argument("since", "0"))
        times: list[float] = []
        per_chat: collections.Counter[int] = collections.Counter()
        per_chat_text: collections.Counter[tuple[int, str]] = collections.Counter()
        for at, chat_id, text in self.limits.log:
            if at >= since and contains in text:
                times.append(at)
                per_chat[chat_id] += 1
                per_chat_text[(chat_id, text)] += 1
        answer = {"count": len(times), "chats": len(per_chat),
                  "duplicates": sum(count - 1 for count in per_chat_text.values() if count > 1),
                  "first": min(times, default=None), "last": max(times, default=None),
                  "too_many_requests": self.limits.too_many}
        if self.get_query_argument("chats", "0") == "1":
            answer["per_chat"] = {str(chat_id): count for chat_id, count in per_chat.items()}
            answer["times"] = sorted(times)
        self.finish(answer)


def application(limits: Limits, chats: Chats | None = None) -> web.Application:
    chats = chats or Chats()
    return web.Application([
        (r"/bot([^/]+)/(\w+)", BotApi, {"limits": limits, "chats": chats}),
        (r"/stats", Stats, {"limits": limits}),
        (r"/inject", Inject, {"chats": chats}),
        (r"/messages", Messages, {"chats": chats}),
        (r"/received", Received, {"limits": limits}),
    ])


async def serve(port: int, per_second: float, per_chat: float) -> None:
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # a line per request otherwise
    application(Limits(per_second, per_chat)).listen(port, address="127.0.0.1")
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--per-second", type=float, default=30)
    parser.add_argument("--per-chat", type=float, default=1)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.per_second, args.per_chat))


if __name__ == "__main__":
    main()
