"""Lookups through the real Application: /find, the Find button, cards, shared links, inline mode."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.console.fake_api import UpdateFactory
from bot.db.models import UserRow
from bot.domain.entities import (
    CoordinationBody,
    Organisation,
    OrgStatus,
    Profile,
    Role,
    StaffMember,
    Visibility,
)
from bot.domain.ratelimit import RateLimiter
from bot.domain.reference import load_reference
from bot.i18n import Catalogs
from bot.i18n.text import to_ascii_digits
from bot.tg import find_views as fv
from tests.conftest import Harness, start_harness, texts

NOW = datetime(2026, 11, 23, tzinfo=UTC)
CATALOGS = Catalogs()
WASH = [s.code for s in load_reference().sectors].index("wash")


async def seed(harness: Harness, name: str, *, latin: str | None = None, provinces=("AF21",),
               sectors=("wash",), country="AF", status=OrgStatus.VERIFIED,
               visibility=Visibility.PUBLIC, staff: UpdateFactory | None = None,
               description: str | None = None) -> int:
    async with harness.application.bot_data.uow_factory() as uow:
        organisation = await uow.organisations.add(Organisation(
            id=None, status=status, visibility=visibility, created_at=NOW,
            profile=Profile(name=name, name_latin=latin, kind="ngo", country=country,
                            provinces=tuple(provinces), sectors=tuple(sectors),
                            phone="+93701234567", contact_person="Zarghona",
                            description=description)))
        if staff is not None:
            user = await uow.users.by_telegram_id(staff.user_id)
            await uow.staff.add(StaffMember(organisation.id, user.id, Role.OWNER))
        return organisation.id


async def set_visibility(harness: Harness, organisation_id: int, visibility: Visibility) -> None:
    async with harness.application.bot_data.uow_factory() as uow:
        organisation = await uow.organisations.get(organisation_id)
        organisation.visibility = visibility
        await uow.organisations.save(organisation)


@pytest.fixture
async def harness(engine):
    harness = await start_harness(engine)
    yield harness
    await harness.application.shutdown()


@pytest.fixture
async def registry(harness):
    """A small registry: ids by a short name."""
    return {
        "hamkori": await seed(harness, "Hamkori", provinces=("TJK001",), sectors=("health",),
                              country="TJ"),
        "balkh_water": await seed(harness, "شبکه آب بلخ", latin="Balkh Water Network"),
        "kunduz": await seed(harness, "Kunduz WASH Committee", provinces=("AF19",),
                             visibility=Visibility.NETWORK),
        "hidden": await seed(harness, "Hidden Helpers", visibility=Visibility.HIDDEN),
        "pending": await seed(harness, "Pending Water Group", status=OrgStatus.PENDING),
        "withdrawn": await seed(harness, "Withdrawn Water", status=OrgStatus.WITHDRAWN),
    }


def buttons(harness: Harness, user: UpdateFactory) -> list[str]:
    return harness.buttons(user)


@pytest.mark.parametrize(("language_code", "typed"), [
    ("en", "hamkori"), ("tg", "ҳамкорӣ"), ("fa", "همکاری"), ("en", "hamkory"),
])
async def test_find_in_any_script_finds_the_same_organisation(harness, registry, language_code, typed):
    user = UpdateFactory(user_id=200_000_001, language_code=language_code)
    [reply] = texts(await harness.send(user, f"/find {typed}"))
    t = CATALOGS.translator({"en": "en", "tg": "tg", "fa": "fa_AF"}[language_code])
    assert "Hamkori" in reply
    assert t.ngettext("{count} organisation found.", "{count} organisations found.", 1).format(
        count=fv.localise_digits("1", t.locale)) in reply
    assert f"c:{registry['hamkori']}" in buttons(harness, user)


@pytest.mark.parametrize("language_code", ["en", "fa"])
async def test_who_works_on_wash_in_balkh_is_two_taps_after_find(harness, registry, language_code):
    t = CATALOGS.translator({"en": "en", "fa": "fa_AF"}[language_code])
    user = UpdateFactory(user_id=200_000_002, language_code=language_code)
    await harness.send(user, "/start")
    await harness.tap(user, fv.SearchState().encode("fs"))  # the main menu's Find button
    assert harness.api.last_message(user.user_id)["text"].startswith(
        t.gettext("Who are you looking for? Choose a sector."))
    await harness.tap(user, fv.SearchState(sector=WASH).encode("fp"))  # tap 1: WASH
    picker = harness.api.last_message(user.user_id)
    balkh = fv.SearchState(sector=WASH, province="AF21").encode("f")
    assert balkh in buttons(harness, user)
    # only places where someone works are offered, with counts: Balkh has 2 visible to a stranger
    labels = {b["callback_data"]: b["text"] for row in picker["reply_markup"]["inline_keyboard"]
              for b in row}
    assert labels[balkh].endswith(f"({fv.localise_digits('2', t.locale)})")
    assert fv.SearchState(sector=WASH, province="AF19").encode("f") not in labels  # network only
    [results] = texts(await harness.tap(user, balkh), "editMessageText")  # tap 2: Balkh
    assert "شبکه آب بلخ" in results and "Pending Water Group" in results
    for unseen in ("Hidden Helpers", "Kunduz WASH Committee", "Withdrawn Water", "Hamkori"):
        assert unseen not in results
    # the pending one is marked, the verified one first
    assert results.index("شبکه آب بلخ") < results.index("Pending Water Group")
    assert t.gettext("Pending review") in results


async def test_network_organisations_and_contacts_need_a_verified_organisation(harness, registry):
    stranger = UpdateFactory(user_id=200_000_003)
    peer = UpdateFactory(user_id=200_000_004)
    await harness.send(peer, "/start")
    await seed(harness, "Peer Org", staff=peer, sectors=("education",))
    assert "Kunduz" not in texts(await harness.send(stranger, "/find kunduz"))[0]
    assert "Kunduz WASH Committee" in texts(await harness.send(peer, "/find kunduz"))[0]
    [card] = texts(await harness.tap(peer, f"c:{registry['kunduz']}"))
    assert "+93701234567" in card and "Zarghona" in card
    await harness.send(stranger, "/find balkh")
    [card] = texts(await harness.tap(stranger, f"c:{registry['balkh_water']}"))
    assert "+93701234567" not in card and "Zarghona" not in card
    assert "Contact details are shown to users of verified organisations." in card
    assert f"https://t.me/hamkari_bot?start=org_{registry['balkh_water']}" in card


async def test_hiding_takes_effect_at_once(harness, registry):
    user = UpdateFactory(user_id=200_000_005)
    assert "Balkh Water Network" in texts(await harness.send(user, "/find balkh water"))[0]
    old_results = harness.api.last_message(user.user_id)
    await set_visibility(harness, registry["balkh_water"], Visibility.HIDDEN)
    [reply] = texts(await harness.send(user, "/find balkh water"))
    assert "Balkh Water" not in reply and "Nothing found." in reply
    # the card button on the old results and the shared link say "not found" too
    [card] = texts(await harness.tap(user, f"c:{registry['balkh_water']}", old_results))
    assert card == fv.not_found(CATALOGS.translator("en"))
    [card] = texts(await harness.send(user, f"/start org_{registry['balkh_water']}"))
    assert card == fv.not_found(CATALOGS.translator("en"))


async def test_a_deleted_organisation_disappears(harness, registry):
    user = UpdateFactory(user_id=200_000_006)
    assert "Hamkori" in texts(await harness.send(user, "/find hamkori"))[0]
    async with harness.application.bot_data.uow_factory() as uow:
        await uow.organisations.delete(registry["hamkori"])
        await uow.audit.record("deleted", registry["hamkori"], None, datetime.now(UTC))
    assert "Nothing found." in texts(await harness.send(user, "/find hamkori"))[0]


async def test_new_and_edited_organisations_are_found_without_a_restart(harness, registry):
    user = UpdateFactory(user_id=200_000_007)
    assert "Nothing found." in texts(await harness.send(user, "/find zamzam"))[0]
    await seed(harness, "Zamzam Relief")
    assert "Zamzam Relief" in texts(await harness.send(user, "/find zamzam"))[0]


async def test_shared_card_link(harness, registry):
    user = UpdateFactory(user_id=200_000_008, language_code="ps")
    [card] = texts(await harness.send(user, f"/start org_{registry['hamkori']}"))
    assert "Hamkori" in card
    async with harness.application.bot_data.uow_factory() as uow:
        body = await uow.bodies.add(CoordinationBody(None, "Dushanbe CSO Platform", "TJ"), NOW)
        await uow.bodies.add_member(body.id, registry["hamkori"], NOW)
    [card] = texts(await harness.send(user, f"/start org_{registry['hamkori']}"))
    assert "Dushanbe CSO Platform" in card
    [missing] = texts(await harness.send(user, "/start org_999999"))
    assert missing == fv.not_found(CATALOGS.translator("ps"))


async def test_pages_filters_and_an_empty_result(harness):
    for number in range(1, 21):
        await seed(harness, f"Water Org {number:02d}", provinces=("AF21",),
                   sectors=("wash", "health") if number % 2 else ("wash",))
    user = UpdateFactory(user_id=200_000_009)
    [first] = texts(await harness.send(user, "/find water"))
    assert "20 organisations found." in first and "Page 1 of 3" in first
    assert "Water Org 01" in first and "Water Org 09" not in first
    state = fv.SearchState(query="water")
    [second] = texts(await harness.tap(user, replace(state, page=1).encode("f")),
                     "editMessageText")
    assert "Page 2 of 3" in second and "Water Org 09" in second
    assert replace(state, page=0).encode("f") in buttons(harness, user)  # « Previous
    health = replace(state, sector=[s.code for s in load_reference().sectors].index("health"))
    await harness.tap(user, state.encode("fs"))  # the Sector button
    await harness.tap(user, health.encode("fp"))  # Health, then the province picker
    [filtered] = texts(await harness.tap(user, health.encode("f")), "editMessageText")  # Everywhere
    assert "10 organisations found." in filtered
    [none] = texts(await harness.tap(user, health.toggled("w").encode("f")), "editMessageText")
    assert "Nothing found." in none and "widen the search" in none
    assert fv.SearchState(query="water").encode("f") in buttons(harness, user)  # Clear filters


async def test_long_queries_are_cut_to_fit_a_button_and_paging_still_works(harness):
    name = "انجمن انکشاف زنان روستایی ولایات شمال"
    for number in range(1, 12):
        await seed(harness, f"{name} {number}")
    user = UpdateFactory(user_id=200_000_010, language_code="fa")
    assert len(name.encode()) > 64
    [first] = texts(await harness.send(user, f"/find {name}"))
    assert "11" in to_ascii_digits(first)
    every = buttons(harness, user)
    assert all(len(data.encode()) <= 64 for data in every)
    [next_page] = [b for b in every if b.startswith("f:1:")]
    assert name.startswith(next_page.split(":", 6)[6])  # whole words kept
    [second] = texts(await harness.tap(user, next_page), "editMessageText")
    assert f"{name} 9" in second


async def test_lookups_are_rate_limited_with_a_friendly_message(harness, registry):
    harness.application.bot_data.lookup_limiter = RateLimiter(capacity=2, period=60)
    user = UpdateFactory(user_id=200_000_011, language_code="tg")
    await harness.send(user, "/find hamkori")
    await harness.send(user, "/find hamkori")
    [slow_down] = texts(await harness.send(user, "/find hamkori"))
    t = CATALOGS.translator("tg")
    # 30 s less what refilled while the three lookups ran (a loaded machine takes seconds).
    assert slow_down in {fv.too_many_lookups(t, seconds) for seconds in range(25, 31)}
    [alert] = await harness.tap(user, f"c:{registry['hamkori']}",
                                harness.api.last_message(user.user_id) | {"reply_markup": {
                                    "inline_keyboard": [[{"text": "1", "callback_data":
                                                          f"c:{registry['hamkori']}"}]]}})
    assert alert.method == "answerCallbackQuery" and alert.params["show_alert"] is True


async def test_the_country_filter(harness, registry):
    user = UpdateFactory(user_id=200_000_016)
    await harness.send(user, "/find")
    await harness.tap(user, fv.SearchState().encode("fp"))  # Any sector
    await harness.tap(user, fv.SearchState().encode("f"))  # Everywhere
    [tajik] = texts(await harness.tap(user, fv.SearchState(country="TJ").encode("f")),
                    "editMessageText")
    assert "Hamkori" in tajik and "1 organisation found." in tajik
    assert fv.SearchState().encode("f") in buttons(harness, user)  # pressing it again clears it


async def test_a_garbled_find_button_is_stale_not_a_crash(harness, registry):
    user = UpdateFactory(user_id=200_000_012)
    await harness.send(user, "/find water")
    message = harness.api.last_message(user.user_id)
    for data in ("f:0:99::::", "f:0::XX99:::", "fp:0:x::::", "f:0:::ZZ::"):
        [answer] = await harness.feed(user.callback(data, message))
        assert answer.method == "answerCallbackQuery"
        assert "no longer active" in answer.params["text"]


async def test_inline_mode_offers_only_public_verified_cards_without_contacts(harness, registry):
    someone = UpdateFactory(user_id=200_000_013, language_code="fa")
    [answer] = await harness.feed(someone.inline_query("water"))
    assert answer.method == "answerInlineQuery"
    results = json.loads(answer.params["results"]) if isinstance(answer.params["results"], str) \
        else answer.params["results"]
    titles = [r["title"] for r in results]
    assert titles == ["شبکه آب بلخ"]  # not pending, network-only, hidden or withdrawn ones
    message = results[0]["input_message_content"]["message_text"]
    assert "+93701234567" not in message and "Zarghona" not in message
    assert answer.params["cache_time"] == 10
    # typing @bot is not starting the bot: nothing about this person is stored
    async with harness.hamkari.engine.connect() as connection:
        stored = await connection.scalar(select(func.count()).select_from(UserRow).where(
            UserRow.telegram_user_id == someone.user_id))
    assert stored == 0


async def test_inline_mode_pages_with_next_offset(harness):
    for number in range(1, 26):
        await seed(harness, f"Clinic Network {number:02d}")
    someone = UpdateFactory(user_id=200_000_014)
    [first] = await harness.feed(someone.inline_query("clinic"))
    assert len(first.params["results"]) == 20 and first.params["next_offset"] == "20"
    [second] = await harness.feed(someone.inline_query("clinic", offset="20"))
    assert len(second.params["results"]) == 5 and not second.params.get("next_offset")


async def test_find_works_across_a_restart_and_another_instance(engine):
    """Two Applications on one database (two instances): each sees the other's changes."""
    one, two = await start_harness(engine), await start_harness(engine)
    try:
        user = UpdateFactory(user_id=200_000_015)
        assert "Nothing found." in texts(await two.send(user, "/find samar"))[0]
        organisation_id = await seed(one, "Samar Relief")
        assert "Samar Relief" in texts(await two.send(user, "/find samar"))[0]
        await set_visibility(one, organisation_id, Visibility.HIDDEN)
        assert "Nothing found." in texts(await two.send(user, "/find samar"))[0]
    finally:
        await one.application.shutdown()
        await two.application.shutdown()
