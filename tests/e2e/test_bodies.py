"""Coordination bodies, memberships, the linked group, mutes and /announce through the real
Application and the fake Bot API."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from telegram import Update

from bot.console.fake_api import UpdateFactory
from bot.db.models import AnnouncementRow, CoordinationBodyRow, DeliveryRow, OrganisationRow
from bot.tg import body_views as bv
from tests.conftest import Harness, start_harness, texts
from tests.e2e.test_registry import ADMIN_ID, owner, register

ADMIN = UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")
GROUP_ID = -100_555


@pytest.fixture
async def harness(engine):
    harness = await start_harness(engine)
    await harness.send(ADMIN, "/start")
    yield harness
    await harness.application.shutdown()


async def user_id(harness: Harness, person: UpdateFactory) -> int:
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.users.by_telegram_id(person.user_id)).id


async def org_id(harness: Harness, name: str) -> int:
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.session.scalars(
            select(OrganisationRow.id).where(OrganisationRow.name == name))).one()


async def create_body(harness: Harness, name: str = "Balkh CSO Network") -> int:
    await harness.send(ADMIN, "/newbody")
    await harness.send(ADMIN, name)
    await harness.send(ADMIN, "شبکه نهادهای مدنی بلخ")  # its Dari name
    await harness.tap(ADMIN, "nb:name_ps:skip")
    await harness.tap(ADMIN, "nb:name_tg:skip")
    await harness.tap(ADMIN, "nb:country:AF")
    await harness.send(ADMIN, "Balkh")
    await harness.tap(ADMIN, "nb:description:skip")
    await harness.tap(ADMIN, "nb:confirm:save")
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.session.scalars(select(CoordinationBodyRow.id).where(
            CoordinationBodyRow.name == name))).one()


async def join(harness: Harness, person: UpdateFactory, body_id: int, organisation_id: int) -> None:
    """The owner asks from the body's card; the body's deciders approve."""
    await harness.send(person, "/bodies")
    await harness.tap(person, f"bd:{body_id}")
    await harness.tap(person, f"bd:{body_id}:join:{organisation_id}")
    await harness.tap(ADMIN, f"bma:{body_id}:{organisation_id}:ok")


async def network(harness: Harness):
    """A body with two members: Karim's (health, Balkh and Kunduz) and Gul's (education, Kabul,
    Pashto); Karim is the body's admin."""
    karim, gul = owner("en"), owner("ps", user_id=100_000_002, name="Gul")
    await register(harness, karim)
    await register(harness, gul, name="Kabul Education Trust", provinces=("AF01",),
                   sectors=("education",))
    body_id = await create_body(harness)
    karim_org = await org_id(harness, "Balkh Health Network")
    gul_org = await org_id(harness, "Kabul Education Trust")
    await join(harness, karim, body_id, karim_org)
    await join(harness, gul, body_id, gul_org)
    await harness.tap(ADMIN, f"bd:{body_id}:admins", await _card(harness, ADMIN, body_id))
    await harness.tap(ADMIN, f"bd:{body_id}:adm:{await user_id(harness, karim)}")
    return karim, gul, body_id, karim_org, gul_org


async def _card(harness: Harness, person: UpdateFactory, body_id: int) -> dict:
    await harness.send(person, "/bodies")
    await harness.tap(person, f"bd:{body_id}")
    return harness.api.last_message(person.user_id)


async def test_an_administrator_creates_a_body_with_names_per_language(harness):
    body_id = await create_body(harness)
    async with harness.application.bot_data.uow_factory() as uow:
        body = await uow.bodies.get(body_id)
    assert (body.name, body.names, body.country, body.region) == (
        "Balkh CSO Network", {"fa_AF": "شبکه نهادهای مدنی بلخ"}, "AF", "Balkh")
    dari = owner("fa", user_id=100_000_009, name="Nasrin")
    listing = texts(await harness.send(dari, "/bodies"))[0]
    assert "شبکه نهادهای مدنی بلخ" in listing and "Balkh CSO Network" not in listing


