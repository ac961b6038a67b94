"""/register, verification, /myorg, staff and projects through the real Application."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.console.fake_api import UpdateFactory
from bot.db.models import AuditRow, OrganisationRow, ProjectRow, StaffRow
from bot.domain.entities import CoordinationBody, Organisation, OrgStatus, Profile, Visibility
from bot.i18n import Catalogs
from tests.conftest import Harness, start_harness, texts

ADMIN_ID = 900000001
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def owner(lang: str = "en", user_id: int = 100_000_001, name: str = "Karim") -> UpdateFactory:
    return UpdateFactory(user_id=user_id, first_name=name, language_code=lang)


async def register(harness: Harness, user: UpdateFactory, name: str = "Balkh Health Network",
                   save: bool = True, provinces=("AF21", "AF19"), sectors=("health",),
                   visibility: str = "public") -> None:
    """Walk the whole registration with valid answers (Balkh is AF21, Kunduz AF19)."""
    await harness.send(user, "/register")
    await harness.send(user, name)
    await harness.tap(user, "reg:name_latin:skip")
    await harness.send(user, "BHN")
    await harness.tap(user, "reg:kind:set:ngo")
    await harness.tap(user, "reg:country:set:AF")
    for code in provinces:
        await harness.tap(user, f"reg:provinces:tog:{code}")
    await harness.tap(user, "reg:provinces:done")
    await harness.tap(user, "reg:districts:skip")
    for code in sectors:
        await harness.tap(user, f"reg:sectors:tog:{code}")
    await harness.tap(user, "reg:sectors:done")
    await harness.tap(user, "reg:leadership:tog:women_led")
    await harness.tap(user, "reg:leadership:done")
    for step in ("registration_number", "year_founded", "description", "contact_person"):
        await harness.tap(user, f"reg:{step}:skip")
    await harness.send(user, "۰۷۰۱۲۳۴۵۶۷")
    for step in ("email", "website", "telegram"):
        await harness.tap(user, f"reg:{step}:skip")
    await harness.tap(user, f"reg:visibility:set:{visibility}")
    if save:
        await harness.tap(user, "reg:confirm:save")


async def count(harness: Harness, model) -> int:
    async with harness.hamkari.engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model))


async def org_row(harness: Harness) -> OrganisationRow | None:
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.session.scalars(select(OrganisationRow))).first()


@pytest.fixture
async def harness(engine):
    harness = await start_harness(engine)
    admin = UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")
    await harness.send(admin, "/start")  # administrators must have started the bot
    yield harness
    await harness.application.shutdown()


async def test_full_registration_stores_a_pending_organisation_and_asks_the_admin(harness):
    user = owner()
    await register(harness, user, save=False)
    summary = harness.api.last_message(user.user_id)["text"]
    assert "Balkh Health Network" in summary and "+93701234567" in summary
    calls = await harness.tap(user, "reg:confirm:save")
    [edited] = [c for c in calls if c.method == "editMessageText"]
    assert "waits for verification" in edited.params["text"]
    [to_admin] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == ADMIN_ID]
    assert "asks to be verified" in to_admin.params["text"]
    row = await org_row(harness)
    assert (row.status, row.visibility, row.phone, row.women_led) == (
        "pending", "public", "+93701234567", True)
    assert [p.code for p in row.provinces] == ["AF21", "AF19"]
    assert await count(harness, StaffRow) == 1


async def test_wrong_answers_are_explained_and_lose_nothing(harness):
    user = owner()
    await harness.send(user, "/register")
    [error, prompt] = texts(await harness.send(user, "x"))
    assert "Too short" in error and "Nothing you entered before was lost" in error
    assert "name" in prompt
    [error, _prompt] = texts(await harness.send(user, "A" * 151))
    assert "Too long" in error and "151" in error
    await harness.send(user, "Ok Org")
    [error, _prompt] = texts(await harness.send(user, "Нет латиницы"))  # Cyrillic is refused
    assert "Latin letters" in error
    await harness.send(user, "Ok Org")
    await harness.tap(user, "reg:acronym:skip")
    await harness.tap(user, "reg:kind:set:grassroots")
    await harness.tap(user, "reg:country:set:TJ")
    answer = (await harness.tap(user, "reg:provinces:done"))[0]
    assert answer.method == "answerCallbackQuery" and "at least one" in answer.params["text"]
    # Typing where buttons are expected is answered, not swallowed.
    assert "buttons" in texts(await harness.send(user, "Dushanbe"))[0]
    async with harness.application.bot_data.uow_factory() as uow:
        draft = await uow.drafts.get((await uow.users.by_telegram_id(user.user_id)).id)
    assert draft.step == "provinces"
    assert (draft.data["name"], draft.data["name_latin"], draft.data["kind"],
            draft.data["country"]) == ("Ok Org", "Ok Org", "grassroots", "TJ")


async def test_back_returns_to_the_previous_step_keeping_answers(harness):
    user = owner()
    await harness.send(user, "/register")
    await harness.send(user, "Hamkari")
    await harness.send(user, "Hamkari")
    calls = await harness.tap(user, "reg:acronym:back")
    assert "Latin letters" in calls[-1].params["text"]
    await harness.tap(user, "reg:name_latin:back")
    await harness.send(user, "Hamkari Two")  # name again
    async with harness.application.bot_data.uow_factory() as uow:
        draft = await uow.drafts.get((await uow.users.by_telegram_id(user.user_id)).id)
    assert draft.step == "name_latin" and draft.data["name"] == "Hamkari Two"


async def test_a_registration_resumes_after_a_restart(engine):
    harness = await start_harness(engine)
    user = owner("fa")
    await harness.send(user, "/register")
    await harness.send(user, "شبکه صحی بلخ")
    await harness.tap(user, "reg:name_latin:skip")
    await harness.application.shutdown()

    restarted = await start_harness(engine)
    calls = await restarted.send(user, "BHN")  # the acronym, typed after the restart
    assert "reg:kind:set:ngo" in [b["callback_data"] for row in
                                  calls[-1].params["reply_markup"]["inline_keyboard"] for b in row]
    [resumed] = texts(await restarted.send(user, "/register"))
    assert "reg:kind:set:ngo" in restarted.buttons(user)
    dari = Catalogs().translator("fa_AF").gettext(
        "You have an unfinished registration: let us continue where you stopped.")
    assert resumed.startswith(dari) and not resumed.startswith("You have")
    await restarted.application.shutdown()


async def test_cancel_discards_the_draft(harness):
    user = owner()
    await harness.send(user, "/register")
    await harness.send(user, "Hamkari")
    [reply] = texts(await harness.send(user, "/cancel"))
    assert "discarded" in reply
    assert "didn't" not in reply
    hint = texts(await harness.send(user, "Hamkari"))[0]
    assert "/help" in hint  # no conversation any more


async def test_old_buttons_and_other_users_cannot_write_into_a_draft(harness):
    user = owner()
    await harness.send(user, "/register")
    await harness.send(user, "Hamkari")
    await harness.tap(user, "reg:name_latin:skip")
    await harness.send(user, "HK")
    kind_message = harness.api.last_message(user.user_id)
    await harness.tap(user, "reg:kind:set:ngo")
    # the same kind message, pressed again later: the step has moved on
    [stale] = await harness.feed(user.callback("reg:kind:set:foundation", kind_message))
    assert "no longer active" in stale.params["text"]
    intruder = owner(user_id=100_000_002, name="Other")
    [stale] = await harness.feed(intruder.callback("reg:country:set:TJ",
                                                   harness.api.last_message(user.user_id)))
    assert "no longer active" in stale.params["text"]
    async with harness.application.bot_data.uow_factory() as uow:
        draft = await uow.drafts.get((await uow.users.by_telegram_id(user.user_id)).id)
    assert draft.data["kind"] == "ngo" and draft.step == "country"


async def test_html_and_bidi_in_a_name_cannot_break_the_summary(harness):
    user = owner()
    await register(harness, user, name="<b>Evil</b> & \u202eCo", save=False)
    summary = harness.api.last_message(user.user_id)["text"]
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in summary and "\u202e" not in summary


async def test_admin_verifies_and_the_owner_is_told_in_their_language(harness):
    user = owner("ps")
    await register(harness, user)
    admin = UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")
    row = await org_row(harness)
    calls = await harness.tap(admin, f"ver:{row.id}:ok")
    [edited] = [c for c in calls if c.method == "editMessageText"]
    assert edited.params["text"].startswith("Verified")
    [to_owner] = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == user.user_id]
    pashto = Catalogs().translator("ps").gettext(
        "Good news: {name} has been verified. It is now visible in the registry according "
        "to its visibility setting.").format(name="\u2068Balkh Health Network\u2069")
    assert to_owner.params["text"] == pashto and not pashto.startswith("Good news")
    assert (await org_row(harness)).status == "verified"
    # pressing again (or a second admin) is stale, not a second verification
    [again] = await harness.feed(admin.callback(f"ver:{row.id}:ok", harness.api.last_message(ADMIN_ID)))
    assert "no longer active" in again.params["text"]


async def test_admin_rejects_with_a_reason_the_owner_sees(harness):
    user = owner()
    await register(harness, user)
    admin = UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")
    row = await org_row(harness)
    await harness.tap(admin, f"ver:{row.id}:no")
    calls = await harness.send(admin, "Registration number <missing>")
    [to_owner] = [c for c in calls if c.params.get("chat_id") == user.user_id]
    assert "Registration number &lt;missing&gt;" in to_owner.params["text"]
    assert (await org_row(harness)).status == "rejected"


async def test_only_administrators_can_verify(harness):
    user = owner()
    await register(harness, user)
    row = await org_row(harness)
    [answer] = await harness.feed(user.callback(f"ver:{row.id}:ok", harness.api.last_message(user.user_id)))
    assert "no longer active" in answer.params["text"]
    assert (await org_row(harness)).status == "pending"


async def seed_body(harness: Harness, admin: UpdateFactory, member_org_id: int) -> None:
    """Bodies are created through the bot with issue 5's features; here one is written directly."""
    async with harness.application.bot_data.uow_factory() as uow:
        body = await uow.bodies.add(CoordinationBody(None, "Balkh CSO Round Table", "AF"), NOW)
        await uow.bodies.add_member(body.id, member_org_id, NOW)
        await uow.bodies.add_admin(body.id, (await uow.users.by_telegram_id(admin.user_id)).id)


