"""Which languages Hamkari speaks and how Telegram's language_code maps onto them."""

from __future__ import annotations

DEFAULT_LOCALE = "en"
# Order = order of the language buttons.
SUPPORTED_LOCALES: tuple[str, ...] = ("fa_AF", "ps", "tg", "en")

# Each language's own name, as shown on the language buttons (never translated).
LANGUAGE_NAMES: dict[str, str] = {"fa_AF": "دری", "ps": "پښتو", "tg": "Тоҷикӣ", "en": "English"}

# Explicit map: Babel knows no "prs", and Telegram sends "fa" for Persian clients used by Dari
# speakers. Anything not listed falls back to English.
_LANGUAGE_CODE_MAP: dict[str, str] = {
    "fa": "fa_AF",
    "fa-af": "fa_AF",
    "fa_af": "fa_AF",
    "prs": "fa_AF",
    "ps": "ps",
    "ps-af": "ps",
    "tg": "tg",
    "tg-tj": "tg",
    "en": "en",
}

_RTL_LOCALES = frozenset({"fa_AF", "ps"})

# Telegram's setMyCommands language_code for each locale; None is the default menu.
COMMAND_MENU_LANGUAGE: dict[str, str | None] = {"fa_AF": "fa", "ps": "ps", "tg": "tg", "en": None}


def resolve_locale(language_code: str | None) -> str:
    if not language_code:
        return DEFAULT_LOCALE
    code = language_code.strip().lower()
    if code in _LANGUAGE_CODE_MAP:
        return _LANGUAGE_CODE_MAP[code]
    return _LANGUAGE_CODE_MAP.get(code.split("-")[0].split("_")[0], DEFAULT_LOCALE)


def is_rtl(locale: str) -> bool:
    return locale in _RTL_LOCALES
