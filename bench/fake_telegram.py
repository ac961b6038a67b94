"""A local fake Bot API server that enforces Telegram's sending limits with 429s.

    python -m bench.fake_telegram --port 8081 [--per-second 30] [--per-chat 1]

The bot reaches it through ``TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot``. It answers
getMe and sendMessage like Telegram; a sendMessage that would exceed ``--per-second`` messages in
the last second overall, or ``--per-chat`` in the last second to one chat, gets a 429 with
``retry_after``. GET /stats returns what it received: messages accepted, 429s sent, and texts
accepted more than once (duplicates). The load harness of bench/ starts here.
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

BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Hamkari", "username": "hamkari_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": True}


class Limits:
    def __init__(self, per_second: float, per_chat: float) -> None:
        self.per_second, self.per_chat = per_second, per_chat
        self.recent: collections.deque[float] = collections.deque()
        self.last_for_chat: dict[int, float] = {}
        self.accepted: collections.Counter[str] = collections.Counter()
        self.too_many = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.message_ids = itertools.count(1)

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
            return wait
        self.recent.append(now)
        self.last_for_chat[chat_id] = now
        self.accepted[text] += 1
        self.first_at = self.first_at or now
        self.last_at = now
        return 0.0


class BotApi(web.RequestHandler):
    def initialize(self, limits: Limits) -> None:
        self.limits = limits

    def _params(self) -> dict:
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(self.request.body or b"{}")
        return {key: self.get_body_argument(key) for key in self.request.body_arguments}

    def post(self, _token: str, method: str) -> None:
        params = self._params()
        if method == "getMe":
            return self._ok(BOT_USER)
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            wait = self.limits.admit(chat_id, str(params.get("text", "")))
            if wait:
                retry_after = max(1, round(wait + 0.5))
                self.set_status(429)
                return self.finish({"ok": False, "error_code": 429,
                                    "description": f"Too Many Requests: retry after {retry_after}",
                                    "parameters": {"retry_after": retry_after}})
            return self._ok({"message_id": next(self.limits.message_ids), "date": int(time.time()),
                             "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                             "text": params.get("text", "")})
        return self._ok(True)

    def _ok(self, result) -> None:
        self.finish({"ok": True, "result": result})


class Stats(web.RequestHandler):
    def initialize(self, limits: Limits) -> None:
        self.limits = limits

    def get(self) -> None:
        accepted = self.limits.accepted
        span = ((self.limits.last_at or 0) - (self.limits.first_at or 0))
        self.finish({"accepted": sum(accepted.values()), "distinct": len(accepted),
                     "duplicates": sum(count - 1 for count in accepted.values() if count > 1),
                     "too_many_requests": self.limits.too_many, "seconds": span,
                     "texts": list(accepted)})


def application(limits: Limits) -> web.Application:
    return web.Application([
        (r"/bot([^/]+)/(\w+)", BotApi, {"limits": limits}),
        (r"/stats", Stats, {"limits": limits}),
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