async def test_only_platform_administrators_create_bodies(harness):
    karim = owner()
    assert "do not know that command" in texts(await harness.send(karim, "/newbody"))[0]


async def test_membership_request_approved_and_the_owner_told(harness):
    karim = owner()
    await register(harness, karim)
    body_id = await create_body(harness)
    organisation = await org_id(harness, "Balkh Health Network")
    await harness.send(karim, "/bodies")
    await harness.tap(karim, f"bd:{body_id}")
    calls = await harness.tap(karim, f"bd:{body_id}:join:{organisation}")
    [to_admin] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == ADMIN_ID]
    assert "asks to join" in to_admin.params["text"]
    calls = await harness.tap(ADMIN, f"bma:{body_id}:{organisation}:ok")
    [told] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == karim.user_id]
    assert "is now a member" in told.params["text"]
    # The same button again is stale: nothing is answered twice.
    calls = await harness.feed(ADMIN.callback(f"bma:{body_id}:{organisation}:ok",
                                              harness.api.last_message(ADMIN_ID)))
    assert calls[0].params.get("show_alert") is True
    async with harness.application.bot_data.uow_factory() as uow:
        assert await uow.bodies.is_member(body_id, organisation)


async def test_invitation_declined_then_member_removed(harness):
    karim, gul, body_id, _karim_org, gul_org = await network(harness)
    third = owner("tg", user_id=100_000_003, name="Zarina")
    await register(harness, third, name="Mazar Women Forum", provinces=("AF21",),
                   sectors=("gender",))
    third_org = await org_id(harness, "Mazar Women Forum")
    # Karim (the body's admin) invites by typing part of the name.
    await harness.tap(karim, f"bd:{body_id}:invite", await _card(harness, karim, body_id))
    await harness.send(karim, "Mazar")
    calls = await harness.tap(karim, f"bd:{body_id}:inv:{third_org}")
    [invitation] = [c for c in calls if c.method == "sendMessage"
                    and c.params["chat_id"] == third.user_id]
    assert "Balkh CSO Network" in invitation.params["text"]  # Tajik: no Tajik name, the first one
    calls = await harness.tap(third, f"bma:{body_id}:{third_org}:no")
    [to_karim] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == karim.user_id]
    assert "declined" in to_karim.params["text"]
    # Removing Gul's organisation asks first, then tells its owner in Pashto.
    await harness.tap(karim, f"bd:{body_id}:members", await _card(harness, karim, body_id))
    members = harness.api.last_message(karim.user_id)["text"]
    assert "Kabul Education Trust" in members and "Mazar" not in members
    await harness.tap(karim, f"bd:{body_id}:rm:{gul_org}")
    calls = await harness.tap(karim, f"bd:{body_id}:rm:{gul_org}:yes")
    [to_gul] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == gul.user_id]
    assert "Kabul Education Trust" in to_gul.params["text"]
    async with harness.application.bot_data.uow_factory() as uow:
        assert not await uow.bodies.is_member(body_id, gul_org)


async def test_permission_matrix_for_bodies(harness):
    """Who may approve, remove, see members and announce: body admin yes, platform admin
    (members yes, announce no), member owner (own leave only), stranger no."""
    karim, gul, body_id, karim_org, _gul_org = await network(harness)
    stranger = owner(user_id=100_000_077, name="Stranger")
    await harness.send(stranger, "/start")
    app = harness.application
    async with app.bot_data.uow_factory() as uow:
        from bot.domain.organisations import viewer_for
        from bot.domain.permissions import can_announce, can_manage_members
        viewers = {name: await viewer_for(uow, await uow.users.by_telegram_id(p.user_id),
                                          app.bot_data.admin_ids)
                   for name, p in {"karim": karim, "gul": gul, "admin": ADMIN,
                                   "stranger": stranger}.items()}
    assert {n: can_manage_members(v, body_id) for n, v in viewers.items()} == {
        "karim": True, "gul": False, "admin": True, "stranger": False}
    assert {n: can_announce(v, body_id) for n, v in viewers.items()} == {
        "karim": True, "gul": False, "admin": False, "stranger": False}
    # Through the bot: Gul cannot remove Karim's organisation or open the member list.
    for data in (f"bd:{body_id}:rm:{karim_org}:yes", f"bd:{body_id}:members"):
        calls = await harness.feed(gul.callback(data, harness.api.last_message(gul.user_id)))
        assert calls[0].params.get("show_alert") is True
    catalogs = harness.application.bot_data.catalogs
    assert texts(await harness.send(gul, "/announce")) == [
        bv.announce_not_allowed(catalogs.translator("ps"))]  # Gul reads Pashto
    assert texts(await harness.send(ADMIN, "/announce")) == [
        bv.announce_not_allowed(catalogs.translator("en"))]


