"""Field rules for organisation profiles and projects. Each returns the value to store or raises
InvalidValue carrying the field, a reason code and the limits, never a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers

from bot.domain.errors import InvalidValue
from bot.domain.text import DIGITS, clean_multiline, clean_text

NAME_MAX = 150
NAME_LATIN_MAX = 150
ACRONYM_MAX = 20
DISTRICTS_MAX = 300
REGISTRATION_NUMBER_MAX = 50
DESCRIPTION_MAX = 500
CONTACT_PERSON_MAX = 100
EMAIL_MAX = 254
WEBSITE_MAX = 200
PROJECT_TITLE_MAX = 200
DONOR_MAX = 150
REJECTION_REASON_MAX = 300
EARLIEST_YEAR = 1900
# Solar Hijri years (1279-1699) are accepted for the founding year and converted: SH + 621.
SOLAR_HIJRI_OFFSET = 621

PHONE_REGIONS = {"AF": "AF", "TJ": "TJ"}
_LATIN_NAME = re.compile(r"^[A-Za-z0-9 .,&'()/\-]+$")
_ACRONYM = re.compile(r"^[\w.&\-/ ]+$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_WEBSITE = re.compile(r"^(https?://)?([A-Za-z0-9\-]+\.)+[A-Za-z]{2,}(:\d+)?(/\S*)?$")
_TELEGRAM = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]$")


@dataclass(frozen=True)
class Limits:
    minimum: int | None = None
    maximum: int | None = None


def text_field(field: str, value: str, maximum: int, minimum: int = 1, multiline: bool = False) -> str:
    cleaned = clean_multiline(value) if multiline else clean_text(value)
    if len(cleaned) < minimum:
        raise InvalidValue(field, "too_short", minimum=minimum, maximum=maximum)
    if len(cleaned) > maximum:
        raise InvalidValue(field, "too_long", minimum=minimum, maximum=maximum, actual=len(cleaned))
    return cleaned


def name(value: str) -> str:
    cleaned = text_field("name", value, NAME_MAX, minimum=2)
    if not any(ch.isalpha() for ch in cleaned):
        raise InvalidValue("name", "no_letters")
    return cleaned


def name_latin(value: str) -> str:
    cleaned = text_field("name_latin", value, NAME_LATIN_MAX, minimum=2)
    if not _LATIN_NAME.match(cleaned):
        raise InvalidValue("name_latin", "not_latin")
    return cleaned


def acronym(value: str) -> str:
    cleaned = text_field("acronym", value, ACRONYM_MAX)
    if not _ACRONYM.match(cleaned):
        raise InvalidValue("acronym", "bad_characters")
    return cleaned


def districts(value: str) -> str:
    return text_field("districts", value, DISTRICTS_MAX)


def registration_number(value: str) -> str:
    return text_field("registration_number", value.translate(DIGITS), REGISTRATION_NUMBER_MAX)


def year_founded(value: str, today: date) -> int:
    digits = clean_text(value).translate(DIGITS)
    if not digits.isdigit():
        raise InvalidValue("year_founded", "not_a_year", minimum=EARLIEST_YEAR, maximum=today.year)
    year = int(digits)
    if 1279 <= year < 1700:
        year += SOLAR_HIJRI_OFFSET
    if not EARLIEST_YEAR <= year <= today.year:
        raise InvalidValue("year_founded", "out_of_range", minimum=EARLIEST_YEAR, maximum=today.year)
    return year


def description(value: str) -> str:
    return text_field("description", value, DESCRIPTION_MAX, multiline=True)


def contact_person(value: str) -> str:
    return text_field("contact_person", value, CONTACT_PERSON_MAX, minimum=2)


def phone(value: str, country: str | None) -> str:
    """E.164. Afghan (+93) and Tajik (+992) numbers in any digits; a local number is read in
    the organisation's country."""
    raw = clean_text(value).translate(DIGITS).replace("\u00a0", " ")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, PHONE_REGIONS.get(country or "", "AF"))
    except phonenumbers.NumberParseException:
        raise InvalidValue("phone", "not_a_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue("phone", "not_a_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value: str) -> str:
    cleaned = clean_text(value)
    if len(cleaned) > EMAIL_MAX or not _EMAIL.match(cleaned):
        raise InvalidValue("email", "not_an_email")
    return cleaned.lower()


def website(value: str) -> str:
    cleaned = clean_text(value)
    if len(cleaned) > WEBSITE_MAX or not _WEBSITE.match(cleaned):
        raise InvalidValue("website", "not_a_website")
    return cleaned if cleaned.startswith(("http://", "https://")) else f"https://{cleaned}"


def telegram_username(value: str) -> str:
    cleaned = clean_text(value)
    for prefix in ("https://t.me/", "http://t.me/", "t.me/", "@"):
        cleaned = cleaned.removeprefix(prefix)
    if not _TELEGRAM.match(cleaned):
        raise InvalidValue("telegram", "not_a_username")
    return cleaned


def project_title(value: str) -> str:
    return text_field("title", value, PROJECT_TITLE_MAX, minimum=2)


def donor(value: str) -> str:
    return text_field("donor", value, DONOR_MAX)


def rejection_reason(value: str) -> str:
    return text_field("reason", value, REJECTION_REASON_MAX, minimum=2)
