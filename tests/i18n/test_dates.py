"""Solar Hijri conversion, per-locale formatting and date input in any digits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.i18n.dates import (
    InvalidDate,
    format_date,
    format_datetime,
    gregorian_to_solar_hijri,
    is_solar_hijri_leap,
    parse_date,
    solar_hijri_month_length,
    solar_hijri_to_gregorian,
)


def test_round_trip_every_day_1900_to_2100():
    day, end = date(1900, 1, 1), date(2100, 12, 31)
    previous = None
    while day <= end:
        solar = gregorian_to_solar_hijri(day)
        assert solar_hijri_to_gregorian(*solar) == day
        if previous is not None:  # consecutive days stay consecutive
            assert solar > previous
        previous = solar
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("gregorian", "solar"),
    [(date(2024, 3, 20), (1403, 1, 1)), (date(2025, 3, 21), (1404, 1, 1)),
     (date(2024, 8, 2), (1403, 5, 12)), (date(1979, 2, 11), (1357, 11, 22)),
     (date(2025, 3, 20), (1403, 12, 30))],
)
def test_known_anchors(gregorian, solar):
    assert gregorian_to_solar_hijri(gregorian) == solar


def test_month_ends_and_leap_years():
    assert is_solar_hijri_leap(1403) and not is_solar_hijri_leap(1404)
    assert solar_hijri_month_length(1403, 12) == 30 and solar_hijri_month_length(1404, 12) == 29
    assert solar_hijri_month_length(1404, 6) == 31 and solar_hijri_month_length(1404, 7) == 30


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("fa_AF", "۱۲ اسد ۱۴۰۳"), ("ps", "۱۲ زمری ۱۴۰۳"), ("tg", "2 Август 2024"),
     ("en", "August 2, 2024")],
)
def test_format_date_per_locale(locale, shown):
    assert format_date(date(2024, 8, 2), locale) == shown


def test_format_datetime_in_the_users_zone():
    moment = datetime(2024, 8, 2, 5, 0, tzinfo=UTC)
    assert format_datetime(moment, "fa_AF", "Asia/Kabul") == "۱۲ اسد ۱۴۰۳ ۰۹:۳۰"
    assert format_datetime(moment, "en", "Asia/Dushanbe") == "August 2, 2024 10:00"


@pytest.mark.parametrize(
    "typed",
    ["1403-05-12", "۱۴۰۳-۰۵-۱۲", "١٤٠٣/٠٥/١٢", "12.05.1403", "2024-08-02", "02/08/2024",
     "2024 8 2", "۲۰۲۴-۰۸-۰۲"],
)
def test_parse_date_any_digits_both_calendars(typed):
    assert parse_date(typed) == date(2024, 8, 2)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("tomorrow", "format"), ("12-05", "format"), ("24-08-02", "format"),
     ("1404-12-30", "out_of_range"), ("2025-02-30", "out_of_range"), ("1403-13-01", "out_of_range"),
     ("1850-01-01", "out_of_range")],
)
def test_parse_date_refuses_impossible_dates(typed, reason):
    with pytest.raises(InvalidDate) as caught:
        parse_date(typed)
    assert caught.value.reason == reason
