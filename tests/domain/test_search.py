"""The search index: normalisation as a table, typos, prefixes, filters, ranking, visibility."""

from __future__ import annotations

import pytest

from bot.domain import lookup
from bot.domain.entities import OrgStatus, Visibility
from bot.domain.search import Audience, Filters, SearchDocument, SearchIndex, words
from tests.domain.test_permissions import ORG_ID, VIEW, VIEWERS


def document(organisation_id: int, name: str, *, latin: str | None = None, acronym: str | None = None,
             description: str = "", titles: tuple[str, ...] = (), sectors=("health",),
             provinces=("AF21",), country="AF", status=OrgStatus.VERIFIED,
             visibility=Visibility.PUBLIC, women_led=False, youth_led=False) -> SearchDocument:
    return SearchDocument(
        organisation_id=organisation_id, status=status, visibility=visibility, country=country,
        sectors=tuple(sectors), provinces=tuple(provinces), women_led=women_led,
        youth_led=youth_led, names=tuple(n for n in (name, latin, acronym) if n),
        description=description, project_titles=titles)


EVERYONE = Audience(frozenset((s, v) for s in OrgStatus for v in Visibility))


NO_FILTERS = Filters()


def found(index: SearchIndex, query: str, filters: Filters = NO_FILTERS,
          audience: Audience = EVERYONE) -> list[int]:
    return index.search(query, filters, audience)


# (stored name, what a user types): each must find the organisation
MATCHES = [
    ("Hamkori", "hamkori"),
    ("Hamkori", "ҳамкорӣ"),  # Tajik Cyrillic finds Latin
    ("Ҳамкорӣ", "hamkori"),  # and the other way round
    ("همکاری", "hamkari"),  # Dari script, typed in Latin
    ("همکاری", "ҳамкорӣ"),
    ("كابل", "کابل"),  # Arabic kaf and yeh against Persian
    ("مؤسسه خیریه", "موسسه خيريه"),
    ("سازمان صحی", "سازمان صحي"),
    ("بَلْخ", "بلخ"),  # diacritics
    ("خانه‌ی امن", "خانهی امن"),  # zero-width non-joiner
    ("Network 2024", "network ۲۰۲۴"),  # Persian digits
    ("HEALTH NET", "health net"),  # case
    ("Health Network", "helth"),  # one typo
    ("Reconstruction Agency", "reconstrucion"),  # one typo in a long word
    ("Reconstruction Agency", "recnstrucion"),  # two typos in a long word
    ("Hamkori", "hamk"),  # still typing
    ("Café Solidaire", "cafe"),  # Latin diacritics
]


@pytest.mark.parametrize(("stored", "typed"), MATCHES)
def test_what_people_type_finds_the_organisation(stored, typed):
    index = SearchIndex()
    index.put(document(1, stored))
    index.put(document(2, "Unrelated Union"))
    assert found(index, typed) == [1]


@pytest.mark.parametrize(("stored", "typed"), [
    ("Kabul Relief", "kunduz"),
    ("Hamkori", "ham"),  # a 3-letter prefix only matches the start of a word: "ham" is that
    ("Care", "cure"),  # short words get no typo allowance: "cure" is another word
])
def test_what_must_not_match(stored, typed):
    index = SearchIndex()
    index.put(document(1, stored))
    expected = [1] if typed == "ham" else []
    assert found(index, typed) == expected


def test_words_are_folded_in_their_own_script():
    assert words("Ҳамкорӣ, ٢٠٢٤ & می‌کند") == ["ҳамкори", "2024", "میکند"]


def test_every_word_must_match_and_names_rank_above_descriptions():
    index = SearchIndex()
    index.put(document(1, "Water for Balkh", description="wells"))
    index.put(document(2, "Balkh Women Union", description="water committees"))
    index.put(document(3, "Kunduz Water"))
    assert found(index, "water balkh") == [1, 2]
    assert found(index, "water") == [3, 1, 2]  # names first, then alphabetical among equals


def test_project_titles_and_acronyms_are_searched():
    index = SearchIndex()
    index.put(document(1, "Afghan Health Org", acronym="AHO", titles=("Mobile clinics",)))
    assert found(index, "aho") == [1]
    assert found(index, "clinics") == [1]


def test_filters():
    index = SearchIndex()
    index.put(document(1, "A", sectors=("wash",), provinces=("AF21",), women_led=True))
    index.put(document(2, "B", sectors=("wash", "health"), provinces=("AF19",)))
    index.put(document(3, "C", sectors=("health",), provinces=("TJK001",), country="TJ",
                       status=OrgStatus.PENDING, youth_led=True))
    assert found(index, "", Filters(sector="wash")) == [1, 2]
    assert found(index, "", Filters(sector="wash", province="AF21")) == [1]
    assert found(index, "", Filters(country="TJ")) == [3]
    assert found(index, "", Filters(women_led=True)) == [1]
    assert found(index, "", Filters(youth_led=True)) == [3]
    assert found(index, "", Filters(sector="health", verified_only=True)) == [2]


def test_active_project_places_and_sectors_count_for_filters():
    index = SearchIndex()
    index.put(SearchDocument(1, OrgStatus.VERIFIED, Visibility.PUBLIC, "AF", ("health",), ("AF01",),
                             False, False, ("Kabul Health",), "", ("Wells",),
                             project_sectors=("wash",), project_provinces=("AF21",)))
    assert found(index, "", Filters(sector="wash", province="AF21")) == [1]


def test_the_audience_decides_what_is_found():
    index = SearchIndex()
    index.put(document(1, "Open Org", visibility=Visibility.PUBLIC))
    index.put(document(2, "Quiet Org", visibility=Visibility.HIDDEN))
    index.put(document(3, "Pending Org", visibility=Visibility.PUBLIC, status=OrgStatus.PENDING))
    public = frozenset({(OrgStatus.VERIFIED, Visibility.PUBLIC)})
    assert found(index, "org", audience=Audience(public)) == [1]
    assert found(index, "org", audience=Audience(public, also=frozenset({2}))) == [1, 2]
    assert found(index, "", audience=Audience(public)) == [1]


@pytest.mark.parametrize("who", list(VIEWERS))
@pytest.mark.parametrize(("visibility", "status"), list(VIEW))
def test_search_applies_exactly_the_permission_rules(who, visibility, status):
    """lookup.audience turns may_view into index sets: same answers as the permission matrix."""
    index = SearchIndex()
    index.put(document(ORG_ID, "Hamkari", visibility=visibility, status=status))
    seen = found(index, "hamkari", audience=lookup.audience(VIEWERS[who], index)) == [ORG_ID]
    assert seen == (who in VIEW[(visibility, status)])


def test_replacing_and_removing_documents():
    index = SearchIndex()
    index.put(document(1, "Old Name"))
    index.put(document(1, "New Name"))
    assert found(index, "old") == [] and found(index, "new") == [1] and len(index) == 1
    index.remove(1)
    assert found(index, "new") == [] and len(index) == 0


def test_compaction_keeps_results():
    index = SearchIndex()
    for round_ in range(3):
        for organisation_id in range(1, 800):
            index.put(document(organisation_id, f"Org {organisation_id} round {round_}"))
    assert len(index) == 799
    assert len(index.ids) < 3 * 799  # dead slots were compacted away
    assert found(index, "org 17 round 2") == [17]
