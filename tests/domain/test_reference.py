"""The one data file of kinds, countries, places and sectors, in all four languages."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bot.domain.reference import load_reference

DATA = Path(__file__).resolve().parents[1] / "data"
LOCALES = ("fa_AF", "ps", "tg", "en")
ARABIC = re.compile(r"[\u0600-\u06ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
REF = load_reference()


def test_counts_and_codes():
    assert [p.code for p in REF.places_in("AF")] == [f"AF{n:02d}" for n in range(1, 35)]
    assert [p.code for p in REF.places_in("TJ")] == [f"TJK00{n}" for n in range(1, 6)]
    assert len(REF.sectors) == 21 and len(REF.kinds) == 6 and len(REF.countries) == 2
    for terms in (REF.sectors, REF.kinds, REF.places):
        codes = [t.code for t in terms]
        assert len(codes) == len(set(codes))


@pytest.mark.parametrize("term", REF.kinds + REF.countries + REF.sectors + REF.places,
                         ids=lambda term: term.code)
def test_every_name_in_every_language_and_script(term):
    assert all(term.names.get(locale, "").strip() for locale in LOCALES)
    assert ARABIC.search(term.names["fa_AF"]) and ARABIC.search(term.names["ps"])
    assert CYRILLIC.search(term.names["tg"]) and not ARABIC.search(term.names["en"])


@pytest.mark.parametrize("term", REF.kinds + REF.sectors, ids=lambda term: term.code)
def test_button_names_fit_on_a_phone(term):
    assert all(len(term.name(locale)) <= 40 for locale in LOCALES)


def test_names_follow_the_open_admin_data():
    with (DATA / "afg_provinces_openadmindata.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            place = REF.place(row["id"])
            assert place.name("en") == row["name.en"]
            # the source writes Kunar in the plural ("کنر ها"); the province is کنر
            assert place.name("fa_AF") == row["name.local"].replace("کنر ها", "کنر")
    with (DATA / "tjk_admin_divisions_openadmindata.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["level"] == "1":
                assert REF.place(row["id"]).name("tg") == row["name_tg"]


def test_unknown_codes():
    assert not REF.is_sector("wash_op") and REF.is_sector("wash") and REF.is_place("AF21")
    with pytest.raises(KeyError):
        REF.kind("company")
