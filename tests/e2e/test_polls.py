"""Quick polls through the real Application and the fake Bot API: writing one within Telegram's
limits, per-language versions, named answers (changed, retracted, per organisation), anonymous
totals, the creator's card, the nudge, closing by hand and by time across a restart, and the
body's group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.console.fake_api import UpdateFactory, poll_update
from bot.db.models import DeliveryRow, PollRow
from bot.domain.entities import Role, StaffMember
from bot.tg import poll_views as pv
from tests.conftest import Harness, start_harness, texts
from tests.e2e.test_bodies import GROUP_ID, network, user_id
from tests.e2e.test_meetings import at, clocked_harness

START = datetime(2026, 12, 1, 5, 30, tzinfo=UTC)


@pytest.fixture
async def harness(engine):
    harness = await clocked_harness(engine, START)
    yield harness
    await harness.application.shutdown()


def to(calls, person, method: str = "sendMessage") -> list[str]:
    return [str(c.params.get("text") or "") for c in calls
            if c.method == method and c.params.get("chat_id") == person.user_id]


def polls_to(calls, chat_id: int) -> list[dict]:
    return [c.params for c in calls if c.method == "sendPoll" and c.params["chat_id"] == chat_id]


def draft_prefix(harness: Harness, person) -> str:
    data = next(d for d in harness.buttons(person) if d.startswith("pl:"))
    return ":".join(data.split(":")[:2])


async def write_poll(harness: Harness, karim, body_id: int, question: str = "Which day suits the "
                     "next round table?", options: str = "Saturday\nSunday\nMonday",
                     settings=()) -> str:
    """Up to the composer; returns the draft's button prefix."""
    await harness.send(karim, "/poll")
    await harness.tap(karim, f"plb:{body_id}:new")
    await harness.send(karim, question)
    await harness.send(karim, options)
    prefix = draft_prefix(harness, karim)
    for action in settings:
        await harness.tap(karim, f"{prefix}:{action}")
    return prefix


async def send_poll(harness: Harness, karim, body_id: int, **kwargs) -> tuple[int, list]:
    prefix = await write_poll(harness, karim, body_id, **kwargs)
    calls = await harness.tap(karim, f"{prefix}:send")
    async with harness.application.bot_data.uow_factory() as uow:
        poll_id = (await uow.session.scalars(select(PollRow.id).order_by(PollRow.id.desc()))
                   ).first()
    return poll_id, calls


def telegram_poll_id(harness: Harness, person) -> str:
    return harness.api.poll_of(person.user_id)["poll"]["id"]


async def answer(harness: Harness, person, options: list[int]):
    return await harness.feed(person.poll_answer(telegram_poll_id(harness, person), options))


async def card(harness: Harness, karim, poll_id: int) -> str:
    await harness.send(karim, "/poll")
    calls = await harness.tap(karim, f"plc:{poll_id}:card")
    return texts(calls, "editMessageText")[0]


