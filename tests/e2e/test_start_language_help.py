"""/start, /language, /help and /cancel in all four languages, through the real Application."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import CommandHandler

from bot.console.fake_api import UpdateFactory
from bot.i18n import Catalogs
from bot.i18n.text import FSI, PDI
from bot.tg.find_views import SearchState
from tests.conftest import start_harness, texts

GREETING = {"fa_AF": "به همکاری خوش آمدید", "ps": "همکارۍ ته ښه راغلاست",
            "tg": "Ба Ҳамкорӣ хуш омадед", "en": "Welcome to Hamkari"}
HELP_TITLE = {"fa_AF": "همکاری چه کارهایی می‌کند", "ps": "همکاري څه کوي",
              "tg": "Ҳамкорӣ чӣ кор мекунад", "en": "What Hamkari can do"}
LANGUAGE_DONE = {"fa_AF": "به زبان دری", "ps": "په پښتو ژبه", "tg": "бо забони тоҷикӣ",
                 "en": "in English"}
ERROR_TEXT = {"fa_AF": "متأسفیم", "ps": "بښنه غواړو", "tg": "Бубахшед", "en": "Sorry"}
PHONE = "+93701234567"
BUTTON = {"fa_AF": "دری", "ps": "پښتو", "tg": "Тоҷикӣ", "en": "English"}


@pytest.mark.parametrize(
    ("language_code", "locale"),
    [("fa", "fa_AF"), ("fa-AF", "fa_AF"), ("prs", "fa_AF"), ("ps", "ps"), ("tg", "tg"),
     ("en", "en"), ("de", "en"), ("ru", "en"), (None, "en")],
)
async def test_start_greets_in_the_language_telegram_reports(harness, language_code, locale):
    user = UpdateFactory(language_code=language_code)
    calls = await harness.send(user, "/start")
    [greeting] = texts(calls)
    assert GREETING[locale] in greeting
    keyboard = calls[-1].params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == [
        "دری", "پښتو", "Тоҷикӣ", "English",
        "🔎 " + Catalogs().translator(locale).gettext("Find organisations")]
    assert keyboard[-1][0]["callback_data"] == SearchState().encode("fs")


@pytest.mark.parametrize("target", ["fa_AF", "ps", "tg", "en"])
async def test_language_choice_is_stored_and_used_after_a_restart(engine, target):
    user = UpdateFactory(language_code="de")  # English by default, whatever the client says
    harness = await start_harness(engine)
    await harness.send(user, "/language")
    calls = await harness.press(user, BUTTON[target])
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert LANGUAGE_DONE[target] in calls[-1].params["text"]
    await harness.application.shutdown()

    restarted = await start_harness(engine)
    [help_text] = texts(await restarted.send(user, "/help"))
    assert HELP_TITLE[target] in help_text
    await restarted.application.shutdown()


async def test_stored_choice_wins_over_the_client_language(harness):
    user = UpdateFactory(language_code="tg")
    await harness.send(user, "/start")
    await harness.press(user, "پښتو")
    [help_text] = texts(await harness.send(user, "/help"))
    assert HELP_TITLE["ps"] in help_text


@pytest.mark.parametrize("locale", ["fa_AF", "ps", "tg", "en"])
async def test_help_and_cancel_answer_in_the_users_language(harness, locale):
    user = UpdateFactory(language_code={"fa_AF": "fa"}.get(locale, locale))
    [help_text] = texts(await harness.send(user, "/help"))
    assert HELP_TITLE[locale] in help_text
    assert "/language" in help_text
    [cancel_text] = texts(await harness.send(user, "/cancel"))
    assert "/help" in cancel_text
    assert cancel_text != help_text


async def test_command_menus_are_published_per_language(harness):
    calls = [c for c in harness.api.calls if c.method == "setMyCommands"]
    by_code = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_code) == {"fa", "ps", "tg", None}
    assert [c["command"] for c in by_code[None]] == ["start", "help", "find", "register", "myorg",
                                                   "bodies", "announce", "meeting", "deadline",
                                                   "reminders", "poll", "settings", "language",
                                                   "cancel"]
    assert by_code["tg"][12]["description"] == "Иваз кардани забон"
    assert by_code["fa"][12]["description"] == "تغییر زبان"
    assert by_code["ps"][12]["description"] == "د ژبې بدلول"
    assert by_code[None][12]["description"] == "Change the language"


async def test_html_and_bidi_controls_in_a_name_cannot_break_the_message(harness):
    user = UpdateFactory(first_name="<b>Ali</b> & \u202eco", language_code="fa")
    [greeting] = texts(await harness.send(user, "/start"))
    assert f"{FSI}&lt;b&gt;Ali&lt;/b&gt; &amp; co{PDI}" in greeting
    assert "\u202e" not in greeting


async def test_unknown_language_button_and_stale_buttons_get_a_clear_answer(harness):
    user = UpdateFactory(language_code="ps")
    await harness.send(user, "/start")
    message = harness.api.last_message(user.user_id)
    [answer] = await harness.feed(user.callback("lang:xx", message))
    assert answer.method == "answerCallbackQuery"
    assert "دا ژبه شتون نه لري" in answer.params["text"]
    [answer] = await harness.feed(user.callback("meeting:41:rsvp", message))
    assert "دا تڼۍ نور فعاله نه ده" in answer.params["text"]


async def test_unknown_commands_and_free_text_get_a_hint(harness):
    user = UpdateFactory(language_code="tg")
    assert "Ин фармонро намедонам" in texts(await harness.send(user, "/nonsense"))[0]
    assert "/help" in texts(await harness.send(user, "салом"))[0]


@pytest.mark.parametrize("locale", ["fa_AF", "ps", "tg", "en"])
async def test_a_failing_handler_is_logged_without_personal_data_and_explained(
    harness, caplog, locale
):
    async def explode(update, context):
        # As a real failure would: personal data inside the exception message.
        raise RuntimeError(f"cannot save {PHONE} for {update.effective_user.first_name}")

    harness.application.add_handler(CommandHandler("explode", explode), group=-2)
    user = UpdateFactory(language_code={"fa_AF": "fa"}.get(locale, locale))
    with caplog.at_level(logging.INFO):
        calls = await harness.send(user, "/explode")
    assert ERROR_TEXT[locale] in texts(calls)[0]
    assert "RuntimeError" in caplog.text
    assert PHONE not in caplog.text and "Karim" not in caplog.text
    # and the bot carries on
    assert GREETING[locale] in texts(await harness.send(user, "/start"))[0]


async def test_a_user_who_blocked_the_bot_does_not_stop_it(harness):
    user = UpdateFactory(language_code="en")
    harness.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    harness.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await harness.send(user, "/start")
    assert GREETING["en"] in texts(await harness.send(user, "/start"))[0]


async def test_group_chatter_is_ignored_but_commands_work(harness):
    user = UpdateFactory(language_code="en")
    assert await harness.feed(user.message("hello all", chat_id=-100123)) == []
    assert GREETING["en"] in texts(await harness.feed(user.message("/start", chat_id=-100123)))[0]