async def test_an_admin_of_the_organisations_body_verifies_it(harness):
    user = owner("tg")
    await register(harness, user, visibility="hidden")
    row = await org_row(harness)
    body_admin = owner("fa", user_id=100_000_007, name="Fatima")
    outsider = owner("en", user_id=100_000_008, name="Other")
    for person in (body_admin, outsider):
        await harness.send(person, "/start")
    await seed_body(harness, body_admin, row.id)

    # someone who administers no body has no review queue; the body admin sees the hidden member
    assert "/help" in texts(await harness.send(outsider, "/pending"))[0]
    [queued] = texts(await harness.send(body_admin, "/pending"))
    assert "Balkh Health Network" in queued and f"ver:{row.id}:ok" in harness.buttons(body_admin)
    [stale] = await harness.feed(outsider.callback(f"ver:{row.id}:ok",
                                                   harness.api.last_message(body_admin.user_id)))
    assert "no longer active" in stale.params["text"]

    calls = await harness.tap(body_admin, f"ver:{row.id}:ok")
    [to_owner] = [c for c in calls if c.params.get("chat_id") == user.user_id]
    tajik = Catalogs().translator("tg").gettext(
        "Good news: {name} has been verified. It is now visible in the registry according "
        "to its visibility setting.").format(name="\u2068Balkh Health Network\u2069")
    assert to_owner.params["text"] == tajik
    assert (await org_row(harness)).status == "verified"


