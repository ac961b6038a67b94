"""One date formatter and parser for everything the bot shows or reads.

Dari and Pashto users see Solar Hijri dates with Afghan month names and Eastern digits; Tajik and
English users see Gregorian dates (Babel). Babel has no Solar Hijri calendar, so the conversion
below is the arithmetic algorithm of jalaali-js (exact for 1-3177 SH), with Python ordinals
standing in for Julian day numbers.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names, get_month_names

from bot.i18n.text import to_ascii_digits

MONTHS = {
    "fa_AF": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی",
              "دلو", "حوت"),
    "ps": ("وری", "غویی", "غبرگولی", "چنگاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی",
           "سلواغه", "کب"),
}
SOLAR_HIJRI_LOCALES = frozenset(MONTHS)
_EASTERN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262,
           2324, 2394, 2456, 3178)
_SEPARATORS = re.compile(r"[-/.\s]+")
_TIME = re.compile(r"([0-9]{1,2})(?:\s*[:.]\s*([0-9]{2}))?")


class InvalidDate(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "format" or "out_of_range"


class InvalidTime(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "format" or "out_of_range"


def _div(a: int, b: int) -> int:
    return int(a / b)  # truncation, as the reference algorithm's ~~(a / b)


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def _jal_cal(jy: int) -> tuple[int, int, int]:
    """(leap, gregorian year, day in March of Nowruz) for Solar Hijri year ``jy``."""
    if not _BREAKS[0] <= jy < _BREAKS[-1]:
        raise InvalidDate("out_of_range")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    if leap == -1:
        leap = 4
    return leap, gy, march


def is_solar_hijri_leap(jy: int) -> bool:
    return _jal_cal(jy)[0] == 0


def solar_hijri_month_length(jy: int, jm: int) -> int:
    if jm <= 6:
        return 31
    if jm <= 11:
        return 30
    return 30 if is_solar_hijri_leap(jy) else 29


def solar_hijri_to_gregorian(jy: int, jm: int, jd: int) -> date:
    if not 1 <= jm <= 12 or not 1 <= jd <= solar_hijri_month_length(jy, jm):
        raise InvalidDate("out_of_range")
    _, gy, march = _jal_cal(jy)
    ordinal = date(gy, 3, march).toordinal() + (jm - 1) * 31 - _div(jm, 7) * (jm - 7) + jd - 1
    return date.fromordinal(ordinal)


def gregorian_to_solar_hijri(value: date) -> tuple[int, int, int]:
    jy = value.year - 621
    leap, gy, march = _jal_cal(jy)
    k = value.toordinal() - date(gy, 3, march).toordinal()
    if k >= 0:
        if k <= 185:
            return jy, 1 + _div(k, 31), _mod(k, 31) + 1
        k -= 186
    else:
        jy -= 1
        k += 179
        if leap == 1:
            k += 1
    return jy, 7 + _div(k, 30), _mod(k, 30) + 1


def localise_digits(text: str, locale: str) -> str:
    return text.translate(_EASTERN) if locale in SOLAR_HIJRI_LOCALES else text


def format_date(value: date, locale: str) -> str:
    if locale in SOLAR_HIJRI_LOCALES:
        jy, jm, jd = gregorian_to_solar_hijri(value)
        return localise_digits(f"{jd} {MONTHS[locale][jm - 1]} {jy}", locale)
    # Babel's Tajik "long" pads the day ("02 Август 2024"); people write "2 Август 2024".
    return babel_format_date(value, format="d MMMM y" if locale == "tg" else "long", locale=locale)


def format_datetime(value: datetime, locale: str, tz: str) -> str:
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), locale)} {localise_digits(local.strftime('%H:%M'), locale)}"


def parse_date(text: str) -> date:
    """Year-month-day or day-month-year with a 4-digit year, any digits and separators; years
    before 1700 are Solar Hijri."""
    parts = [p for p in _SEPARATORS.split(to_ascii_digits(text.strip())) if p]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InvalidDate("format")
    if len(parts[0]) == 4:
        year, month, day = (int(p) for p in parts)
    elif len(parts[2]) == 4:
        day, month, year = (int(p) for p in parts)
    else:
        raise InvalidDate("format")
    if year < 1700:
        return solar_hijri_to_gregorian(year, month, day)
    if year < 1900:
        raise InvalidDate("out_of_range")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate("out_of_range") from None


def parse_time(text: str) -> time:
    """24-hour "14:30", "14.30" or a bare hour "9", in any digits."""
    match = _TIME.fullmatch(to_ascii_digits(text.strip()))
    if match is None:
        raise InvalidTime("format")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise InvalidTime("out_of_range")
    return time(hour, minute)


def format_time(value: datetime, locale: str, tz: str) -> str:
    return localise_digits(value.astimezone(ZoneInfo(tz)).strftime("%H:%M"), locale)


# Calendar pickers page through months of the user's calendar; cells are Gregorian dates so a
# picked day needs no conversion.

def calendar_month(locale: str, day: date) -> tuple[int, int]:
    if locale in SOLAR_HIJRI_LOCALES:
        return gregorian_to_solar_hijri(day)[:2]
    return day.year, day.month


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    y, m = divmod(year * 12 + month - 1 + delta, 12)
    return y, m + 1


def month_title(locale: str, year: int, month: int) -> str:
    if locale in SOLAR_HIJRI_LOCALES:
        return localise_digits(f"{MONTHS[locale][month - 1]} {year}", locale)
    return f"{get_month_names('wide', 'stand-alone', locale)[month]} {year}"


def _first_weekday(locale: str) -> int:
    return 5 if locale in SOLAR_HIJRI_LOCALES else 0  # the Afghan week starts on Saturday


def month_grid(locale: str, year: int, month: int) -> list[list[date | None]]:
    if locale in SOLAR_HIJRI_LOCALES:
        first, length = solar_hijri_to_gregorian(year, month, 1), solar_hijri_month_length(year, month)
    else:
        first = date(year, month, 1)
        length = (date(*shift_month(year, month, 1), 1) - first).days
    cells: list[date | None] = [None] * ((first.weekday() - _first_weekday(locale)) % 7)
    cells += [first + timedelta(days=i) for i in range(length)]
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def weekday_initials(locale: str) -> list[str]:
    order = [(_first_weekday(locale) + i) % 7 for i in range(7)]
    narrow = [get_day_names("narrow", "stand-alone", locale)[d] for d in order]
    if len(set(narrow)) == 7:
        return narrow
    # English narrow names repeat letters (T, S); the short ones ("Tu", "Th") do not.
    return [get_day_names("short", "stand-alone", locale)[d] for d in order]


def local_day_number(locale: str, day: date) -> str:
    if locale in SOLAR_HIJRI_LOCALES:
        return localise_digits(str(gregorian_to_solar_hijri(day)[2]), locale)
    return str(day.day)
