"""The words people and OCHA put in spreadsheet cells, mapped onto the registry's lists.

A cell may name a province, sector, kind or country by its code or by its name in any of the
four languages, and a 3W file names sectors by OCHA cluster codes (``EiE_OP``, ``ESNFI_OP``...)
or cluster names. Matching is exact on a normalised key (letters and digits only, folded as in
search); only province names may also match on their consonant skeleton, because transliterations
of place names differ in vowels only (Herat/Hirat, Helmand/Hilmand). Anything else that does
not match is reported to the person importing, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from bot.domain.reference import Reference, load_reference
from bot.domain.text import fold, latin_key

_WORDS = re.compile(r"[^\W_]+")
# Words that only join others: "Food Security & Agriculture" = "Food security and agriculture".
_FILLERS = frozenset({"and"})

# OCHA cluster and area-of-responsibility codes, normalised by code_key(): the "_OP" suffix of
# operational-presence files dropped, separators removed. Child protection, gender-based violence
# and housing/land/property are areas of responsibility inside the protection cluster.
OCHA_CLUSTER_CODES: dict[str, str] = {
    "edu": "education", "education": "education", "eie": "education",
    "esnfi": "shelter", "es": "shelter", "nfi": "shelter", "shelter": "shelter",
    "shelternfi": "shelter", "snfi": "shelter",
    "fsac": "food_security", "fsa": "food_security", "fsl": "food_security", "fss": "food_security",
    "fsc": "food_security",
    "hea": "health", "health": "health",
    "nut": "nutrition", "nutrition": "nutrition",
    "pro": "protection", "prot": "protection", "protection": "protection",
    "cp": "protection", "procp": "protection", "gbv": "protection", "progbv": "protection",
    "hlp": "protection", "prohlp": "protection",
    "ma": "mine_action", "proma": "mine_action", "mineaction": "mine_action",
    "wash": "wash",
}
# Cluster names as OCHA writes them, after the "Operational Presence:" prefix (name_key()).
OCHA_CLUSTER_NAMES: dict[str, str] = {
    "educationinemergencies": "education",
    "emergencyshelternonfooditems": "shelter",
    "emergencyshelternfi": "shelter",
    "foodsecurityagriculture": "food_security",
    "foodsecurity": "food_security",
    "watersanitationhygiene": "wash",
    "childprotection": "protection",
    "genderbasedviolence": "protection",
    "housinglandproperty": "protection",
}
# OCHA organisation types; a type not listed here is recorded as the registry's "other" kind.
OCHA_ORG_TYPES: dict[str, str] = {
    "nationalngo": "ngo", "internationalngo": "ngo", "ngo": "ngo", "nngo": "ngo", "ingo": "ngo",
    "unitednations": "other", "un": "other", "unagency": "other",
}
COUNTRY_ALIASES: dict[str, str] = {"afg": "AF", "tjk": "TJ"}
YES_WORDS = ("yes", "y", "true", "1", "x", "بلی", "بله", "آری", "هو", "ها", "ҳа", "бале", "да")
NO_WORDS = ("no", "n", "false", "0", "نخیر", "خیر", "نه", "не", "нест", "нет")


def name_key(text: str) -> str:
    """Letters and digits only, folded; '&' and 'and' are the same."""
    return "".join(word for word in _WORDS.findall(fold(text)) if word not in _FILLERS)


def code_key(text: str) -> str:
    words = _WORDS.findall(fold(text))
    if len(words) > 1 and words[-1] == "op":  # OCHA's operational-presence suffix
        words = words[:-1]
    return "".join(words)


_YES = frozenset(map(name_key, YES_WORDS))
_NO = frozenset(map(name_key, NO_WORDS))


def _after_label(text: str) -> str:
    """'Operational Presence: Health' -> 'Health' (also with OCHA's 'Operatioanl' typo)."""
    return text.rsplit(":", 1)[-1]


class Vocabulary:
    def __init__(self, reference: Reference) -> None:
        self._provinces = self._index_terms(reference.places)
        self._province_country = {place.code: place.country for place in reference.places}
        self._province_skeletons = self._unique_skeletons(reference)
        self._sectors = self._index_terms(reference.sectors)
        for key, code in {**OCHA_CLUSTER_CODES, **OCHA_CLUSTER_NAMES}.items():
            self._sectors.setdefault(key, code)
        self._kinds = self._index_terms(reference.kinds)
        self._countries = self._index_terms(reference.countries)
        self._countries.update(COUNTRY_ALIASES)

    @staticmethod
    def _index_terms(terms) -> dict[str, str]:
        index: dict[str, str] = {}
        for term in terms:
            index[code_key(term.code)] = term.code
            for name in term.names.values():
                index.setdefault(name_key(name), term.code)
        return index

    @staticmethod
    def _unique_skeletons(reference: Reference) -> dict[str, str]:
        found: dict[str, set[str]] = defaultdict(set)
        for place in reference.places:
            for name in place.names.values():
                found[latin_key(name)].add(place.code)
        return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1 and key}

    def province(self, text: str) -> str | None:
        return (self._provinces.get(code_key(text)) or self._provinces.get(name_key(text))
                or self._province_skeletons.get(latin_key(text)))

    def country_of_province(self, code: str) -> str:
        return self._province_country[code]

    def sector(self, text: str) -> str | None:
        return (self._sectors.get(code_key(text)) or self._sectors.get(name_key(text))
                or self._sectors.get(name_key(_after_label(text))))

    def kind(self, text: str) -> str | None:
        return self._kinds.get(code_key(text)) or self._kinds.get(name_key(text))

    def ocha_kind(self, text: str) -> str:
        return OCHA_ORG_TYPES.get(name_key(text)) or self.kind(text) or "other"

    def country(self, text: str) -> str | None:
        return self._countries.get(code_key(text)) or self._countries.get(name_key(text))

    @staticmethod
    def yes_no(text: str) -> bool | None:
        """True, False, or None when the cell is neither (empty counts as no)."""
        key = name_key(text)
        if not key or key in _NO:
            return False
        return True if key in _YES else None


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(load_reference())