async def test_sending_for_review_again_reaches_the_bodys_admins(harness):
    user = owner()
    await register(harness, user)
    row = await org_row(harness)
    body_admin = owner("ps", user_id=100_000_007, name="Gul")
    await harness.send(body_admin, "/start")
    await seed_body(harness, body_admin, row.id)
    await harness.send(user, "/myorg")
    await harness.tap(user, f"org:{row.id}:withdraw")
    await harness.tap(user, f"org:{row.id}:withdraw:yes")
    await harness.send(user, "/myorg")
    calls = await harness.tap(user, f"org:{row.id}:resubmit")
    asked = {c.params["chat_id"] for c in calls if c.method == "sendMessage"}
    assert asked == {ADMIN_ID, body_admin.user_id}
    pashto = Catalogs().translator("ps").gettext("A new organisation asks to be verified:")
    [to_body_admin] = [c for c in calls if c.params.get("chat_id") == body_admin.user_id]
    assert to_body_admin.params["text"].startswith(pashto)


async def test_similar_name_in_another_script_offers_to_join(harness):
    first = owner()
    await register(harness, first, name="Hamkori")
    second = owner("tg", user_id=100_000_005, name="Dilshod")
    await register(harness, second, name="Ҳамкорӣ", save=False)
    summary = harness.api.last_message(second.user_id)["text"]
    assert "Hamkori" in summary
    row = await org_row(harness)
    calls = await harness.tap(second, f"reg:confirm:join:{row.id}")
    [to_owner] = [c for c in calls if c.params.get("chat_id") == first.user_id]
    assert "Dilshod" in to_owner.params["text"]
    calls = await harness.tap(first, f"join:{row.id}:{await user_id(harness, second)}:ok")
    assert await count(harness, StaffRow) == 2
    assert await count(harness, OrganisationRow) == 1


