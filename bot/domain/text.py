"""Cleaning and comparing what people type, in any script.

Stored text keeps the writer's spelling (including the zero-width non-joiner Persian needs, as
in «می‌کند»), minus invisible controls that could reorder or hide text. Comparison keys go
further: one form per Arabic/Persian letter variant, no diacritics, no joiners, ASCII digits,
case folded, and Cyrillic/Arabic transliterated to Latin so «Ҳамкорӣ», «همکاری» and «Hamkori»
meet.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
ZWNJ = "\u200c"
# Bidi embeddings/overrides/isolates, zero-width space/joiner, word joiner, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                                    "\u200b\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"))
_SPACES = re.compile(r"\s+")

_ARABIC_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه",
                                  "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ڪ": "ک",
                                  "ې": "ی", "ۍ": "ی", "ێ": "ی"})

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f", "х": "kh",
    "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}
_ARABIC_TO_LATIN = {
    "ا": "a", "ب": "b", "پ": "p", "ت": "t", "ټ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h",
    "خ": "kh", "څ": "ts", "ځ": "dz", "د": "d", "ډ": "d", "ذ": "z", "ر": "r", "ړ": "r", "ز": "z",
    "ژ": "zh", "ږ": "zh", "س": "s", "ش": "sh", "ښ": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ک": "k", "گ": "g", "ګ": "g", "ل": "l", "م": "m",
    "ن": "n", "ڼ": "n", "و": "o", "ه": "h", "ی": "i", "ء": "",
}
# Vowel-less spellings make transliterations differ in vowels only; dropping them compares
# consonant skeletons, which is what survives across scripts.
_VOWELS = re.compile(r"[aeiouy]")


def clean_text(text: str) -> str:
    """What we store: NFC, invisible controls removed, whitespace collapsed, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\n" or unicodedata.category(ch)[0] != "C"
                   or ch == ZWNJ)
    return _SPACES.sub(" ", text).strip()


def clean_multiline(text: str) -> str:
    """Like clean_text but keeps line breaks (descriptions)."""
    lines = [clean_text(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    return "\n".join(line for line in lines if line).strip()


def fold(text: str) -> str:
    """Search key in the original script: letter variants, digits, diacritics, case, joiners."""
    text = unicodedata.normalize("NFKD", clean_text(text).replace(ZWNJ, ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).translate(_ARABIC_VARIANTS).translate(DIGITS)
    return text.casefold()


def latin_key(text: str) -> str:
    """Cross-script key: folded, transliterated to Latin, only letters and digits, no vowels."""
    folded = fold(text)
    out = []
    for ch in folded:
        out.append(_CYRILLIC_TO_LATIN.get(ch, _ARABIC_TO_LATIN.get(ch, ch)))
    latin = unicodedata.normalize("NFKD", "".join(out))
    latin = "".join(ch for ch in latin if ch.isascii() and ch.isalnum())
    skeleton = latin[:1] + _VOWELS.sub("", latin[1:])
    return skeleton.replace("kh", "h").replace("gh", "g")