async def test_a_named_poll_per_person_with_changed_and_retracted_answers(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    poll_id, calls = await send_poll(harness, karim, body_id, settings=("count",))
    assert "on its way to 2 people" in texts(calls, "editMessageText")[0]
    # Each recipient: a note saying who asks and how answers are seen, then the native poll.
    [note] = to(calls, gul)
    [asked] = polls_to(calls, gul.user_id)
    assert asked["is_anonymous"] is False and asked["allows_multiple_answers"] is False
    assert "Balkh CSO Network" in note and "Saturday" in str(asked["options"])
    assert note != "" and "📊" in note
    await answer(harness, gul, [0])
    await answer(harness, gul, [1])  # changed: replaces
    await answer(harness, karim, [1])
    text = await card(harness, karim, poll_id)
    assert "2 people answered." in text and "█" * 10 + " \u2068100% (2)\u2069" in text
    await answer(harness, gul, [])  # retracted
    text = await card(harness, karim, poll_id)
    assert "1 person answered." in text
    assert "Not answered yet: 1" in text and "Gul" in text
    # By province: Karim's organisation works in Balkh and Kunduz.
    assert "By province" in text and "Balkh" in text and "By sector" in text


async def add_colleague(harness: Harness, organisation_id: int, person: UpdateFactory) -> None:
    """A second person of an organisation (as after the owner invited them)."""
    await harness.send(person, "/start")
    async with harness.application.bot_data.uow_factory() as uow:
        await uow.staff.add(StaffMember(organisation_id=organisation_id,
                                        user_id=await user_id(harness, person),
                                        role=Role.MEMBER))


async def test_limits_are_explained_before_anything_is_sent(harness):
    karim, _gul, body_id, _k, _g = await network(harness)
    await harness.send(karim, "/poll")
    await harness.tap(karim, f"plb:{body_id}:new")
    calls = await harness.send(karim, "?" * 301)
    assert "the limit is 300 characters and you wrote 301" in texts(calls)[0]
    await harness.send(karim, "Which day?")
    calls = await harness.send(karim, "Only one")
    assert "at least 2 options; you sent 1" in texts(calls)[0]
    calls = await harness.send(karim, "\n".join(f"Day {n}" for n in range(13)))
    assert "at most 12 options; you sent 13" in texts(calls)[0]
    calls = await harness.send(karim, "Saturday\n" + "S" * 101)
    assert texts(calls)[0].startswith("Option 2: Too long: the limit is 100 characters")
    calls = await harness.send(karim, "Saturday\nsaturday")
    assert "Two options are the same" in texts(calls)[0]
    # Each error kept the question: the options can simply be sent again.
    calls = await harness.send(karim, "Saturday\nSunday")
    assert "Which day?" in texts(calls)[-1] and "1. \u2068Saturday" in texts(calls)[-1]
    # A version in another language needs as many options as the first one.
    prefix = draft_prefix(harness, karim)
    await harness.tap(karim, f"{prefix}:versions")
    await harness.tap(karim, f"{prefix}:version:fa_AF")
    await harness.send(karim, "کدام روز؟")
    calls = await harness.send(karim, "شنبه\nیکشنبه\nدوشنبه")
    assert "exactly 2 options, like the first one; you sent 3" in texts(calls)[0]
    assert not [c for c in harness.api.calls if c.method == "sendPoll"]
    async with harness.application.bot_data.uow_factory() as uow:
        assert not (await uow.session.scalars(select(PollRow.id))).all()


async def test_language_versions_reach_each_recipient_and_results_come_in_their_language(
        harness):
    karim, gul, body_id, _k, _g = await network(harness)
    prefix = await write_poll(harness, karim, body_id, options="Saturday\nSunday")
    await harness.tap(karim, f"{prefix}:versions")
    await harness.tap(karim, f"{prefix}:version:ps")
    await harness.send(karim, "کومه ورځ؟")
    calls = await harness.send(karim, "شنبه\nیکشنبه")
    assert "Versions in: پښتو" in texts(calls)[-1]
    calls = await harness.tap(karim, f"{prefix}:send")
    [to_gul] = polls_to(calls, gul.user_id)
    [to_karim] = polls_to(calls, karim.user_id)
    assert to_gul["question"] == "کومه ورځ؟" and "یکشنبه" in str(to_gul["options"])
    assert to_karim["question"].startswith("Which day")
    await answer(harness, gul, [1])
    await answer(harness, karim, [1])
    # Closing by hand stops both polls and sends the results, each in its reader's language.
    await harness.send(karim, "/poll")
    poll_id = (await _poll_ids(harness))[-1]
    await harness.tap(karim, f"plc:{poll_id}:card")
    await harness.tap(karim, f"plc:{poll_id}:close")
    calls = await harness.tap(karim, f"plc:{poll_id}:closeyes")
    stops = [c for c in calls if c.method == "stopPoll"]
    assert {c.params["chat_id"] for c in stops} == {gul.user_id, karim.user_id}
    [results] = [t for t in to(calls, gul) if "█" in t]
    assert "یکشنبه" in results and "۱۰۰" in results and "(۲)" in results  # Eastern digits
    [english] = [t for t in to(calls, karim) if "█" in t]
    assert "Sunday" in english and "100% (2)" in english
    # Answers after closing change nothing.
    await answer(harness, gul, [0])
    text = await card(harness, karim, poll_id)
    assert "Closed on" in text and "100% (2)" in text and "Close the poll now" not in str(
        harness.api.last_message(karim.user_id).get("reply_markup"))


async def _poll_ids(harness: Harness) -> list[int]:
    async with harness.application.bot_data.uow_factory() as uow:
        return list((await uow.session.scalars(select(PollRow.id).order_by(PollRow.id))).all())


async def test_one_answer_per_organisation_the_nudge_and_not_answered(harness):
    karim, gul, body_id, _karim_org, gul_org = await network(harness)
    nasrin = UpdateFactory(user_id=100_000_003, first_name="Nasrin", language_code="fa")
    await add_colleague(harness, gul_org, nasrin)
    poll_id, calls = await send_poll(harness, karim, body_id)  # per organisation by default
    assert polls_to(calls, nasrin.user_id)
    await answer(harness, nasrin, [0])
    text = await card(harness, karim, poll_id)
    # Gul's organisation has answered through Nasrin: only Karim's is still missing.
    assert "1 organisation answered." in text and "Not answered yet: 1" in text
    assert "Balkh Health Network" in text and "Kabul Education Trust" not in text.split(
        "Not answered yet")[1]
    await answer(harness, gul, [1])  # a colleague's later answer is the organisation's
    text = await card(harness, karim, poll_id)
    assert "1 organisation answered." in text and "0% (0)" in text and "100% (1)" in text
    await answer(harness, gul, [])  # retracted: Nasrin's answer counts again
    text = await card(harness, karim, poll_id)
    assert text.count("100% (1)") >= 1
    # The nudge reaches only Karim (his organisation has not answered), as a reply to his poll,
    # and only once.
    calls = await harness.press(karim, "🔔 Remind 1 person who has not answered")
    [nudge] = [c for c in calls if c.method == "sendMessage" and "reminder" in c.params["text"]]
    assert nudge.params["chat_id"] == karim.user_id
    assert nudge.params["reply_parameters"]["message_id"] == harness.api.poll_of(
        karim.user_id)["message_id"]
    text = await card(harness, karim, poll_id)
    assert "Remind" not in str(harness.api.last_message(karim.user_id)["reply_markup"])
    calls = await harness.feed(karim.callback(f"plc:{poll_id}:nudge",
                                              harness.api.last_message(karim.user_id)))
    assert calls[0].params.get("show_alert") is True


async def test_an_anonymous_poll_is_counted_from_the_polls_totals(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    prefix = await write_poll(harness, karim, body_id)
    calls = await harness.tap(karim, f"{prefix}:anon")
    composer = texts(calls, "editMessageText")[0]
    # No per-organisation counting for anonymous polls: the button goes, a line says why.
    assert "one answer per person" in composer and f"{prefix}:count" not in harness.buttons(karim)
    await harness.tap(karim, f"{prefix}:multi")
    poll_id, calls = await send_poll_from(harness, karim, prefix)
    [asked] = polls_to(calls, gul.user_id)
    assert asked["is_anonymous"] is True and asked["allows_multiple_answers"] is True
    gul_poll = harness.api.poll_of(gul.user_id)["poll"]
    karim_poll = harness.api.poll_of(karim.user_id)["poll"]
    # Telegram reports each message's totals; a later state replaces the earlier one.
    await harness.feed(poll_update(gul_poll, [1, 1, 0], 1, 9001))
    await harness.feed(poll_update(gul_poll, [0, 1, 1], 1, 9002))
    await harness.feed(poll_update(karim_poll, [1, 1, 0], 1, 9003))
    text = await card(harness, karim, poll_id)
    assert "2 people answered." in text and "Several answers were allowed" in text
    assert "50% (1)" in text and "100% (2)" in text
    assert "Not answered yet" not in text and "By province" not in text  # anonymous
    assert "anonymous, several answers allowed, one answer per person" in text
    # An answer from a poll that is not ours changes nothing.
    await harness.feed(poll_update({**gul_poll, "id": "unknown"}, [5, 5, 5], 5, 9004))
    assert "2 people answered." in await card(harness, karim, poll_id)


async def test_closing_by_time_survives_a_restart(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    prefix = await write_poll(harness, karim, body_id)
    await harness.tap(karim, f"{prefix}:closing")
    await harness.tap(karim, f"{prefix}:close:24")
    poll_id, _calls = await send_poll_from(harness, karim, prefix)
    await answer(harness, gul, [2])
    assert not [c for c in (await at(harness, START + timedelta(hours=23))) if
                c.method == "stopPoll"]
    await harness.application.shutdown()
    # A new bot on the same database, started after the closing time, closes it once.
    second = await start_harness(harness.hamkari.engine)
    second.application.bot_data.clock = harness.clock
    harness.clock.now = START + timedelta(hours=30)
    await second.hamkari.settle()
    calls = second.api.take_calls()
    assert {c.params["chat_id"] for c in calls if c.method == "stopPoll"} == {
        gul.user_id, karim.user_id}
    assert len([c for c in calls if c.method == "sendMessage" and "█" in c.params["text"]]) == 2
    await second.hamkari.settle()
    assert not second.api.take_calls()
    async with second.application.bot_data.uow_factory() as uow:
        poll = await uow.polls.get(poll_id)
    assert poll.closed_at == START + timedelta(hours=30)
    await second.application.shutdown()
    await harness.application.initialize()  # the fixture shuts it down again


async def send_poll_from(harness: Harness, karim, prefix: str):
    calls = await harness.tap(karim, f"{prefix}:send")
    return (await _poll_ids(harness))[-1], calls


async def test_a_poll_in_the_bodys_group_and_a_poll_closed_before_it_was_sent(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    await harness.feed(karim.my_chat_member(GROUP_ID, "left", "member"))
    prefix = await write_poll(harness, karim, body_id)
    calls = await harness.tap(karim, f"{prefix}:group")
    assert "and the linked Telegram group" in texts(calls, "editMessageText")[0]
    poll_id, calls = await send_poll_from(harness, karim, prefix)
    [in_group] = polls_to(calls, GROUP_ID)
    assert in_group["question"].startswith("Which day")
    # Someone in the group answers: counted as theirs (Gul's organisation is a member).
    group_poll = harness.api.poll_of(GROUP_ID)["poll"]["id"]
    await harness.feed(gul.poll_answer(group_poll, [0]))
    text = await card(harness, karim, poll_id)
    assert "1 organisation answered." in text
    calls = await harness.press(karim, "⏹ Close the poll now")
    calls = await harness.press(karim, "Yes, close it")
    assert GROUP_ID in {c.params["chat_id"] for c in calls if c.method == "stopPoll"}
    assert [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == GROUP_ID
            and "█" in c.params["text"]]


async def test_a_poll_closed_while_its_messages_wait_sends_no_more_of_them(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    prefix = await write_poll(harness, karim, body_id)
    # Telegram is down for Gul's chat: her poll waits in the outbox for a retry.
    harness.api.fail_next("sendPoll", 502, "Bad Gateway", chat_id=gul.user_id)
    poll_id, calls = await send_poll_from(harness, karim, prefix)
    assert polls_to(calls, karim.user_id)
    await harness.tap(karim, f"plc:{poll_id}:close", await _card_message(harness, karim, poll_id))
    calls = await harness.press(karim, "Yes, close it")
    assert "sent to 1 chat" in texts(calls, "editMessageText")[0]
    calls = await at(harness, START + timedelta(minutes=10))
    assert not polls_to(calls, gul.user_id)
    async with harness.application.bot_data.uow_factory() as uow:
        statuses = dict((await uow.session.execute(select(DeliveryRow.key, DeliveryRow.status)
                                                   .where(DeliveryRow.key.like("poll:%")))).all())
    assert statuses[f"poll:{poll_id}:{gul.user_id}:ask"] == "cancelled"


async def _card_message(harness: Harness, karim, poll_id: int) -> dict:
    await card(harness, karim, poll_id)
    return harness.api.last_message(karim.user_id)


async def test_only_a_bodys_admins_run_polls(harness):
    _karim, gul, body_id, _k, _g = await network(harness)
    calls = await harness.send(gul, "/poll")  # in her language, Pashto
    pashto = harness.application.bot_data.catalogs.translator("ps")
    assert texts(calls) == [pv.not_allowed(pashto)] and "نظرپوښتن" in texts(calls)[0]
    calls = await harness.feed(gul.callback(f"plb:{body_id}:new",
                                            harness.api.last_message(gul.user_id)))
    assert calls[0].params.get("show_alert") is True


async def test_a_user_who_blocked_the_bot_and_a_429_while_sending(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    prefix = await write_poll(harness, karim, body_id, settings=("count",))
    # Gul blocked the bot; Telegram asks Karim's poll to wait: it goes out after the pause.
    harness.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user",
                          chat_id=gul.user_id)
    harness.api.fail_next("sendPoll", 403, "Forbidden: bot was blocked by the user",
                          chat_id=gul.user_id)
    harness.api.fail_next("sendPoll", 429, "Too Many Requests: retry after 3", retry_after=3,
                          chat_id=karim.user_id)
    poll_id, calls = await send_poll_from(harness, karim, prefix)
    calls = await at(harness, START + timedelta(seconds=10))
    assert polls_to(calls, karim.user_id)  # sent after the pause, and recorded
    await answer(harness, karim, [0])
    text = await card(harness, karim, poll_id)
    assert "Delivered to 1 of 2 chats." in text and "1 person answered." in text
    assert "Not answered yet: 0" in text  # Gul never got it: nobody to remind
    calls = await harness.press(karim, "⏹ Close the poll now")
    calls = await harness.press(karim, "Yes, close it")
    assert {c.params["chat_id"] for c in calls if c.method in {"stopPoll", "sendMessage"}
            and "█" in str(c.params.get("text", "█"))} == {karim.user_id}


async def test_stale_and_strangers_buttons_are_refused_and_lose_nothing(harness):
    karim, gul, body_id, _k, _g = await network(harness)
    poll_id, _calls = await send_poll(harness, karim, body_id)
    message = harness.api.last_message(karim.user_id)
    for data in (f"plc:{poll_id + 9}:card", f"plc:{poll_id + 9}:closeyes"):
        calls = await harness.feed(karim.callback(data, message))
        assert calls[0].params.get("show_alert") is True
    # Gul is no admin of the body: she may not see the card nor close the poll.
    for action in ("card", "closeyes", "nudge"):
        calls = await harness.feed(gul.callback(f"plc:{poll_id}:{action}", message))
        assert calls[0].params.get("show_alert") is True
    # An old composer's button after the poll was sent.
    calls = await harness.feed(karim.callback("pl:abcdef:send", message))
    assert calls[0].params.get("show_alert") is True
    async with harness.application.bot_data.uow_factory() as uow:
        assert (await uow.polls.get(poll_id)).closed_at is None