async def announce(harness: Harness, karim: UpdateFactory, text: str, *steps) -> list:
    """Karim writes ``text``, taps each of ``steps`` (callback actions after the nonce), sends."""
    await harness.send(karim, "/announce")
    await harness.send(karim, text)
    nonce = harness.buttons(karim)[0].split(":")[1]
    for step in steps:
        if isinstance(step, tuple):  # (action, typed text)
            await harness.tap(karim, f"an:{nonce}:{step[0]}")
            await harness.send(karim, step[1])
        else:
            await harness.tap(karim, f"an:{nonce}:{step}")
    return await harness.tap(karim, f"an:{nonce}:send")


async def test_announcement_reaches_every_member_in_their_language_with_a_report(harness):
    karim, gul, _body_id, *_ = await network(harness)
    calls = await announce(harness, karim, "Meeting on <b>Monday</b>", "versions",
                           ("version:ps", "د دوشنبې غونډه"))
    sent = {c.params["chat_id"]: c.params["text"] for c in calls if c.method == "sendMessage"}
    assert "Meeting on &lt;b&gt;Monday&lt;/b&gt;" in sent[karim.user_id]  # escaped, not bold
    assert "د دوشنبې غونډه" in sent[gul.user_id] and "Monday" not in sent[gul.user_id]
    report = harness.api.last_message(karim.user_id)
    # The progress message became the final report.
    edits = [c.params["text"] for c in calls if c.method == "editMessageText"]
    assert "finished" in edits[-1] and "Delivered: 2" in edits[-1]
    assert "mute:" in str([c.params.get("reply_markup") for c in calls
                           if c.method == "sendMessage" and c.params["chat_id"] == gul.user_id])
    async with harness.application.bot_data.uow_factory() as uow:
        row = (await uow.session.scalars(select(AnnouncementRow))).one()
    assert row.finished_at is not None and row.recipients == 2
    assert report is not None


async def test_audience_filters_by_sector_and_province(harness):
    karim, _gul, _body_id, *_ = await network(harness)
    await harness.send(karim, "/announce")
    await harness.send(karim, "Health cluster only")
    nonce = harness.buttons(karim)[0].split(":")[1]
    await harness.tap(karim, f"an:{nonce}:sectors")
    await harness.tap(karim, f"an:{nonce}:sec:health")
    await harness.tap(karim, f"an:{nonce}:menu")
    preview = harness.api.last_message(karim.user_id)["text"]
    assert "It will reach 1 person" in preview
    await harness.tap(karim, f"an:{nonce}:provinces")
    await harness.tap(karim, f"an:{nonce}:pro:AF01")  # Kabul: Karim's org is not there
    await harness.tap(karim, f"an:{nonce}:menu")
    assert "Nobody can receive it" in harness.api.last_message(karim.user_id)["text"]
    assert f"an:{nonce}:send" not in harness.buttons(karim)
    await harness.tap(karim, f"an:{nonce}:all")
    assert "It will reach 2 people" in harness.api.last_message(karim.user_id)["text"]


