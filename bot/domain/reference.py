"""The fixed lists every profile refers to: kinds, countries, provinces/regions, sectors.

One data file (reference_data.json) holds each item's code and its name in all four languages;
profiles store codes only, so a name can be corrected without touching any organisation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("reference_data.json")


@dataclass(frozen=True)
class Term:
    code: str
    names: Mapping[str, str]

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["en"]


@dataclass(frozen=True)
class Place(Term):
    country: str = ""


class Reference:
    def __init__(self, data: dict) -> None:
        self.kinds = tuple(Term(item["code"], item["names"]) for item in data["kinds"])
        self.countries = tuple(Term(item["code"], item["names"]) for item in data["countries"])
        self.sectors = tuple(Term(item["code"], item["names"]) for item in data["sectors"])
        self.places = tuple(Place(item["code"], item["names"], item["country"])
                            for item in data["places"])
        self._kinds = {t.code: t for t in self.kinds}
        self._countries = {t.code: t for t in self.countries}
        self._sectors = {t.code: t for t in self.sectors}
        self._places = {p.code: p for p in self.places}

    def places_in(self, country: str) -> tuple[Place, ...]:
        return tuple(place for place in self.places if place.country == country)

    def kind(self, code: str) -> Term:
        return self._kinds[code]

    def country(self, code: str) -> Term:
        return self._countries[code]

    def place(self, code: str) -> Place:
        return self._places[code]

    def sector(self, code: str) -> Term:
        return self._sectors[code]

    def is_kind(self, code: str) -> bool:
        return code in self._kinds

    def is_place(self, code: str) -> bool:
        return code in self._places

    def is_sector(self, code: str) -> bool:
        return code in self._sectors


@cache
def load_reference() -> Reference:
    return Reference(json.loads(DATA_FILE.read_text(encoding="utf-8")))
