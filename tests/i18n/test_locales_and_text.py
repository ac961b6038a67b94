from __future__ import annotations

import pytest

from bot.i18n import is_rtl, resolve_locale
from bot.i18n.text import FSI, PDI, isolate, to_ascii_digits


@pytest.mark.parametrize(
    ("language_code", "locale"),
    [("fa", "fa_AF"), ("fa-AF", "fa_AF"), ("FA-af", "fa_AF"), ("prs", "fa_AF"), ("fa-IR", "fa_AF"),
     ("ps", "ps"), ("ps-AF", "ps"), ("tg", "tg"), ("tg-TJ", "tg"), ("en", "en"), ("en-GB", "en"),
     ("ru", "en"), ("uz", "en"), ("", "en"), (None, "en")],
)
def test_telegram_language_codes_map_explicitly(language_code, locale):
    assert resolve_locale(language_code) == locale


def test_direction():
    assert is_rtl("fa_AF") and is_rtl("ps") and not is_rtl("tg") and not is_rtl("en")


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [("۱۴۰۳", "1403"), ("٢٠٢٤", "2024"), ("+۹۳ ۷۰ ۱۲۳ ۴۵۶۷", "+93 70 123 4567"), ("12", "12")],
)
def test_any_digits_are_accepted(typed, ascii):
    assert to_ascii_digits(typed) == ascii


def test_isolate_escapes_html_and_strips_bidi_overrides():
    assert isolate("<i>A&B</i>") == f"{FSI}&lt;i&gt;A&amp;B&lt;/i&gt;{PDI}"
    assert isolate("\u202eevil\u2066") == f"{FSI}evil{PDI}"
    assert isolate(93701234567) == f"{FSI}93701234567{PDI}"