async def test_muting_one_body_from_the_message_and_unmuting_in_settings(harness):
    karim, gul, body_id, *_ = await network(harness)
    await announce(harness, karim, "First")
    message = harness.api.last_message(gul.user_id)
    calls = await harness.tap(gul, f"mute:{body_id}:1", message)
    assert any(c.method == "editMessageReplyMarkup" for c in calls)
    calls = await announce(harness, karim, "Second")
    assert gul.user_id not in [c.params["chat_id"] for c in calls if c.method == "sendMessage"]
    assert "Muted: 1" in [c.params["text"] for c in calls if c.method == "editMessageText"][-1]
    settings = texts(await harness.send(gul, "/settings"))[0]
    assert "Balkh CSO Network" in settings
    await harness.tap(gul, f"stg:{body_id}:0")
    calls = await announce(harness, karim, "Third")
    assert gul.user_id in [c.params["chat_id"] for c in calls if c.method == "sendMessage"]


async def test_blocked_recipient_is_reported_unreachable_and_skipped_next_time(harness):
    karim, gul, _body_id, *_ = await network(harness)
    await harness.send(karim, "/announce")
    await harness.send(karim, "Hello members")
    nonce = harness.buttons(karim)[0].split(":")[1]
    harness.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user",
                          chat_id=gul.user_id)
    calls = await harness.tap(karim, f"an:{nonce}:send")
    report = [c.params["text"] for c in calls if c.method == "editMessageText"][-1]
    assert "Unreachable (blocked the bot or never started it): 1" in report
    calls = await announce(harness, karim, "Again")
    assert [c.params["chat_id"] for c in calls if c.method == "sendMessage"] == [karim.user_id]
    assert "Unreachable (blocked the bot or never started it): 1" in [
        c.params["text"] for c in calls if c.method == "editMessageText"][-1]
    # Gul writes to the bot again (unblocked): the next announcement reaches her.
    await harness.send(gul, "/settings")
    calls = await announce(harness, karim, "Welcome back")
    assert gul.user_id in [c.params["chat_id"] for c in calls if c.method == "sendMessage"]


async def test_group_linked_when_a_body_admin_adds_the_bot_and_unlinked_when_removed(harness):
    karim, gul, body_id, *_ = await network(harness)

    calls = await harness.feed(gul.my_chat_member(GROUP_ID, "left", "member"))  # not an admin: no link
    assert len(texts(calls)) == 1 and "Balkh" not in texts(calls)[0]
    async with harness.application.bot_data.uow_factory() as uow:
        assert (await uow.bodies.get(body_id)).group_chat_id is None
    calls = await harness.feed(karim.my_chat_member(GROUP_ID, "left", "member"))
    assert "now linked" in texts(calls)[0]
    calls = await announce(harness, karim, "To the group too")
    assert GROUP_ID in [c.params["chat_id"] for c in calls if c.method == "sendMessage"]
    await harness.feed(karim.my_chat_member(GROUP_ID, "member", "kicked"))
    calls = await announce(harness, karim, "Not to the group")
    assert GROUP_ID not in [c.params["chat_id"] for c in calls if c.method == "sendMessage"]


async def test_announcement_with_a_document_and_the_caption_limit(harness):
    karim, gul, _body_id, *_ = await network(harness)
    await harness.send(karim, "/announce")
    await harness.send(karim, "x" * 1000)
    nonce = harness.buttons(karim)[0].split(":")[1]
    await harness.tap(karim, f"an:{nonce}:doc")
    document = harness.api.add_file(b"%PDF-1.4 minutes", "minutes.pdf", "application/pdf")
    error, composer = texts(await harness.feed(karim.document(document)))
    assert "Too long" in error and "900" in error and "Preview" in composer
    assert f"an:{nonce}:doc" in harness.buttons(karim)  # the composer is back
    await harness.tap(karim, f"an:{nonce}:cancel")
    await harness.send(karim, "/announce")
    await harness.send(karim, "Minutes attached")
    nonce = harness.buttons(karim)[0].split(":")[1]
    await harness.tap(karim, f"an:{nonce}:doc")
    await harness.feed(karim.document(document))
    calls = await harness.tap(karim, f"an:{nonce}:send")
    documents = [c.params for c in calls if c.method == "sendDocument"]
    assert {d["chat_id"] for d in documents} == {karim.user_id, gul.user_id}
    assert all(d["document"] == document["file_id"] and "Minutes attached" in d["caption"]
               for d in documents)


