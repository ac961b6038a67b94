"""Every scheduled message (invitation, reminder, moved, cancelled, minutes; deadline notice,
reminder, nudge, overdue) rendered in all four languages: translated, placeholders filled,
dates in the reader's calendar and digits; and the calendar keyboard per language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.announcements import Audience
from bot.domain.deadlines import Deadline
from bot.domain.entities import CoordinationBody, Organisation, OrgStatus, Profile, User, Visibility
from bot.domain.meetings import Meeting
from bot.domain.reference import load_reference
from bot.i18n import Catalogs
from bot.tg import schedule_views as sv

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
BODY = CoordinationBody(id=3, name="Balkh CSO Network", country="AF",
                        names={"fa_AF": "شبکه نهادهای مدنی بلخ"})
MEETING = Meeting(id=7, body_id=3, title="Quarterly coordination <b>", created_by=1,
                  starts_at=datetime(2026, 12, 10, 5, 30, tzinfo=UTC), time_zone="Asia/Kabul",
                  created_at=NOW, place="Mazar", agenda="1. Mapping", audience=Audience(),
                  frequency="weekly", minutes_text="Agreed.")
DEADLINE = Deadline(id=4, body_id=3, title="Half-yearly report", due_date=date(2026, 12, 31),
                    time_zone="Asia/Kabul", created_by=1, created_at=NOW, frequency="half_yearly")
ORGANISATION = Organisation(id=9, profile=Profile(name="Kabul Education Trust", kind="ngo",
                                                  country="AF"),
                            status=OrgStatus.VERIFIED, visibility=Visibility.PUBLIC, created_at=NOW)
# The date of the meeting and of the deadline as each language writes it.
MEETING_DATE = {"fa_AF": "۱۹ قوس ۱۴۰۵", "ps": "۱۹ لیندۍ ۱۴۰۵", "tg": "10 Декабр 2026",
                "en": "December 10, 2026"}
DEADLINE_DATE = {"fa_AF": "۱۰ جدی ۱۴۰۵", "ps": "۱۰ مرغومی ۱۴۰۵", "tg": "31 Декабр 2026",
                 "en": "December 31, 2026"}
LOCALES = ("fa_AF", "ps", "tg", "en")


@pytest.fixture(scope="module")
def texts() -> sv.ScheduleTexts:
    return sv.ScheduleTexts(Catalogs(), load_reference(), lambda: NOW)


def user(locale: str, zone: str | None = None) -> User:
    return User(id=1, telegram_user_id=5, locale=locale, created_at=NOW, time_zone=zone)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", ["invitation", "r1440", "moved1", "cancelled", "minutes"])
def test_every_meeting_message_in_every_language(texts, locale, purpose):
    english = Catalogs().translator("en")
    payload = texts.meeting(purpose, user(locale), BODY, MEETING, "going")
    text = payload["text"]
    heading = sv.MEETING_HEADINGS["reminder" if purpose.startswith("r") else
                                  purpose.rstrip("1")]
    translated = Catalogs().translator(locale).gettext(heading)
    assert translated.split("{body}")[0] in text
    if locale != "en":
        assert translated != english.gettext(heading)
    assert "{" not in text and "&lt;b&gt;" in text and "<b>\u2068Quarterly" in text
    assert MEETING_DATE[locale] in text
    buttons = [data for row in payload["buttons"] for _label, data in row]
    if purpose in {"cancelled", "minutes"}:
        assert not buttons
    else:
        assert buttons == ["rsvp:7:going", "rsvp:7:maybe", "rsvp:7:no", "ics:7"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", ["new", "reminder", "nudge", "overdue"])
def test_every_deadline_message_in_every_language(texts, locale, purpose):
    payload = texts.deadline(purpose, user(locale), BODY, DEADLINE, ORGANISATION)
    text = payload["text"]
    heading = Catalogs().translator(locale).gettext(sv.DEADLINE_HEADINGS[purpose])
    if locale != "en":
        assert heading != sv.DEADLINE_HEADINGS[purpose]
    assert heading.split("{body}")[0] in text and "{" not in text
    assert DEADLINE_DATE[locale] in text and "Kabul Education Trust" in text
    assert payload["buttons"] == [[[payload["buttons"][0][0][0], "dls:4:9:1"]]]


def test_times_are_given_in_the_readers_zone_as_well():
    t = Catalogs().translator("tg")
    text = sv.when(t, MEETING.starts_at, "Asia/Kabul", "Asia/Dushanbe")
    assert "10:00" in text and "10:30" in text  # Kabul +4:30, Dushanbe +5:00
    assert sv.when(t, MEETING.starts_at, "Asia/Kabul", "Asia/Kabul").count("10:00") == 1


@pytest.mark.parametrize(("locale", "title", "first_column"), [
    ("fa_AF", "قوس ۱۴۰۵", "ش"), ("ps", "لیندۍ ۱۴۰۵", "ش"), ("en", "December 2026", "Mo")])
def test_the_calendar_keyboard_is_in_the_readers_calendar(locale, title, first_column):
    t = Catalogs().translator(locale)
    from bot.i18n.dates import calendar_month
    year, month = calendar_month(locale, date(2026, 12, 1))
    markup = sv.calendar_keyboard(t, "mt:abc", year, month, date(2026, 12, 1))
    rows = markup.inline_keyboard
    assert rows[0][0].text == title and rows[1][0].text == first_column
    days = [b.callback_data for row in rows[2:] for b in row if ":day:" in b.callback_data]
    assert "mt:abc:day:20261130" not in days and "mt:abc:day:20261201" in days
    assert all(len(b.callback_data.encode()) <= 64 for row in rows for b in row)
    # No way back to months that are wholly past.
    assert not any(":month:" in b.callback_data and b.text == "«" for b in rows[-1])


def test_lists_of_reminders_are_joined_as_each_language_writes_them():
    data = {"nonce": "ab", "title": "Report", "date": "2026-12-31", "frequency": "none",
            "offsets": [14, 3, 0]}
    dari = sv.deadline_composer(Catalogs().translator("fa_AF"), data, BODY, 3)[0]
    line = next(part for part in dari.split("\n") if "14" in part)
    assert "، " in line and ", " not in line and " و " in line
    english = sv.deadline_composer(Catalogs().translator("en"), data, BODY, 3)[0]
    assert "14 days before, 3 days before, and On the day" in english
