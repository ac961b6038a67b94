"""Field rules and text normalisation as tables."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import validation as v
from bot.domain.errors import InvalidValue
from bot.domain.text import clean_text, fold, latin_key

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [("+93 70 123 4567", None, "+93701234567"), ("۰۷۰۱۲۳۴۵۶۷", "AF", "+93701234567"),
     ("٠٧٠١٢٣٤٥٦٧", "AF", "+93701234567"), ("0093701234567", "TJ", "+93701234567"),
     ("+992 93 123 4567", "AF", "+992931234567"), ("93 123 4567", "TJ", "+992931234567"),
     ("+992-93-123-45-67", None, "+992931234567")],
)
def test_phones_are_stored_in_e164_from_any_digits(typed, country, stored):
    assert v.phone(typed, country) == stored


@pytest.mark.parametrize("typed", ["123", "+93 12", "call me", "+1 000", ""])
def test_bad_phones_are_refused(typed):
    with pytest.raises(InvalidValue) as caught:
        v.phone(typed, "AF")
    assert (caught.value.field, caught.value.reason) == ("phone", "not_a_phone")


@pytest.mark.parametrize(
    ("rule", "typed", "reason"),
    [(v.name, "x", "too_short"), (v.name, "x" * 151, "too_long"), (v.name, "12345", "no_letters"),
     (v.name, "\u200b\u202e", "too_short"), (v.name_latin, "Ҳамкорӣ", "not_latin"),
     (v.acronym, "A" * 21, "too_long"), (v.acronym, "<b>", "bad_characters"),
     (v.email, "a@b", "not_an_email"), (v.email, "<a@b.org>", "not_an_email"),
     (v.website, "not a site", "not_a_website"), (v.telegram_username, "@ab", "not_a_username"),
     (v.description, "x" * 501, "too_long")],
)
def test_bad_values_carry_a_reason(rule, typed, reason):
    with pytest.raises(InvalidValue) as caught:
        rule(typed)
    assert caught.value.reason == reason


def test_too_long_reports_the_limit_and_the_length():
    with pytest.raises(InvalidValue) as caught:
        v.description("x" * 650)
    assert (caught.value.maximum, caught.value.actual) == (500, 650)


@pytest.mark.parametrize(
    ("rule", "typed", "stored"),
    [(v.name, "  همکاری   برای\u200b صلح ", "همکاری برای صلح"),
     (v.name, "می\u200cکند", "می\u200cکند"),  # the ZWNJ Persian needs is kept
     (v.website, "acbar.org", "https://acbar.org"), (v.email, "Info@ACBAR.org", "info@acbar.org"),
     (v.telegram_username, "https://t.me/hamkari_org", "hamkari_org"),
     (v.telegram_username, "@hamkari_org", "hamkari_org"),
     (v.registration_number, "۱۲۳۴-ب", "1234-ب")],
)
def test_good_values_are_cleaned(rule, typed, stored):
    assert rule(typed) == stored


@pytest.mark.parametrize(("typed", "year"), [("2008", 2008), ("۱۳۸۷", 2008), ("1387", 2008),
                                             ("٢٠٢٦", 2026)])
def test_year_founded_in_either_calendar_and_any_digits(typed, year):
    assert v.year_founded(typed, TODAY) == year


@pytest.mark.parametrize("typed", ["1800", "2027", "soon", "1700"])
def test_impossible_years_are_refused(typed):
    with pytest.raises(InvalidValue):
        v.year_founded(typed, TODAY)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hamkori", "ҳамкорӣ"), ("Hamkori", "همکاری"), ("همكاري", "همکاری"),  # Arabic kaf/yeh
     ("هم‌کاری", "همکاری"), ("HAMKORI", "hamkori")],
)
def test_names_meet_across_scripts(a, b):
    assert latin_key(a) == latin_key(b)


def test_fold_normalises_variants_digits_and_diacritics():
    assert fold("كابل ١٢") == fold("کابل 12")
    assert fold("مَدرسه") == fold("مدرسه")
    assert fold("Ҳамкорӣ") == fold("ҲАМКОРӢ")


def test_clean_text_removes_invisible_controls():
    assert clean_text("a\u202eb\u2066c\u200bd\ufeff") == "abcd"


INVISIBLE = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200d\u2060\ufeff\u00ad"
             "\u200e\u200f\u061c\x00\x07\U000e0001")


def test_every_invisible_or_reordering_character_is_removed_but_zwnj_and_emoji_stay():
    from bot.domain.text import clean_text

    for character in INVISIBLE:
        assert clean_text(f"a{character}b") == "ab", hex(ord(character))
    assert clean_text("می\u200cکند 😀") == "می\u200cکند 😀"
