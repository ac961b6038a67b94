"""The catalogs are complete, consistent with the code, and their plural rules agree with CLDR."""

from __future__ import annotations

import re
import string

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from babel.plural import PluralRule

from bot.i18n import SUPPORTED_LOCALES, Catalogs
from bot.i18n.catalogs import locales_dir, po_path
from bot.i18n.tool import PLURAL_FORMS, extract

TRANSLATED_LOCALES = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


def load(locale: str):
    with po_path(locale).open("rb") as file:
        return read_po(file, locale=locale)


def entries(catalog):
    return [message for message in catalog if message.id]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def msgids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id)
            for message in entries(catalog)}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_entry_is_translated_and_not_fuzzy(locale):
    problems = []
    for message in entries(load(locale)):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_translations_are_not_english_left_in_place(locale):
    # A msgstr equal to its msgid is an English fallback, unless it is only commands/names.
    copied = [m.id for m in entries(load(locale))
              if m.string == m.id and re.search(r"[A-Za-z]{4,}", re.sub(r"/\w+", "", str(m.id)))]
    assert copied == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_placeholders_match_the_msgid(locale):
    mismatches = []
    for message in entries(load(locale)):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(placeholders(i) for i in ids))
        for translation in strings:
            if translation and placeholders(translation) != expected:
                mismatches.append((message.id, translation))
            # A percent sign may be written as Dari and Pashto write it (٪, U+066A).
            percents = translation.count("%") + translation.count("\u066a")
            if translation and "%" in "".join(ids) and percents != ids[0].count("%"):
                mismatches.append((message.id, translation))
    assert mismatches == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_forms_header_agrees_with_cldr(locale):
    catalog = load(locale)
    cldr: PluralRule = Locale.parse(locale).plural_form
    categories = sorted(cldr.tags | {"other"}, key=["zero", "one", "two", "few", "many", "other"].index)
    assert catalog.num_plurals == len(categories)
    assert f"nplurals={catalog.num_plurals}; plural={catalog.plural_expr};" == PLURAL_FORMS[locale]
    expression = catalog.plural_expr.replace("&&", " and ").replace("||", " or ")
    for n in range(0, 250):
        index = eval(expression, {}, {"n": n})
        assert categories[int(index)] == cldr(n), (locale, n)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_entries_have_every_form(locale):
    catalog = load(locale)
    for message in entries(catalog):
        if message.pluralizable:
            assert len(message.string) == catalog.num_plurals, message.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_catalog_has_exactly_the_msgids_of_the_template(locale):
    with (locales_dir() / "messages.pot").open("rb") as file:
        template = read_po(file)
    assert msgids(load(locale)) == msgids(template)


def test_committed_template_is_not_stale_against_the_code(tmp_path):
    fresh = extract(tmp_path / "messages.pot")
    with fresh.open("rb") as file:
        extracted = read_po(file)
    with (locales_dir() / "messages.pot").open("rb") as file:
        committed = read_po(file)
    missing = msgids(extracted) - msgids(committed)
    unused = msgids(committed) - msgids(extracted)
    assert (missing, unused) == (set(), set()), "run: python -m bot.i18n.tool all"


def test_fuzzy_entries_fall_back_to_english_at_run_time(tmp_path):
    for locale in SUPPORTED_LOCALES:
        target = po_path(locale, tmp_path)
        target.parent.mkdir(parents=True)
        text = po_path(locale).read_text(encoding="utf-8")
        if locale == "tg":
            text = text.replace('msgid "Choose your language:"',
                                '#, fuzzy\nmsgid "Choose your language:"', 1)
        target.write_text(text, encoding="utf-8")
    translator = Catalogs(tmp_path).translator("tg")
    assert translator.gettext("Choose your language:") == "Choose your language:"
    assert translator.gettext("Change the language") == "Иваз кардани забон"


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_no_translation_is_a_copy_of_another_messages_translation(locale):
    # A fuzzy match accepted by mistake leaves the old message's translation under a new msgid.
    seen: dict[str, str] = {}
    copies = []
    for message in entries(load(locale)):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        key = strings[0]
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if key in seen and seen[key] != ids[0]:
            copies.append((seen[key], ids[0]))
        seen.setdefault(key, ids[0])
    assert copies == []