async def user_id(harness: Harness, user: UpdateFactory) -> int:
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.users.by_telegram_id(user.user_id)).id


async def test_myorg_edit_visibility_withdraw_and_delete(harness):
    user = owner()
    await register(harness, user)
    row = await org_row(harness)
    [card] = texts(await harness.send(user, "/myorg"))
    assert "Balkh Health Network" in card and "Pending review" in card
    await harness.tap(user, f"org:{row.id}:edit")
    await harness.tap(user, f"org:{row.id}:field:name")
    [error, _prompt] = texts(await harness.send(user, "x"))
    assert "Too short" in error
    calls = await harness.send(user, "Balkh Health Network (BHN)")
    assert "Saved" in calls[-1].params["text"]
    await harness.tap(user, f"org:{row.id}:edit")
    await harness.tap(user, f"org:{row.id}:field:sectors")
    await harness.tap(user, "edt:sectors:tog:wash")
    await harness.tap(user, "edt:sectors:done")
    await harness.tap(user, f"org:{row.id}:vis")
    await harness.tap(user, f"org:{row.id}:vis:hidden")
    fresh = await org_row(harness)
    assert fresh.name == "Balkh Health Network (BHN)"
    assert [s.code for s in fresh.sectors] == ["health", "wash"] and fresh.visibility == "hidden"
    await harness.tap(user, f"org:{row.id}:card")
    await harness.tap(user, f"org:{row.id}:withdraw")
    await harness.tap(user, f"org:{row.id}:withdraw:yes")
    assert (await org_row(harness)).status == "withdrawn"
    await harness.tap(user, f"org:{row.id}:card")
    await harness.tap(user, f"org:{row.id}:delete")
    await harness.tap(user, f"org:{row.id}:delete:yes")
    assert await org_row(harness) is None
    assert await count(harness, StaffRow) == 0
    async with harness.hamkari.engine.connect() as connection:
        actions = (await connection.scalars(select(AuditRow.action).order_by(AuditRow.id))).all()
    assert actions[-1] == "deleted" and "registered" in actions


