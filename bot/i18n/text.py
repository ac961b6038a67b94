"""Text helpers for mixed-direction messages and any-digit input."""

from __future__ import annotations

import html

from babel.lists import format_list

FSI = "\u2068"  # first strong isolate
PDI = "\u2069"  # pop directional isolate

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

# Bidi controls a user could paste to reorder what others see; isolates we add ourselves.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def to_ascii_digits(text: str) -> str:
    """Western digits for Persian (۰-۹) and Arabic-Indic (٠-٩) ones, so any keyboard works."""
    return text.translate(_DIGITS)


def isolate(value: object) -> str:
    """HTML-escape a user- or data-supplied value and wrap it in FSI..PDI.

    Without the isolate, ``+93 70 123 4567`` shows reversed inside a Dari sentence; stripping
    embedded bidi controls stops a name from reordering the text around it.
    """
    text = str(value).translate(_BIDI_CONTROLS)
    return f"{FSI}{html.escape(text, quote=False)}{PDI}"


def isolate_plain(value: object) -> str:
    """isolate() for plain text (a report file, not an HTML message): bidi-safe, not escaped."""
    return f"{FSI}{str(value).translate(_BIDI_CONTROLS)}{PDI}"


def join_list(items: list[str], locale: str) -> str:
    """"a, b and c" as each language writes it (Dari and Pashto use the Arabic comma)."""
    return format_list(items, locale=locale) if items else ""