async def test_a_restart_in_the_middle_of_an_announcement_sends_the_rest_once(engine):
    harness = await start_harness(engine)
    await harness.send(ADMIN, "/start")
    karim, gul, _body_id, *_ = await network(harness)
    await harness.send(karim, "/announce")
    await harness.send(karim, "Survives restarts")
    nonce = harness.buttons(karim)[0].split(":")[1]
    # Queue without sending: the process "dies" before the worker runs.
    await harness.application.process_update(Update.de_json(karim.callback(
        f"an:{nonce}:send", harness.api.last_message(karim.user_id)), harness.application.bot))
    await harness.application.shutdown()

    restarted = await start_harness(engine)
    restarted.api.take_calls()
    await restarted.hamkari.settle()
    calls = restarted.api.take_calls()
    sent = [c.params["chat_id"] for c in calls if c.method == "sendMessage"]
    assert sorted(sent) == sorted([karim.user_id, gul.user_id])
    assert "Delivered: 2" in [c.params["text"] for c in calls if c.method == "editMessageText"][-1]
    await restarted.hamkari.settle()
    assert [c for c in restarted.api.take_calls() if c.method == "sendMessage"] == []
    async with restarted.application.bot_data.uow_factory() as uow:
        statuses = list(await uow.session.scalars(select(DeliveryRow.status).where(
            DeliveryRow.key.startswith("ann:"))))
    assert statuses == ["sent", "sent"]
    await restarted.application.shutdown()


async def test_the_add_to_group_link_links_that_body_and_a_migrated_group_stays_linked(harness):
    karim, gul, body_id, *_ = await network(harness)
    calls = await harness.tap(karim, f"bd:{body_id}:group", await _card(harness, karim, body_id))
    link = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert link.endswith(f"?startgroup=body{body_id}")
    # Telegram then posts "/start body<id>" in the chosen group, from the admin.
    calls = await harness.feed(karim.message(f"/start@hamkari_bot body{body_id}", chat_id=GROUP_ID))
    assert "now linked" in texts(calls)[0]
    # Gul is no admin: her /start with the same parameter links nothing elsewhere.
    assert await harness.feed(gul.message(f"/start body{body_id}", chat_id=-100_999)) == []
    # A group upgraded to a supergroup gets a new id; the link follows it.
    moved = karim.message("", chat_id=GROUP_ID)
    moved["message"].pop("text")
    moved["message"]["migrate_to_chat_id"] = GROUP_ID - 1
    await harness.feed(moved)
    calls = await announce(harness, karim, "After the upgrade")
    group_messages = [c.params for c in calls if c.method == "sendMessage"
                      and c.params["chat_id"] == GROUP_ID - 1]
    assert len(group_messages) == 1 and "reply_markup" not in group_messages[0]  # no mute there


async def test_member_list_shows_verification_status(harness):
    karim, _gul, body_id, karim_org, _gul_org = await network(harness)
    await harness.send(ADMIN, "/pending")
    pending = [m for m in harness.api.messages.values()
               if m["chat"]["id"] == ADMIN_ID and f"ver:{karim_org}:ok" in str(m.get("reply_markup"))]
    await harness.tap(ADMIN, f"ver:{karim_org}:ok", pending[-1])
    await harness.tap(karim, f"bd:{body_id}:members", await _card(harness, karim, body_id))
    lines = harness.api.last_message(karim.user_id)["text"].splitlines()
    assert any("Balkh Health Network" in line and "Verified" in line for line in lines)
    assert any("Kabul Education Trust" in line and "Pending review" in line for line in lines)


