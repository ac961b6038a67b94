"""Time input/output and the month-grid helpers behind the date picker."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.i18n.dates import (
    InvalidTime,
    calendar_month,
    format_time,
    local_day_number,
    month_grid,
    month_title,
    parse_time,
    shift_month,
    weekday_initials,
)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("14:30", time(14, 30)), ("14.30", time(14, 30)), ("9", time(9)), ("09:05", time(9, 5)),
     ("۱۴:۳۰", time(14, 30)), ("١٤:٣٠", time(14, 30)), ("  ۰۹.۰۵ ", time(9, 5)), ("0:00", time(0)),
     ("23:59", time(23, 59))],
)
def test_parse_time_in_any_digits(text, parsed):
    assert parse_time(text) == parsed


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "format"), ("2pm", "format"), ("14:3", "format"), ("14:30:00", "format"), ("123", "format"),
     ("24:00", "out_of_range"), ("12:60", "out_of_range"), ("۲۵", "out_of_range")],
)
def test_parse_time_errors(text, reason):
    with pytest.raises(InvalidTime) as caught:
        parse_time(text)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


def test_format_time_in_the_users_zone_and_digits():
    moment = datetime(2026, 3, 21, 9, 5, tzinfo=UTC)
    assert format_time(moment, "fa_AF", "Asia/Kabul") == "۱۳:۳۵"  # UTC+4:30
    assert format_time(moment, "tg", "Asia/Dushanbe") == "14:05"  # UTC+5
    assert format_time(moment, "en", "UTC") == "09:05"


def test_calendar_month_follows_the_locale():
    assert calendar_month("fa_AF", date(2026, 3, 21)) == (1405, 1)
    assert calendar_month("ps", date(2026, 3, 20)) == (1404, 12)
    assert calendar_month("en", date(2026, 3, 21)) == (2026, 3)
    assert calendar_month("tg", date(2026, 3, 21)) == (2026, 3)


def test_shift_month_across_year_ends():
    assert shift_month(2026, 12, 1) == (2027, 1)
    assert shift_month(1405, 1, -1) == (1404, 12)
    assert shift_month(2026, 3, -15) == (2024, 12)
    assert shift_month(2026, 3, 24) == (2028, 3)
    assert shift_month(2026, 3, 0) == (2026, 3)


def test_month_title_in_each_locale():
    assert month_title("fa_AF", 1405, 1) == "حمل ۱۴۰۵"
    assert month_title("ps", 1405, 12) == "کب ۱۴۰۵"
    assert month_title("en", 2026, 12) == "December 2026"
    assert month_title("tg", 2026, 12) == "Декабр 2026"


def test_hamal_1405_grid_starts_saturday_in_the_first_column():
    grid = month_grid("fa_AF", 1405, 1)
    assert date(2026, 3, 21).weekday() == 5  # 1 Hamal 1405 is a Saturday
    assert grid[0][0] == date(2026, 3, 21)
    assert all(len(week) == 7 for week in grid)
    days = [d for week in grid for d in week if d is not None]
    assert len(days) == 31 and days[-1] == date(2026, 4, 20)
    assert grid[-1] == [date(2026, 4, 18), date(2026, 4, 19), date(2026, 4, 20), None, None, None, None]
    assert all(week[0] is not None and week[0].weekday() == 5 for week in grid)


def test_gregorian_grid_for_en_starts_monday():
    grid = month_grid("en", 2026, 6)  # 1 June 2026 is a Monday
    assert grid[0][0] == date(2026, 6, 1)
    assert grid[-1] == [date(2026, 6, 29), date(2026, 6, 30), None, None, None, None, None]
    grid = month_grid("tg", 2026, 2)  # 1 February 2026 is a Sunday: six blanks first
    assert grid[0] == [None] * 6 + [date(2026, 2, 1)]
    assert sum(d is not None for week in grid for d in week) == 28


def test_weekday_initials_follow_the_grid_columns():
    assert weekday_initials("fa_AF") == ["ش", "ی", "د", "س", "چ", "پ", "ج"]  # Saturday first
    assert weekday_initials("en") == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    for locale in ("fa_AF", "ps", "tg", "en"):
        assert len(set(weekday_initials(locale))) == 7


def test_local_day_number():
    assert local_day_number("fa_AF", date(2024, 8, 2)) == "۱۲"  # 12 Asad 1403
    assert local_day_number("ps", date(2026, 3, 21)) == "۱"
    assert local_day_number("en", date(2024, 8, 2)) == "2"
