"""Every step of /register and of adding a project, in every language, through the real Application.

At each step the test first gives a wrong answer (and checks the translated explanation and that
the question is asked again), then presses Back (and checks the previous question comes back in
the same language and the earlier answer is kept), then answers properly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from bot.console.fake_api import UpdateFactory
from bot.db.models import OrganisationRow, ProjectRow
from bot.domain.errors import InvalidValue
from bot.i18n import Catalogs
from bot.i18n.dates import format_date
from bot.tg import registry_views as rv
from bot.tg import views
from tests.conftest import Harness, start_harness, texts

CATALOGS = Catalogs()
LANGUAGES = {"en": "en", "fa": "fa_AF", "ps": "ps", "tg": "tg"}  # client language_code -> locale


@dataclass(frozen=True)
class Step:
    name: str
    answer: tuple[str, ...]  # "text:<typed>" or "tap:<action>:<code>" items, in order
    wrong: str  # "text:<typed>" or "tap:<action>"
    error: InvalidValue | None  # None: a typed answer where buttons are expected
    again: tuple[str, ...] = ()  # answering again after Back; default: ``answer``

    def redo(self) -> tuple[str, ...]:
        return self.again or self.answer


REGISTRATION = (
    Step("name", ("text:شبکه صحی بلخ",), "text:x",
         InvalidValue("name", "too_short", minimum=2, maximum=150)),
    Step("name_latin", ("text:Balkh Health Network",), "text:Сеть",
         InvalidValue("name_latin", "not_latin")),
    Step("acronym", ("text:BHN",), "text:" + "A" * 21,
         InvalidValue("acronym", "too_long", minimum=1, maximum=20, actual=21)),
    Step("kind", ("tap:set:ngo",), "text:NGO", None),
    Step("country", ("tap:set:AF",), "text:Afghanistan", None),
    Step("provinces", ("tap:tog:AF21", "tap:tog:AF19", "tap:done"), "tap:done",
         InvalidValue("provinces", "choose_at_least_one"), again=("tap:done",)),
    Step("districts", ("text:Nahr-e Shahi",), "text:" + "d" * 301,
         InvalidValue("districts", "too_long", minimum=1, maximum=300, actual=301)),
    Step("sectors", ("tap:tog:health", "tap:tog:nutrition", "tap:done"), "tap:done",
         InvalidValue("sectors", "choose_at_least_one"), again=("tap:done",)),
    Step("leadership", ("tap:tog:women_led", "tap:done"), "text:women", None, again=("tap:done",)),
    Step("registration_number", ("text:۱۲۳۴/ب",), "text:" + "7" * 51,
         InvalidValue("registration_number", "too_long", minimum=1, maximum=50, actual=51)),
    Step("year_founded", ("text:۱۳۸۷",), "text:long ago", InvalidValue("year_founded", "not_a_year")),
    Step("description", ("text:Mother and child health in Balkh & Kunduz.",), "text:" + "d" * 501,
         InvalidValue("description", "too_long", minimum=1, maximum=500, actual=501)),
    Step("contact_person", ("text:Karim",), "text:K",
         InvalidValue("contact_person", "too_short", minimum=2, maximum=100)),
    Step("phone", ("text:۰۷۰۱۲۳۴۵۶۷",), "text:12345", InvalidValue("phone", "not_a_phone")),
    Step("email", ("text:info@example.org",), "text:info@", InvalidValue("email", "not_an_email")),
    Step("website", ("text:example.org",), "text:example", InvalidValue("website", "not_a_website")),
    Step("telegram", ("text:@hamkari_org",), "text:@ab", InvalidValue("telegram", "not_a_username")),
    Step("visibility", ("tap:set:network",), "text:public", None),
)

PROJECT = (
    Step("title", ("text:Mobile health teams",), "text:M",
         InvalidValue("title", "too_short", minimum=2, maximum=200)),
    Step("sectors", ("tap:tog:health", "tap:done"), "tap:done",
         InvalidValue("sectors", "choose_at_least_one"), again=("tap:done",)),
    Step("provinces", ("tap:tog:AF21", "tap:done"), "tap:done",
         InvalidValue("provinces", "choose_at_least_one"), again=("tap:done",)),
    Step("districts", ("text:Balkh",), "text:" + "d" * 301,
         InvalidValue("districts", "too_long", minimum=1, maximum=300, actual=301)),
    Step("start", ("text:۱۴۰۳-۰۵-۱۲",), "text:1403-13-40", InvalidValue("start", "bad_date")),
    Step("end", ("text:2025-08-02",), "text:2020-01-01", InvalidValue("end", "before_start")),
    Step("donor", ("text:UNICEF",), "text:" + "u" * 151,
         InvalidValue("donor", "too_long", minimum=1, maximum=150, actual=151)),
    Step("status", ("tap:set:active",), "text:active", None),
)


class Walker:
    """Talks one flow through the harness and checks every reply is in the user's language."""

    def __init__(self, harness: Harness, user: UpdateFactory, locale: str, prefix: str):
        self.harness, self.user, self.prefix = harness, user, prefix
        self.t = CATALOGS.translator(locale)
        self.english = CATALOGS.translator("en")
        self.locale = locale

    def in_language(self, message: str) -> str:
        translated = self.t.gettext(message)
        if self.locale != "en":  # a real translation, so the check below means something
            assert translated != self.english.gettext(message), message
        return translated

    def prompt(self) -> dict:
        return self.harness.api.last_message(self.user.user_id)

    def assert_asks(self, step: str) -> None:
        assert self.in_language(rv.PROMPTS[step]) in self.prompt()["text"], step

    async def act(self, step: str, item: str, message: dict | None = None) -> list:
        kind, _, rest = item.partition(":")
        if kind == "text":
            return await self.harness.send(self.user, rest)
        return await self.harness.tap(self.user, f"{self.prefix}:{step}:{rest}", message)

    async def answer(self, step: str, items: tuple[str, ...], message: dict | None = None) -> None:
        for item in items:
            await self.act(step, item, message)
            message = None

    async def wrong(self, step: Step) -> None:
        calls = await self.act(step.name, step.wrong)
        if step.error is None:  # typed text where the buttons are the answer
            assert texts(calls) == [rv.use_the_buttons(self.t)]
            if self.locale != "en":
                assert texts(calls)[0] != rv.use_the_buttons(self.english)
            return
        expected = rv.invalid_value(self.t, step.error)
        if self.locale != "en":
            assert expected != rv.invalid_value(self.english, step.error)
        if step.wrong.startswith("tap:"):  # a button answered with an alert
            [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
            assert alert.params["text"] == expected and alert.params["show_alert"] is True
        else:
            error, again = texts(calls)
            assert error == expected
            assert self.in_language(rv.PROMPTS[step.name]) in again

    async def walk(self, steps: tuple[Step, ...]) -> None:
        for index, step in enumerate(steps):
            self.assert_asks(step.name)
            back = f"{self.prefix}:{step.name}:back"
            assert (back in self.harness.buttons(self.user)) == (index > 0)
            asked = self.prompt()
            await self.wrong(step)
            # after typed text where buttons were expected, the buttons are on the earlier message
            message = asked if step.error is None else None
            if index:
                previous = steps[index - 1]
                await self.harness.tap(self.user, f"{self.prefix}:{step.name}:back", message)
                self.assert_asks(previous.name)
                await self.answer(previous.name, previous.redo())
                self.assert_asks(step.name)
                message = None
            await self.answer(step.name, step.answer, message)


async def org_row(harness: Harness) -> OrganisationRow:
    async with harness.application.bot_data.uow_factory() as uow:
        return (await uow.session.scalars(select(OrganisationRow))).one()


@pytest.fixture
async def harness(engine):
    harness = await start_harness(engine)
    yield harness
    await harness.application.shutdown()


@pytest.mark.parametrize("language_code", list(LANGUAGES))
async def test_every_registration_step_in_every_language(harness, language_code):
    locale = LANGUAGES[language_code]
    user = UpdateFactory(user_id=100_000_101, first_name="Karim", language_code=language_code)
    walker = Walker(harness, user, locale, "reg")
    await harness.send(user, "/register")
    await walker.walk(REGISTRATION)

    summary = walker.prompt()["text"]
    assert summary.startswith(walker.in_language("Please check your registration:"))
    for field in ("kind", "provinces", "sectors", "phone", "visibility"):
        assert walker.in_language(rv.FIELD_LABELS[field]) in summary
    await harness.tap(user, "reg:confirm:back")
    walker.assert_asks("visibility")
    await harness.tap(user, "reg:visibility:set:network")
    [saved] = texts(await harness.tap(user, "reg:confirm:save"), "editMessageText")
    assert saved == walker.in_language(
        "Thank you! {name} is registered and waits for verification. You will get a message "
        "when it is verified. See and edit it with /myorg.").format(name=rv.isolate("شبکه صحی بلخ"))

    row = await org_row(harness)
    assert (row.name, row.name_latin, row.acronym, row.kind, row.country) == (
        "شبکه صحی بلخ", "Balkh Health Network", "BHN", "ngo", "AF")
    assert sorted(p.code for p in row.provinces) == ["AF19", "AF21"]
    assert sorted(s.code for s in row.sectors) == ["health", "nutrition"]
    assert (row.districts, row.registration_number, row.year_founded) == (
        "Nahr-e Shahi", "1234/ب", 2008)
    assert (row.women_led, row.youth_led, row.disability_led) == (True, False, False)
    assert (row.contact_person, row.phone, row.email, row.website, row.telegram) == (
        "Karim", "+93701234567", "info@example.org", "https://example.org", "hamkari_org")
    assert (row.status, row.visibility) == ("pending", "network")


@pytest.mark.parametrize("language_code", ["en", "fa", "tg"])
async def test_every_project_step_in_every_language(harness, language_code):
    from tests.e2e.test_registry import register

    locale = LANGUAGES[language_code]
    user = UpdateFactory(user_id=100_000_102, first_name="Karim", language_code=language_code)
    await register(harness, user)
    organisation_id = (await org_row(harness)).id
    await harness.send(user, "/myorg")
    await harness.tap(user, f"org:{organisation_id}:projects")
    await harness.tap(user, f"org:{organisation_id}:addproject")
    walker = Walker(harness, user, locale, "prj")
    await walker.walk(PROJECT)

    check = walker.prompt()["text"]
    assert check.startswith(walker.in_language("Please check the project:"))
    await harness.tap(user, "prj:confirm:back")
    walker.assert_asks("status")
    await harness.tap(user, "prj:status:set:active")
    [saved] = texts(await harness.tap(user, "prj:confirm:save"), "editMessageText")
    assert saved.startswith(walker.in_language("Project saved."))
    async with harness.application.bot_data.uow_factory() as uow:
        project = (await uow.session.scalars(select(ProjectRow))).one()
    assert (project.title, project.donor, project.status, project.districts) == (
        "Mobile health teams", "UNICEF", "active", "Balkh")
    assert (project.start.isoformat(), project.end.isoformat()) == ("2024-08-02", "2025-08-02")
    # dates are shown through the shared formatter: Solar Hijri in Dari, Gregorian in Tajik
    assert format_date(date(2024, 8, 2), locale) in saved
    assert format_date(date(2025, 8, 2), locale) in saved


@pytest.mark.parametrize("language_code", ["en", "ps"])
async def test_cancel_and_old_buttons_in_two_languages(harness, language_code):
    t = CATALOGS.translator(LANGUAGES[language_code])
    user = UpdateFactory(user_id=100_000_103, first_name="Gul", language_code=language_code)
    await harness.send(user, "/register")
    await harness.send(user, "Hamkari")
    old = harness.api.last_message(user.user_id)
    assert texts(await harness.send(user, "/cancel")) == [views.cancelled(t)]
    [alert] = await harness.tap(user, "reg:name_latin:skip", old)
    assert alert.params["text"] == views.stale_button(t)
    async with harness.application.bot_data.uow_factory() as uow:
        assert await uow.drafts.get((await uow.users.by_telegram_id(user.user_id)).id) is None


@pytest.mark.parametrize("language_code", ["en", "fa"])
async def test_editing_a_field_in_two_languages(harness, language_code):
    from tests.e2e.test_registry import register

    t = CATALOGS.translator(LANGUAGES[language_code])
    user = UpdateFactory(user_id=100_000_104, first_name="Karim", language_code=language_code)
    await register(harness, user)
    organisation_id = (await org_row(harness)).id
    await harness.send(user, "/myorg")
    await harness.tap(user, f"org:{organisation_id}:edit")
    assert harness.api.last_message(user.user_id)["text"] == t.gettext(
        "Which field do you want to change?")
    await harness.tap(user, f"org:{organisation_id}:field:phone")
    error, prompt = texts(await harness.send(user, "12"))
    assert error == rv.invalid_value(t, InvalidValue("phone", "not_a_phone"))
    assert t.gettext(rv.PROMPTS["phone"]) in prompt
    [saved] = texts(await harness.send(user, "+992 ۹۳ ۱۲۳ ۴۵۶۷"))
    assert saved.startswith(t.gettext("Saved."))
    assert (await org_row(harness)).phone == "+992931234567"
    # Back while editing leaves the field as it was
    await harness.tap(user, f"org:{organisation_id}:edit")
    await harness.tap(user, f"org:{organisation_id}:field:email")
    [unchanged] = texts(await harness.tap(user, "edt:email:back"), "editMessageText")
    assert unchanged.startswith(t.gettext("Nothing was changed."))
