"""Chat with the real bot in a terminal: text first, then buttons as numbered choices.

Typing a number presses that button of the latest message that has buttons; anything else is
sent as a message. Works interactively and from a script on standard input.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import sys
from typing import Any, TextIO

from telegram import Update

from bot.app import Hamkari
from bot.config import Settings
from bot.console.fake_api import ApiCall, FakeBotApi, UpdateFactory, poll_update
from bot.domain.users import change_locale, ensure_user
from bot.i18n import SUPPORTED_LOCALES, is_rtl
from bot.i18n.text import FSI, PDI

CONSOLE_USER_ID = 100_000_001
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Telegram client language codes that resolve to each locale.
CLIENT_LANGUAGE = {"fa_AF": "fa", "ps": "ps", "tg": "tg", "en": "en"}


def render_html(text: str) -> str:
    """Text as a phone shows it: tags gone, entities decoded, isolates invisible."""
    return html.unescape(_TAG.sub("", text)).replace(FSI, "").replace(PDI, "")


class ConsoleSession:
    def __init__(self, settings: Settings, out: TextIO, lang: str | None = None,
                 first_name: str = "Console") -> None:
        self.api = FakeBotApi()
        self.hamkari = Hamkari(settings, request=self.api)
        self.lang = lang
        self.users = UpdateFactory(user_id=CONSOLE_USER_ID, first_name=first_name,
                                   language_code=CLIENT_LANGUAGE.get(lang or "en", "en"))
        self.out = out
        self._buttons: list[tuple[str, dict[str, Any]]] = []
        self._poll: dict[str, Any] | None = None  # the latest poll this console received
        self._update_ids = itertools.count(900_000)

    async def __aenter__(self) -> ConsoleSession:
        await self.hamkari.application.initialize()
        await self.hamkari.prepare()
        if self.lang:
            await self._set_language(self.lang)
        self.api.take_calls()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.hamkari.application.shutdown()
        await self.hamkari.engine.dispose()

    async def _set_language(self, lang: str) -> None:
        # --lang behaves like pressing that language button before the session starts.
        factory = self.hamkari.application.bot_data.uow_factory
        async with factory() as uow:
            user = await ensure_user(uow, CONSOLE_USER_ID, lang)
            await change_locale(uow, user, lang, SUPPORTED_LOCALES)

    async def send(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.split()[0] == "vote" and self._poll is not None:
            update = self._vote(line.split()[1:])
            if update is None:
                return
        elif line.isdigit() and self._buttons:
            index = int(line) - 1
            if not 0 <= index < len(self._buttons):
                self._print(f"(no button {line}: choose 1-{len(self._buttons)})")
                return
            data, message = self._buttons[index]
            update = self.users.callback(data, message)
        else:
            update = self.users.message(line)
        await self.hamkari.application.process_update(
            Update.de_json(update, self.hamkari.application.bot)
        )
        await self.hamkari.settle()  # queued messages and progress reports, at once
        for call in self.api.take_calls():
            self._show(call)

    def _show(self, call: ApiCall) -> None:
        params = call.params
        if call.method in {"sendMessage", "editMessageText"}:
            prefix = "(edited) " if call.method == "editMessageText" else ""
            self._print(prefix + render_html(str(params.get("text", ""))))
            self._remember_buttons(params)
        elif call.method == "answerCallbackQuery" and params.get("text"):
            self._print(f"({render_html(str(params['text']))})")
        elif call.method == "sendPoll" and int(params["chat_id"]) == CONSOLE_USER_ID:
            self._poll = self.api.poll_of(CONSOLE_USER_ID)["poll"]
            self._print(f"📊 {self._poll['question']}")
            for number, option in enumerate(self._poll["options"], start=1):
                self._print(f"  ({number}) {option['text']}")
            self._print("(answer: vote 1, or vote 1 3 where several are allowed; vote alone "
                        "takes the answer back)")
        elif call.method == "stopPoll" and int(params["chat_id"]) == CONSOLE_USER_ID:
            self._print("(the poll above is closed)")
        elif call.method == "sendDocument":  # a terminal cannot show the file; name it
            for file_name, content, _mime in call.files.values():
                self._print(f"(file {file_name}, {len(content)} bytes)")
            if params.get("caption"):
                self._print(render_html(str(params["caption"])))

    def _vote(self, numbers: list[str]) -> dict[str, Any] | None:
        """A tap on the latest poll, as Telegram reports it: a named poll's answer, or an
        anonymous poll's new totals (this console being its only voter)."""
        poll = self._poll
        chosen = sorted({int(n) - 1 for n in numbers if n.isdigit()
                         and 1 <= int(n) <= len(poll["options"])})
        if len(chosen) != len(numbers) or (len(chosen) > 1
                                                         and not poll["allows_multiple_answers"]):
            self._print(f"(vote with option numbers 1-{len(poll['options'])})")
            return None
        if not poll["is_anonymous"]:
            return self.users.poll_answer(poll["id"], chosen)
        counts = [1 if index in chosen else 0 for index in range(len(poll["options"]))]
        return poll_update(poll, counts, 1 if chosen else 0, next(self._update_ids))

    def _remember_buttons(self, params: dict[str, Any]) -> None:
        keyboard = (params.get("reply_markup") or {}).get("inline_keyboard")
        if not keyboard:
            return
        message = self.api.last_message(int(params["chat_id"]))
        self._buttons = []
        for row in keyboard:
            for button in row:
                self._buttons.append((button.get("callback_data", ""), message))
                self._print(f"  [{len(self._buttons)}] {button['text']}")

    def _print(self, text: str) -> None:
        print(text, file=self.out)
        self.out.flush()


async def run_console(settings: Settings, lang: str | None, stdin: TextIO = sys.stdin,
                      out: TextIO = sys.stdout) -> None:
    interactive = stdin.isatty()
    async with ConsoleSession(settings, out, lang) as session:
        if interactive:
            direction = "right to left" if lang and is_rtl(lang) else "left to right"
            print(f"Hamkari console ({lang or 'stored language'}, {direction}). "
                  "Type /start; a number presses a button; Ctrl-D quits.", file=out)
        while True:
            if interactive:
                print("> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive:
                print(f"> {line.rstrip()}", file=out)
            await session.send(line)
