"""Recurrence rules over dates, in the Gregorian or the Solar Hijri calendar.

Every occurrence is computed from the anchor, never from the previous occurrence, so clamping a
31st to a short month does not drift (31 Jan -> 28 Feb -> 31 Mar).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.i18n.dates import gregorian_to_solar_hijri, solar_hijri_month_length, solar_hijri_to_gregorian


class Frequency(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY_WEEKDAY = "monthly_weekday"  # n-th (or last) weekday of the month, as the anchor
    MONTHLY_DAY = "monthly_day"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class CalendarKind(StrEnum):
    GREGORIAN = "gregorian"
    SOLAR_HIJRI = "solar_hijri"


@dataclass(frozen=True, slots=True)
class Rule:
    frequency: Frequency
    calendar: CalendarKind = CalendarKind.GREGORIAN


_MONTH_STEP = {Frequency.MONTHLY_WEEKDAY: 1, Frequency.MONTHLY_DAY: 1, Frequency.QUARTERLY: 3,
               Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


def _split(calendar: CalendarKind, day: date) -> tuple[int, int, int]:
    if calendar is CalendarKind.SOLAR_HIJRI:
        return gregorian_to_solar_hijri(day)
    return day.year, day.month, day.day


def _join(calendar: CalendarKind, year: int, month: int, day: int) -> date:
    if calendar is CalendarKind.SOLAR_HIJRI:
        return solar_hijri_to_gregorian(year, month, day)
    return date(year, month, day)


def _month_length(calendar: CalendarKind, year: int, month: int) -> int:
    if calendar is CalendarKind.SOLAR_HIJRI:
        return solar_hijri_month_length(year, month)
    return (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    y, m = divmod(year * 12 + month - 1 + delta, 12)
    return y, m + 1


def nth_weekday_label(rule: Rule, anchor: date) -> tuple[int, int]:
    """(n, weekday) of the anchor in its month: n 1..4, or -1 in the month's last 7 days (so a
    4th-or-5th weekday always means "last", which exists in every month)."""
    year, month, day = _split(rule.calendar, anchor)
    if day > _month_length(rule.calendar, year, month) - 7:
        return -1, anchor.weekday()
    return (day - 1) // 7 + 1, anchor.weekday()


def occurrence(rule: Rule, anchor: date, index: int) -> date:
    if index < 0 or (rule.frequency is Frequency.NONE and index != 0):
        raise ValueError(f"no occurrence {index} for {rule.frequency}")
    if rule.frequency is Frequency.NONE:
        return anchor
    if rule.frequency is Frequency.WEEKLY:
        return anchor + timedelta(weeks=index)
    cal = rule.calendar
    year, month, day = _split(cal, anchor)
    y, m = _add_months(year, month, _MONTH_STEP[rule.frequency] * index)
    length = _month_length(cal, y, m)
    if rule.frequency is Frequency.MONTHLY_WEEKDAY:
        n, weekday = nth_weekday_label(rule, anchor)
        if n == -1:
            last = _join(cal, y, m, length)
            return last - timedelta(days=(last.weekday() - weekday) % 7)
        first = _join(cal, y, m, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    # A month-end anchor stays on month ends (30 Jun -> 31 Dec); other days clamp (31 -> 30 Apr).
    if day == _month_length(cal, year, month):
        return _join(cal, y, m, length)
    return _join(cal, y, m, min(day, length))


def next_after(rule: Rule, anchor: date, after: date) -> date | None:
    """First occurrence strictly after ``after``; occurrences start at the anchor."""
    if anchor > after:
        return anchor
    if rule.frequency is Frequency.NONE:
        return None
    if rule.frequency is Frequency.WEEKLY:
        return occurrence(rule, anchor, (after - anchor).days // 7 + 1)
    # Start at the last occurrence not in a month before after's month; earlier ones all fall in
    # earlier months, so at most a step or two remain.
    year, month, _ = _split(rule.calendar, anchor)
    a_year, a_month, _ = _split(rule.calendar, after)
    index = ((a_year - year) * 12 + a_month - month) // _MONTH_STEP[rule.frequency]
    while (found := occurrence(rule, anchor, index)) <= after:
        index += 1
    return found