async def test_staff_invitation_link_works_once(harness):
    user = owner()
    await register(harness, user)
    row = await org_row(harness)
    await harness.send(user, "/myorg")
    await harness.tap(user, f"org:{row.id}:staff")
    calls = await harness.tap(user, f"org:{row.id}:invite")
    link = calls[-1].params["text"].split("\n")[-1]
    token = link.split("start=")[1]
    colleague = owner("fa", user_id=100_000_009, name="Zahra")
    [welcome] = texts(await harness.send(colleague, f"/start {token}"))
    assert "Balkh Health Network" in welcome
    late = owner(user_id=100_000_010, name="Late")
    [used] = texts(await harness.send(late, f"/start {token}"))
    assert "already used" in used
    assert await count(harness, StaffRow) == 2
    await harness.send(user, "/myorg")
    await harness.tap(user, f"org:{row.id}:staff")
    assert "Zahra" in harness.api.last_message(user.user_id)["text"]
    colleague_id = await user_id(harness, colleague)
    await harness.tap(user, f"org:{row.id}:owner:{colleague_id}")
    async with harness.hamkari.engine.connect() as connection:
        roles = dict((await connection.execute(select(StaffRow.user_id, StaffRow.role))).all())
    assert roles[colleague_id] == "owner" and list(roles.values()).count("owner") == 1


async def test_adding_a_project_shows_others_working_on_the_same_there(harness):
    first = owner()
    await register(harness, first, name="Kunduz Health Aid")
    first_org = (await org_row(harness)).id
    await add_project(harness, first, first_org, "Mobile clinics", start="1403-01-15")
    second = owner("fa", user_id=100_000_020, name="Fatima")
    await register(harness, second, name="شبکه زنان بلخ", sectors=("health", "gender"))
    async with harness.hamkari.engine.connect() as connection:
        second_org = await connection.scalar(select(OrganisationRow.id).where(
            OrganisationRow.id != first_org))
    calls = await add_project(harness, second, second_org, "کلینیک سیار", start="۱۴۰۳-۰۲-۰۱")
    final = calls[-1].params["text"]
    assert "Kunduz Health Aid" in final and "Mobile clinics" in final
    assert await count(harness, ProjectRow) == 2


async def add_project(harness, user, organisation_id, title, start):
    await harness.send(user, "/myorg")
    await harness.tap(user, f"org:{organisation_id}:projects")
    await harness.tap(user, f"org:{organisation_id}:addproject")
    await harness.send(user, title)
    await harness.tap(user, "prj:sectors:tog:health")
    await harness.tap(user, "prj:sectors:done")
    await harness.tap(user, "prj:provinces:tog:AF21")
    await harness.tap(user, "prj:provinces:done")
    await harness.tap(user, "prj:districts:skip")
    [error, _prompt] = texts(await harness.send(user, "1403-13-40"))  # no such date
    assert "date" in error or "تاریخ" in error
    await harness.send(user, start)
    await harness.tap(user, "prj:end:skip")
    await harness.tap(user, "prj:donor:skip")
    await harness.tap(user, "prj:status:set:active")
    return await harness.tap(user, "prj:confirm:save")


async def test_a_hidden_organisation_is_never_suggested_or_shown_as_overlapping(harness):
    hidden_owner = owner()
    await register(harness, hidden_owner, name="Hamkori", visibility="hidden")
    hidden_org = (await org_row(harness)).id
    await add_project(harness, hidden_owner, hidden_org, "Secret clinics", start="1403-01-15")
    other = owner("en", user_id=100_000_030, name="Other")
    await register(harness, other, name="Hamkori", save=False)
    summary = harness.api.last_message(other.user_id)["text"]
    assert "similar" not in summary
    assert f"reg:confirm:join:{hidden_org}" not in harness.buttons(other)
    await harness.tap(other, "reg:confirm:save")
    async with harness.hamkari.engine.connect() as connection:
        other_org = await connection.scalar(select(OrganisationRow.id).where(
            OrganisationRow.id != hidden_org))
    calls = await add_project(harness, other, other_org, "Open clinics", start="1403-01-15")
    assert "Secret clinics" not in calls[-1].params["text"]
    assert "Project saved" in calls[-1].params["text"]