async def test_two_bodies_muting_one_never_silences_the_other(harness):
    karim, gul, first, karim_org, gul_org = await network(harness)
    second = await create_body(harness, "Kunduz Coordination Forum")
    await join(harness, gul, second, gul_org)  # an organisation in several bodies
    await join(harness, karim, second, karim_org)
    await harness.tap(ADMIN, f"bd:{second}:admins", await _card(harness, ADMIN, second))
    await harness.tap(ADMIN, f"bd:{second}:adm:{await user_id(harness, karim)}")
    settings = texts(await harness.send(gul, "/settings"))[0]
    assert "Balkh CSO Network" in settings and "Kunduz Coordination Forum" in settings
    await harness.tap(gul, f"stg:{first}:1")
    # Karim administers both: /announce asks which body first.
    await harness.send(karim, "/announce")
    nonce = harness.buttons(karim)[0].split(":")[1]
    assert harness.buttons(karim) == [f"an:{nonce}:body:{first}", f"an:{nonce}:body:{second}"]
    await harness.tap(karim, f"an:{nonce}:body:{second}")
    await harness.send(karim, "Forum meets on Thursday")
    nonce = harness.buttons(karim)[0].split(":")[1]
    calls = await harness.tap(karim, f"an:{nonce}:send")
    to_gul = [c.params["text"] for c in calls
              if c.method == "sendMessage" and c.params["chat_id"] == gul.user_id]
    assert len(to_gul) == 1 and "Thursday" in to_gul[0]
    calls = await announce_from(harness, karim, first, "Balkh only")
    assert gul.user_id not in [c.params["chat_id"] for c in calls if c.method == "sendMessage"]


async def announce_from(harness: Harness, karim: UpdateFactory, body_id: int, text: str) -> list:
    await harness.send(karim, "/announce")
    nonce = harness.buttons(karim)[0].split(":")[1]
    await harness.tap(karim, f"an:{nonce}:body:{body_id}")
    await harness.send(karim, text)
    nonce = harness.buttons(karim)[0].split(":")[1]
    return await harness.tap(karim, f"an:{nonce}:send")


async def test_an_owner_accepts_an_invitation_and_later_leaves(harness):
    karim, _gul, body_id, *_ = await network(harness)
    zarina = owner("tg", user_id=100_000_003, name="Zarina")
    await register(harness, zarina, name="Mazar Women Forum", provinces=("AF21",),
                   sectors=("gender",))
    forum = await org_id(harness, "Mazar Women Forum")
    await harness.tap(karim, f"bd:{body_id}:invite", await _card(harness, karim, body_id))
    await harness.send(karim, "Mazar Women")
    await harness.tap(karim, f"bd:{body_id}:inv:{forum}")
    # Zarina opens the body's card instead of the notice: it offers to accept there too.
    card = await _card(harness, zarina, body_id)
    calls = await harness.tap(zarina, f"bma:{body_id}:{forum}:ok", card)
    [to_karim] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == karim.user_id]
    assert "Mazar Women Forum" in to_karim.params["text"]
    await harness.tap(zarina, f"bd:{body_id}:leave:{forum}", await _card(harness, zarina, body_id))
    calls = await harness.tap(zarina, f"bd:{body_id}:leave:{forum}:yes")
    [to_karim] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == karim.user_id]
    assert "has left" in to_karim.params["text"]
    async with harness.application.bot_data.uow_factory() as uow:
        assert not await uow.bodies.is_member(body_id, forum)
        assert await uow.bodies.ask_of(body_id, forum) is None


async def test_a_wrong_kind_of_answer_asks_the_same_step_again_with_a_way_back(harness):
    karim, _gul, _body_id, *_ = await network(harness)
    await harness.send(karim, "/announce")
    await harness.send(karim, "With a file")
    nonce = harness.buttons(karim)[0].split(":")[1]
    await harness.tap(karim, f"an:{nonce}:doc")
    assert harness.buttons(karim) == [f"an:{nonce}:menu"]
    _note, prompt = texts(await harness.send(karim, "here is the text instead"))
    assert "Send the document" in prompt and harness.buttons(karim) == [f"an:{nonce}:menu"]
    await harness.tap(karim, f"an:{nonce}:menu")
    assert f"an:{nonce}:send" in harness.buttons(karim)
    async with harness.application.bot_data.uow_factory() as uow:
        draft = await uow.drafts.get(await user_id(harness, karim))
    assert draft.data["versions"] == {"*": "With a file"}  # nothing was lost
