"""Load the committed .po catalogs and hand out a translator per locale.

The .po files are compiled in memory at start-up (four small files, a few milliseconds), so no
build output is committed and a fresh clone runs as is. Fuzzy entries are left out, exactly as
msgfmt would, so a fuzzy translation falls back to the English msgid rather than a wrong text.
"""

from __future__ import annotations

import gettext
import io
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES

DOMAIN = "messages"


def locales_dir() -> Path:
    override = os.environ.get("HAMKARI_LOCALES_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "locales"


def po_path(locale: str, base: Path | None = None) -> Path:
    return (base or locales_dir()) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


class Translator:
    """gettext/ngettext bound to one locale; views call ``t.gettext("...").format(...)``."""

    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        self.locale = locale
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)


class Catalogs:
    def __init__(self, base: Path | None = None) -> None:
        self._translators: dict[str, Translator] = {}
        for locale in SUPPORTED_LOCALES:
            path = po_path(locale, base)
            with path.open("rb") as po_file:
                catalog = read_po(po_file, locale=locale)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            self._translators[locale] = Translator(locale, gettext.GNUTranslations(buffer))

    def translator(self, locale: str | None) -> Translator:
        return self._translators.get(locale or DEFAULT_LOCALE, self._translators[DEFAULT_LOCALE])
