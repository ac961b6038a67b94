"""Recurrence rules: month ends, leap years, Solar Hijri months, next_after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.i18n.dates import gregorian_to_solar_hijri, solar_hijri_month_length
from bot.scheduler.recurrence import CalendarKind, Frequency, Rule, next_after, nth_weekday_label, occurrence

SH = CalendarKind.SOLAR_HIJRI


def series(rule: Rule, anchor: date, count: int) -> list[date]:
    return [occurrence(rule, anchor, i) for i in range(count)]


def test_first_monday_across_a_year():
    rule = Rule(Frequency.MONTHLY_WEEKDAY)
    assert nth_weekday_label(rule, date(2026, 1, 5)) == (1, 0)  # 1 Jan 2026 is a Thursday
    assert series(rule, date(2026, 1, 5), 13) == [
        date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 6, 1), date(2026, 7, 6), date(2026, 8, 3), date(2026, 9, 7), date(2026, 10, 5),
        date(2026, 11, 2), date(2026, 12, 7), date(2027, 1, 4)]


def test_last_friday_across_a_year():
    rule = Rule(Frequency.MONTHLY_WEEKDAY)
    assert nth_weekday_label(rule, date(2026, 1, 30)) == (-1, 4)
    assert series(rule, date(2026, 1, 30), 12) == [
        date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27), date(2026, 4, 24), date(2026, 5, 29),
        date(2026, 6, 26), date(2026, 7, 31), date(2026, 8, 28), date(2026, 9, 25), date(2026, 10, 30),
        date(2026, 11, 27), date(2026, 12, 25)]


def test_weekday_labels_use_the_last_seven_days_and_the_rules_calendar():
    gregorian = Rule(Frequency.MONTHLY_WEEKDAY)
    assert nth_weekday_label(gregorian, date(2026, 1, 22)) == (4, 3)  # 22 of 31: not in the last 7
    assert nth_weekday_label(gregorian, date(2027, 2, 22)) == (-1, 0)  # 22 of 28: last Monday
    # 21 March 2026 (a Saturday) is the 3rd Saturday of March but 1 Hamal 1405.
    assert nth_weekday_label(gregorian, date(2026, 3, 21)) == (3, 5)
    solar = Rule(Frequency.MONTHLY_WEEKDAY, SH)
    assert nth_weekday_label(solar, date(2026, 3, 21)) == (1, 5)
    # 1 Sawr 1405 = 21 April 2026, a Tuesday, so its first Saturday is 25 April.
    assert occurrence(solar, date(2026, 3, 21), 1) == date(2026, 4, 25)
    assert gregorian_to_solar_hijri(date(2026, 4, 25)) == (1405, 2, 5)


def test_weekly_across_a_year_boundary():
    assert series(Rule(Frequency.WEEKLY), date(2025, 12, 22), 4) == [
        date(2025, 12, 22), date(2025, 12, 29), date(2026, 1, 5), date(2026, 1, 12)]


def test_31st_clamps_in_short_months_without_drift():
    rule = Rule(Frequency.MONTHLY_DAY)
    assert series(rule, date(2027, 1, 31), 4) == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    assert series(rule, date(2028, 1, 31), 3) == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
    # The 30th is not a month end in January, so it clamps and comes back to the 30th.
    assert series(rule, date(2027, 1, 30), 3) == [date(2027, 1, 30), date(2027, 2, 28), date(2027, 3, 30)]
    # 30 April is a month end, so it stays on month ends.
    assert series(rule, date(2026, 4, 30), 3) == [date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30)]


def test_quarter_ends():
    rule = Rule(Frequency.QUARTERLY)
    assert series(rule, date(2026, 3, 31), 5) == [
        date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31), date(2027, 3, 31)]
    assert series(rule, date(2026, 6, 30), 4) == [
        date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31), date(2027, 3, 31)]


def test_half_yearly():
    rule = Rule(Frequency.HALF_YEARLY)
    assert series(rule, date(2026, 8, 31), 5) == [
        date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31), date(2028, 2, 29), date(2028, 8, 31)]
    assert series(rule, date(2026, 8, 29), 4) == [
        date(2026, 8, 29), date(2027, 2, 28), date(2027, 8, 29), date(2028, 2, 29)]


def test_yearly_on_feb_29_and_feb_28():
    rule = Rule(Frequency.YEARLY)
    assert series(rule, date(2028, 2, 29), 5) == [
        date(2028, 2, 29), date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)]
    # 28 Feb 2027 is the last day of its month, so the leap year's occurrence is the 29th.
    assert series(rule, date(2027, 2, 28), 2) == [date(2027, 2, 28), date(2028, 2, 29)]


def test_solar_hijri_hut_lengths_are_as_assumed():
    assert [solar_hijri_month_length(y, 12) for y in range(1403, 1409)] == [30, 29, 29, 29, 29, 30]


def test_solar_hijri_yearly_on_the_last_day_of_hut():
    got = series(Rule(Frequency.YEARLY, SH), date(2025, 3, 20), 6)
    assert got == [date(2025, 3, 20), date(2026, 3, 20), date(2027, 3, 20), date(2028, 3, 19),
                   date(2029, 3, 19), date(2030, 3, 20)]
    assert [gregorian_to_solar_hijri(d) for d in got] == [
        (1403, 12, 30), (1404, 12, 29), (1405, 12, 29), (1406, 12, 29), (1407, 12, 29), (1408, 12, 30)]


def test_solar_hijri_monthly_31_clamps_to_30_then_29_in_hut():
    got = series(Rule(Frequency.MONTHLY_DAY, SH), date(2025, 9, 22), 8)  # 31 Sunbula 1404
    assert got == [date(2025, 9, 22), date(2025, 10, 22), date(2025, 11, 21), date(2025, 12, 21),
                   date(2026, 1, 20), date(2026, 2, 19), date(2026, 3, 20), date(2026, 4, 20)]
    assert [gregorian_to_solar_hijri(d) for d in got] == [
        (1404, 6, 31), (1404, 7, 30), (1404, 8, 30), (1404, 9, 30), (1404, 10, 30), (1404, 11, 30),
        (1404, 12, 29), (1405, 1, 31)]


def test_solar_hijri_monthly_day_30_of_hamal_is_not_a_month_end():
    got = series(Rule(Frequency.MONTHLY_DAY, SH), date(2025, 4, 19), 12)  # 30 Hamal 1404
    assert [gregorian_to_solar_hijri(d)[2] for d in got] == [30] * 11 + [29]  # Hut 1404 has 29
    assert got[-1] == date(2026, 3, 20)
    # The last day of Hut 1403 (30, leap) is a month end: Hamal gets its 31st.
    assert occurrence(Rule(Frequency.MONTHLY_DAY, SH), date(2025, 3, 20), 1) == date(2025, 4, 20)


def test_solar_hijri_quarterly_from_the_last_day_of_hut():
    got = series(Rule(Frequency.QUARTERLY, SH), date(2025, 3, 20), 5)
    assert [gregorian_to_solar_hijri(d) for d in got] == [
        (1403, 12, 30), (1404, 3, 31), (1404, 6, 31), (1404, 9, 30), (1404, 12, 29)]


def test_none_has_only_the_anchor():
    rule = Rule(Frequency.NONE)
    assert occurrence(rule, date(2026, 5, 1), 0) == date(2026, 5, 1)
    with pytest.raises(ValueError):
        occurrence(rule, date(2026, 5, 1), 1)
    with pytest.raises(ValueError):
        occurrence(Rule(Frequency.WEEKLY), date(2026, 5, 1), -1)
    assert next_after(rule, date(2026, 5, 1), date(2026, 4, 30)) == date(2026, 5, 1)
    assert next_after(rule, date(2026, 5, 1), date(2026, 5, 1)) is None


def test_next_after_at_and_around_occurrences():
    weekly, anchor = Rule(Frequency.WEEKLY), date(2026, 1, 5)
    assert next_after(weekly, anchor, date(2026, 1, 4)) == anchor
    assert next_after(weekly, anchor, anchor) == date(2026, 1, 12)
    assert next_after(weekly, anchor, date(2026, 1, 11)) == date(2026, 1, 12)
    assert next_after(weekly, anchor, date(2026, 1, 12)) == date(2026, 1, 19)
    monthly = Rule(Frequency.MONTHLY_DAY)
    assert next_after(monthly, date(2026, 1, 31), date(2026, 2, 27)) == date(2026, 2, 28)
    assert next_after(monthly, date(2026, 1, 31), date(2026, 2, 28)) == date(2026, 3, 31)
    first_monday = Rule(Frequency.MONTHLY_WEEKDAY)
    assert next_after(first_monday, date(2026, 1, 5), date(2026, 3, 2)) == date(2026, 4, 6)
    assert next_after(first_monday, date(2026, 1, 5), date(2026, 3, 1)) == date(2026, 3, 2)


def test_next_after_years_later():
    # 1 Jan 2040 is a Sunday.
    assert next_after(Rule(Frequency.WEEKLY), date(2026, 1, 5), date(2040, 1, 1)) == date(2040, 1, 2)
    assert next_after(Rule(Frequency.YEARLY), date(2028, 2, 29), date(2031, 3, 1)) == date(2032, 2, 29)
    assert next_after(Rule(Frequency.QUARTERLY), date(2026, 3, 31), date(2049, 12, 31)) == date(2050, 3, 31)
    # First Monday of February 2040: 1 Feb 2040 is a Wednesday.
    assert next_after(Rule(Frequency.MONTHLY_WEEKDAY), date(2026, 1, 5), date(2040, 1, 2)) == date(2040, 2, 6)
    got = next_after(Rule(Frequency.MONTHLY_DAY, SH), date(2025, 9, 22), date(2035, 1, 1))
    assert gregorian_to_solar_hijri(date(2035, 1, 1)) == (1413, 10, 11)
    assert got is not None and gregorian_to_solar_hijri(got) == (1413, 10, 30)


@pytest.mark.parametrize("frequency", [f for f in Frequency if f is not Frequency.NONE])
@pytest.mark.parametrize("calendar", list(CalendarKind))
@pytest.mark.parametrize("anchor", [date(2026, 1, 31), date(2026, 3, 20), date(2026, 8, 26)])
def test_next_after_matches_walking_the_series(frequency, calendar, anchor):
    rule = Rule(frequency, calendar)
    dates = series(rule, anchor, 200)
    for offset in range(-3, 900, 5):
        after = anchor + timedelta(days=offset)
        assert next_after(rule, anchor, after) == next(d for d in dates if d > after)
