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


def _character_class(drop) -> re.Pattern[str]:
    """A regex matching every Basic Multilingual Plane character ``drop`` selects: removing them
    with .sub runs at C speed, which matters when a search index folds a whole registry."""
    ranges, start = [], None
    for code in range(0x10001):
        wanted = code < 0x10000 and drop(chr(code))
        if wanted and start is None:
            start = code
        elif not wanted and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}" if code - 1 > start
                          else f"\\u{start:04x}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


_CONTROLS = _character_class(
    lambda ch: unicodedata.category(ch)[0] == "C" and ch not in "\n" + ZWNJ)
_COMBINING = _character_class(lambda ch: unicodedata.combining(ch) != 0)
_FOLD_LETTERS = {**_ARABIC_VARIANTS, **DIGITS}
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")


def _drop_astral_controls(text: str) -> str:
    """Outside the Basic Multilingual Plane: keep emoji and rare letters, drop control-like ones."""
    return _ASTRAL.sub(lambda m: "" if unicodedata.category(m.group())[0] == "C" else m.group(),
                       text)


def clean_text(text: str) -> str:
    """What we store: NFC, invisible controls removed, whitespace collapsed, trimmed."""
    # Category C covers bidi overrides and isolates, zero-width space and joiner, BOM, soft hyphen.
    text = _CONTROLS.sub("", unicodedata.normalize("NFC", text))
    if not text.isascii():
        text = _drop_astral_controls(text)
    return _SPACES.sub(" ", text).strip()


def clean_multiline(text: str) -> str:
    """Like clean_text but keeps line breaks (descriptions)."""
    lines = [clean_text(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    return "\n".join(line for line in lines if line).strip()


def fold(text: str) -> str:
    """Search key in the original script: letter variants, digits, diacritics, case, joiners."""
    text = unicodedata.normalize("NFKD", clean_text(text).replace(ZWNJ, ""))
    if not text.isascii():
        text = _ASTRAL.sub(lambda m: "" if unicodedata.combining(m.group()) else m.group(),
                           _COMBINING.sub("", text))
        text = unicodedata.normalize("NFC", text).translate(_FOLD_LETTERS)
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
