"""A poll's messages (the note before it, the nudge, the final results) and the creator's card in
all four languages: translated, placeholders filled, the reader's version of the poll, digits as
the language writes them, bars drawn from characters with the figures isolated for RTL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.domain.announcements import Audience
from bot.domain.entities import CoordinationBody
from bot.domain.polls import Breakdown, Counting, Poll, Report, Results
from bot.domain.reference import load_reference
from bot.i18n import Catalogs
from bot.i18n.text import isolate
from bot.tg import poll_views as pv
from bot.tg import schedule_views as sv

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
BODY = CoordinationBody(id=3, name="Balkh CSO Network", country="AF",
                        names={"fa_AF": "شبکه نهادهای مدنی بلخ"})
VERSIONS = {"*": {"question": "Which day suits the round table?",
                  "options": ["Saturday", "Sunday", "Monday <b>"]},
            "fa_AF": {"question": "کدام روز برای میز گرد مناسب است؟",
                      "options": ["شنبه", "یکشنبه", "دوشنبه"]},
            "ps": {"question": "کومه ورځ د ګردې مېز لپاره ښه ده؟",
                   "options": ["شنبه", "یکشنبه", "دوشنبه"]}}
# What each reader sees as the first option, and the share of the first option (60%).
FIRST_OPTION = {"fa_AF": "شنبه", "ps": "شنبه", "tg": "Saturday", "en": "Saturday"}
SIXTY = {"fa_AF": "۶۰", "ps": "۶۰", "tg": "60", "en": "60"}
LOCALES = ("fa_AF", "ps", "tg", "en")
RESULTS = Results([6, 3, 1], 10)


def poll(**changes) -> Poll:
    values = dict(id=1, body_id=3, created_by=1, created_at=NOW, locale="en", versions=VERSIONS,
                  multiple=False, anonymous=False, counting=Counting.PER_ORGANISATION,
                  audience=Audience(), closes_at=datetime(2026, 12, 4, 5, 0, tzinfo=UTC),
                  recipients=12)
    values.update(changes)
    return Poll(**values)


@pytest.fixture(scope="module")
def texts() -> sv.ScheduleTexts:
    return sv.ScheduleTexts(Catalogs(), load_reference(), lambda: NOW)


def english(purpose: str) -> str:
    return pv.poll_message(Catalogs().translator("en"), purpose, BODY, poll(), RESULTS,
                           "Asia/Kabul", "en")


def unfilled(text: str) -> list[str]:
    return re.findall(r"\{[a-z_]+\}", text)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_final_results_in_every_language(texts, locale):
    text = texts.poll("results", locale, BODY, poll(), RESULTS)["text"]
    assert not unfilled(text)
    if locale != "en":  # translated: the heading differs from the English one
        assert text.split("\n")[0] != english("results").split("\n")[0]
    assert isolate(FIRST_OPTION[locale]) in text  # the reader's version of the poll
    # The bar (6 of 10 blocks) and, isolated after it, the share and the count in the
    # language's digits, so the line reads the same in a right-to-left paragraph.
    bars = [line for line in text.split("\n") if line.startswith("█")]
    assert len(bars) == 3
    line = bars[0]
    assert line.startswith("██████░░░░ \u2068") and line.endswith("\u2069")
    assert SIXTY[locale] in line
    assert "&lt;b&gt;" in text or locale in {"fa_AF", "ps"}  # HTML in an option shown as typed


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", ["intro", "nudge"])
def test_the_note_before_the_poll_and_the_nudge_in_every_language(texts, locale, purpose):
    text = texts.poll(purpose, locale, BODY, poll(), None)["text"]
    assert not unfilled(text)
    if locale != "en":
        assert text != english(purpose)
    assert BODY.name_in(locale) in text
    if purpose == "intro":  # the closing time in the reader's calendar, Kabul time
        assert {"fa_AF": "۱۳ قوس ۱۴۰۵", "ps": "۱۳ لیندۍ ۱۴۰۵", "tg": "4 Декабр 2026",
                "en": "December 4, 2026"}[locale] in text


@pytest.mark.parametrize("anonymous", [False, True])
def test_the_intro_says_who_sees_the_answers(anonymous):
    t = Catalogs().translator("en")
    text = pv.poll_message(t, "intro", BODY, poll(anonymous=anonymous), None, "Asia/Kabul", "en")
    assert ("only the totals are counted" in text) is anonymous
    assert ("admins see who answered what" in text) is not anonymous


@pytest.mark.parametrize("locale", LOCALES)
def test_the_creators_card_stays_within_a_message_with_every_province(locale):
    ref = load_reference()
    provinces = {place.code: Results([3, 1, 0], 4) for place in ref.places_in("AF")}
    sectors = {sector.code: Results([2, 2, 0], 4) for sector in ref.sectors}
    report = Report(poll(), RESULTS, 11, 12, Breakdown(provinces, sectors), [(5, 7)] * 60)
    t = Catalogs().translator(locale)
    text, markup = pv.card(t, ref, BODY, report, "Asia/Kabul",
                           [f"Organisation {n}" for n in range(60)])
    assert len(text) <= 4096 and not unfilled(text)
    assert "Organisation 29" in text and "Organisation 30" not in text  # 30 listed, then a count
    labels = [b.text for row in markup.inline_keyboard for b in row]
    # The nudge names how many it reaches, in the language's digits.
    assert any(pv.number(t, 60) in label for label in labels)
    assert all(len(b.callback_data.encode()) <= 64 for row in markup.inline_keyboard for b in row)
    if locale != "en":
        assert pv.kind_line(t, poll()) != pv.kind_line(Catalogs().translator("en"), poll())


def test_a_closed_poll_card_offers_no_actions_but_the_list():
    t = Catalogs().translator("en")
    report = Report(poll(closed_at=NOW), RESULTS, 11, 12)
    text, markup = pv.card(t, load_reference(), BODY, report, "Asia/Kabul", [])
    assert "Closed on" in text
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["plb:3"]


def test_several_answers_say_the_percentages_may_add_up_to_more():
    t = Catalogs().translator("en")
    text = pv.poll_message(t, "results", BODY, poll(multiple=True), Results([8, 7, 1], 10),
                           "Asia/Kabul", "en")
    assert "80% (8)" in text and "70% (7)" in text and "add up to more than 100" in text


def test_the_group_reads_the_first_version_in_the_creators_language(texts):
    """The group got the poll as first written; its note and results are in the language of
    the poll's creator (Dari here), with the first version's options."""
    text = texts.poll("results", None, BODY, poll(locale="fa_AF"), RESULTS)["text"]
    assert isolate("Saturday") in text and isolate("شنبه") not in text
    assert "۶۰" in text and BODY.name_in("fa_AF") in text


@pytest.mark.parametrize("locale", ["en", "fa_AF"])
def test_a_long_card_is_shortened_by_whole_lines_and_stays_valid_html(locale):
    """Twelve options, every province and sector, 200 organisations without an answer: the
    lists get shorter until the card fits (it used to be cut at 4,000 characters, which could
    split an escaped '&amp;' or a tag and lost the "and N more" line)."""
    ref = load_reference()
    versions = {"*": {"question": "Q" * 300, "options": [f"Option {n} " + "x" * 80
                                                         for n in range(12)]}}
    twelve = Results([n for n in range(12)], 66)
    provinces = {place.code: twelve for place in ref.places_in("AF")}
    sectors = {sector.code: twelve for sector in ref.sectors}
    names = [f"Women & Youth Development Organisation of District {n}" for n in range(200)]
    report = Report(poll(versions=versions), twelve, 11, 12, Breakdown(provinces, sectors),
                    [(5, 7)] * 200)
    t = Catalogs().translator(locale)
    text, _ = pv.card(t, ref, BODY, report, "Asia/Kabul", names)
    assert len(text) <= pv.MESSAGE_LIMIT
    assert text.count("<b>") == text.count("</b>")
    assert not re.search(r"&(?!amp;|lt;|gt;)", text)  # no escape cut in half
    last = text.rsplit("\n", 1)[-1]
    more = t.gettext("and {count} more").split("{count}")[0]
    assert last.startswith(more)
    if locale == "fa_AF":  # the count in the language's digits
        assert re.search("[۰-۹]", last) and not re.search("[0-9]", last)