async def test_the_default_log_level_never_writes_a_phone_number(harness):
    import logging

    from bot.config import load_settings
    from bot.logs import configure_logging

    class Keep(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines: list[str] = []

        def emit(self, record):
            self.lines.append(record.getMessage() + repr(record.args))

    configure_logging(load_settings())  # what `hamkari run` does, at the default level
    kept = Keep()
    logging.getLogger().addHandler(kept)
    try:
        await register(harness, owner())
    finally:
        logging.getLogger().removeHandler(kept)
    logged = "\n".join(kept.lines)
    assert "701234567" not in logged and "۰۷۰۱۲۳۴۵۶۷" not in logged


async def test_an_imported_organisation_without_owner_is_claimed_through_an_administrator(harness):
    """Imported organisations have no owner: asking to join one asks the administrators, and
    accepting makes the requester its owner."""
    async with harness.application.bot_data.uow_factory() as uow:
        imported = await uow.organisations.add(Organisation(
            id=None, status=OrgStatus.VERIFIED, visibility=Visibility.PUBLIC, created_at=NOW,
            profile=Profile(name="Hamkori", kind="ngo", country="TJ", provinces=("TJK001",),
                            sectors=("health",))))
    leader = owner("tg", user_id=100_000_009, name="Dilshod")
    await register(harness, leader, name="Ҳамкорӣ", save=False)
    calls = await harness.tap(leader, f"reg:confirm:join:{imported.id}")
    [told] = texts(calls, "editMessageText")
    assert told == Catalogs().translator("tg").gettext(
        "{name} has no owner in the bot yet. Your request to manage it was sent to the "
        "administrators. Your registration draft was closed.").format(name="\u2068Hamkori\u2069")
    [to_admin] = [c for c in calls if c.params.get("chat_id") == ADMIN_ID]
    assert "asks to become the owner of" in to_admin.params["text"]
    accept = f"join:{imported.id}:{await user_id(harness, leader)}:ok"
    stranger = owner(user_id=100_000_010, name="Other")
    [stale] = await harness.feed(stranger.callback(accept, harness.api.last_message(ADMIN_ID)))
    assert "no longer active" in stale.params["text"]

    admin = UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")
    calls = await harness.tap(admin, accept)
    assert texts(calls, "editMessageText") == [
        "Accepted: they are now the owner of \u2068Hamkori\u2069."]
    [to_leader] = [c for c in calls if c.params.get("chat_id") == leader.user_id]
    assert "/myorg" in to_leader.params["text"]
    await harness.send(leader, "/myorg")
    assert f"org:{imported.id}:vis" in harness.buttons(leader)  # owner's buttons
    async with harness.hamkari.engine.connect() as connection:
        roles = (await connection.execute(select(StaffRow.role))).scalars().all()
        actions = (await connection.scalars(select(AuditRow.action))).all()
    assert roles == ["owner"] and "claimed" in actions


async def test_a_notice_that_meets_a_429_is_kept_and_sent_later(harness):
    """Notices go through the outbox: written with the change, sent within Telegram's limits."""
    import asyncio

    from bot.db.models import DeliveryRow

    user = owner("ps")
    await register(harness, user)
    admin = UpdateFactory(user_id=ADMIN_ID, first_name="Admin", language_code="en")
    row = await org_row(harness)
    harness.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await harness.tap(admin, f"ver:{row.id}:ok")
    async with harness.hamkari.engine.connect() as connection:
        pending = (await connection.execute(select(DeliveryRow.status, DeliveryRow.error).where(
            DeliveryRow.chat_id == user.user_id, DeliveryRow.key.startswith("verified:")))).all()
    assert pending == [("pending", "429")]
    await asyncio.sleep(1.1)
    await harness.application.bot_data.delivery.drain()
    assert "\u2068Balkh Health Network\u2069" in harness.api.last_message(user.user_id)["text"]
    async with harness.hamkari.engine.connect() as connection:
        assert await connection.scalar(select(DeliveryRow.status).where(
            DeliveryRow.key.startswith("verified:"))) == "sent"
