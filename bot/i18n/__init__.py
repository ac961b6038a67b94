"""Languages: catalogs, locale resolution, digits and bidi helpers. Babel and stdlib only."""

from bot.i18n.catalogs import Catalogs, Translator
from bot.i18n.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES, is_rtl, resolve_locale

__all__ = [
    "DEFAULT_LOCALE",
    "N_",
    "SUPPORTED_LOCALES",
    "Catalogs",
    "Translator",
    "is_rtl",
    "resolve_locale",
]


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later, in the view."""
    return message
