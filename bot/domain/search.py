"""Finding organisations: an in-memory index over names, acronyms, descriptions and project titles.

Matching works on the comparison keys of bot.domain.text: the folded word in its own script
(letter variants, digits, diacritics and joiners normalised) and its Latin consonant skeleton,
so «hamkori», «Ҳамкорӣ» and «همکاری» meet. Typos are tolerated with rapidfuzz over the indexed
vocabulary, and a word still being typed matches as a prefix.

The index only ranks. Who may see an organisation is decided at query time from the index's
copy of status and visibility, and again on the rows read from the database for the page shown,
so hiding an organisation takes effect at once even if this copy is a moment old.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import re
import sys
from array import array
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.domain.entities import OrgStatus, Visibility
from bot.domain.text import fold, latin_key

# A word in a name, Latin name or acronym counts more than one in a description or project title.
NAME_WEIGHT, TEXT_WEIGHT = 3.0, 1.0
# How well a query word matched an indexed word.
EXACT, SKELETON, PREFIX, TYPO = 1.0, 0.8, 0.7, 0.6

_WORD = re.compile(r"\w+")
MAX_QUERY_WORDS = 8
RANK_LETTERS = 3  # of a name, to order equally relevant results alphabetically
_TYPO_SCAN_LIMIT = 30
_PREFIX_LIMIT = 50


def words(text: str) -> list[str]:
    """Folded words of ``text`` in its own script (see bot.domain.text.fold)."""
    return [w for w in _WORD.findall(fold(text).replace("_", " ")) if w]


def skeleton(word: str) -> str:
    """The cross-script key of a folded word; empty when too short to mean anything, and for
    numbers, which are the same in every script once folded."""
    if word.isdigit():
        return ""
    key = latin_key(word)
    return key if len(key) >= 3 else ""


def allowed_typos(word: str) -> int:
    """Edits tolerated for a word of this length: none for short words, where a typo is another word."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the index needs of one organisation (built by the repository)."""

    organisation_id: int
    status: OrgStatus
    visibility: Visibility
    country: str
    sectors: tuple[str, ...]
    provinces: tuple[str, ...]
    women_led: bool
    youth_led: bool
    names: tuple[str, ...]  # name, name in Latin letters, acronym
    description: str
    project_titles: tuple[str, ...]
    # sectors and provinces of its active projects count for the filters too
    project_sectors: tuple[str, ...] = ()
    project_provinces: tuple[str, ...] = ()
    # when it last changed (a timestamp): a refresh skips documents already indexed as they are
    version: float = 0.0


@dataclass(frozen=True, slots=True)
class Filters:
    sector: str | None = None
    province: str | None = None
    country: str | None = None
    women_led: bool = False
    youth_led: bool = False
    verified_only: bool = False


Kind = tuple[OrgStatus, Visibility]


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is searching, as the index needs it: the (status, visibility) kinds they may see,
    and single organisations they may see whatever their kind (their own, their bodies')."""

    kinds: frozenset[Kind]
    also: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Access:
    """The index's copy of what the visibility rules need."""

    organisation_id: int
    status: OrgStatus
    visibility: Visibility


KINDS: tuple[Kind, ...] = tuple((status, visibility) for status in OrgStatus
                               for visibility in Visibility)
_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
DEAD = 0  # organisation id of a slot whose document was replaced or removed


def _rank(document: SearchDocument) -> float:
    """Verified first, then alphabetical by the first letters of the name, as one number: a
    float in an array takes 8 bytes where a string would take about 80."""
    letters = fold(document.names[0])[:RANK_LETTERS] if document.names else ""
    rank = 0 if document.status is OrgStatus.VERIFIED else 1
    for position in range(RANK_LETTERS):
        rank = rank * 0x10000 + (min(ord(letters[position]), 0xFFFF) if position < len(letters)
                                 else 0)
    return float(rank)  # exact: 1 + 3 × 16 bits fit in a double's 53


def _facets(document: SearchDocument) -> tuple[str, ...]:
    facets = {f"s:{code}" for code in (*document.sectors, *document.project_sectors)}
    facets |= {f"p:{code}" for code in (*document.provinces, *document.project_provinces)}
    facets.add(f"c:{document.country}")
    if document.women_led:
        facets.add("w")
    if document.youth_led:
        facets.add("y")
    return tuple(sys.intern(facet) for facet in sorted(facets))  # one copy per facet, not per slot


def _filter_facets(filters: Filters) -> list[str]:
    wanted = [f"s:{filters.sector}" if filters.sector else "",
              f"p:{filters.province}" if filters.province else "",
              f"c:{filters.country}" if filters.country else "",
              "w" if filters.women_led else "", "y" if filters.youth_led else ""]
    return [facet for facet in wanted if facet]


@dataclass
class SearchIndex:
    """Postings map a key (folded word, or "~" and its skeleton) to the slots holding it: an int
    for one slot, an array for more. Names and other texts have separate postings, so a word's
    best field per slot is found with set operations rather than a Python loop per entry. A
    replaced document leaves a dead slot behind; the index is compacted when they pile up."""

    # One entry per slot in parallel arrays, not an object per organisation: there may be
    # 50,000 of them and start-up memory counts.
    ids: array = field(default_factory=lambda: array("I"))  # organisation id, or DEAD
    kinds: array = field(default_factory=lambda: array("B"))  # index into KINDS
    versions: array = field(default_factory=lambda: array("d"))
    # order when relevance is equal (see _rank); ranks.__getitem__ sorts at C speed
    ranks: array = field(default_factory=lambda: array("d"))
    slot_of: dict[int, int] = field(default_factory=dict)  # organisation id -> live slot
    name_postings: dict[str, array | int] = field(default_factory=dict)
    text_postings: dict[str, array | int] = field(default_factory=dict)
    _vocabulary: list[str] = field(default_factory=list)  # sorted folded words, for prefixes
    _by_length: dict[int, list[str]] = field(default_factory=dict)  # for typo scans
    _vocabulary_stale: bool = False
    _dead: int = 0
    # facet -> live slots, ascending (slots only grow); arrays: a quarter of a set's memory
    facets: dict[str, array] = field(default_factory=dict)
    by_kind: dict[Kind, array] = field(default_factory=dict)
    _visible_cache: dict[frozenset[Kind], set[int]] = field(default_factory=dict)
    loaded_until: datetime | None = None
    # Skeletons of words seen while loading; trim() drops them: worth it only for a bulk load.
    _skeletons: dict[str, str] = field(default_factory=dict)
    # One refresh at a time: concurrent lookups wait for it instead of loading the registry twice.
    refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __len__(self) -> int:
        return len(self.slot_of)

    # -- building ------------------------------------------------------------------------------
    def is_current(self, document: SearchDocument) -> bool:
        slot = self.slot_of.get(document.organisation_id)
        return slot is not None and self.versions[slot] == document.version

    def put(self, document: SearchDocument) -> None:
        self.remove(document.organisation_id)
        slot = len(self.ids)
        kind = _KIND_CODE[document.status, document.visibility]
        self.ids.append(document.organisation_id)
        self.kinds.append(kind)
        self.versions.append(document.version)
        self.ranks.append(_rank(document))
        self.slot_of[document.organisation_id] = slot
        for facet in _facets(document):
            self.facets.setdefault(facet, array("I")).append(slot)
        self.by_kind.setdefault(KINDS[kind], array("I")).append(slot)
        self._visible_cache.clear()
        for postings, texts in ((self.name_postings, document.names),
                                (self.text_postings, (*document.project_titles,
                                                      document.description))):
            keys: set[str] = set()
            for text in texts:
                for word in words(text or ""):
                    keys.add(word)
                    key = self._skeletons.get(word)
                    if key is None:
                        key = self._skeletons[word] = skeleton(word)
                    if key:
                        keys.add("~" + key)
            for key in keys:
                self._post(postings, key, slot)

    def _post(self, postings: dict[str, array | int], key: str, slot: int) -> None:
        # Most words occur once: a bare int costs far less than an array of one.
        posting = postings.get(key)
        if posting is None:
            if key not in self.name_postings and key not in self.text_postings:
                self._learn(key)
            postings[key] = slot
        elif isinstance(posting, int):
            postings[key] = array("I", (posting, slot))
        else:
            posting.append(slot)

    def trim(self) -> None:
        """After a bulk load: arrays grown by appending hold spare room; copies are exact."""
        self._skeletons = {}
        for postings in (self.name_postings, self.text_postings):
            for key, posting in postings.items():
                if not isinstance(posting, int):
                    postings[key] = array("I", posting)
        for facets in (self.facets, self.by_kind):
            for key, slots in facets.items():
                facets[key] = array("I", slots)

    def _known(self, key: str) -> bool:
        return key in self.name_postings or key in self.text_postings

    def access(self, organisation_id: int) -> Access | None:
        slot = self.slot_of.get(organisation_id)
        return None if slot is None else Access(organisation_id, *KINDS[self.kinds[slot]])

    def remove(self, organisation_id: int) -> None:
        slot = self.slot_of.pop(organisation_id, None)
        if slot is None:
            return
        # Facets are not kept per slot (memory); a removal looks through them all, which is
        # quick at C speed and rare next to searches.
        for slots in self.facets.values():
            if slot in slots:
                slots.remove(slot)
        self.by_kind[KINDS[self.kinds[slot]]].remove(slot)
        self._visible_cache.clear()
        self.ids[slot] = DEAD
        self._dead += 1
        if self._dead > 1000 and self._dead > len(self.slot_of):
            self._compact()

    def _compact(self) -> None:
        """Renumber the live slots everywhere (rare: after many edits)."""
        renumber = {old: new for new, old in enumerate(
            slot for slot, organisation_id in enumerate(self.ids) if organisation_id != DEAD)}
        live = list(renumber)

        def renumbered(slots) -> array:
            return array("I", (renumber[slot] for slot in slots if slot in renumber))

        for postings in (self.name_postings, self.text_postings):
            for key, posting in list(postings.items()):
                kept = renumbered((posting,) if isinstance(posting, int) else posting)
                if not kept:
                    del postings[key]
                else:
                    postings[key] = kept[0] if len(kept) == 1 else kept
        for facets in (self.facets, self.by_kind):
            for key, slots in facets.items():
                facets[key] = renumbered(slots)
        self.ids = array("I", (self.ids[old] for old in live))
        self.kinds = array("B", (self.kinds[old] for old in live))
        self.versions = array("d", (self.versions[old] for old in live))
        self.ranks = array("d", (self.ranks[old] for old in live))
        self.slot_of = {organisation_id: slot for slot, organisation_id in enumerate(self.ids)}
        self._dead = 0
        self._visible_cache.clear()
        self._vocabulary_stale = True

    def _learn(self, key: str) -> None:
        """A new word joins the prefix and typo lists (unless they are rebuilt anyway)."""
        if self._vocabulary_stale or key.startswith("~") or key.isdigit():
            return
        if not self._vocabulary:
            self._vocabulary_stale = True  # first load: one sort at the end is cheaper
            return
        bisect.insort(self._vocabulary, key)
        self._by_length.setdefault(len(key), []).append(key)

    def _refresh_vocabulary(self) -> None:
        if not self._vocabulary_stale:
            return
        # Numbers take part in exact matches only: 2023 is not a typo of 2024.
        folded = [key for key in {*self.name_postings, *self.text_postings}
                  if not key.startswith("~") and not key.isdigit()]
        self._vocabulary = sorted(folded)
        by_length: dict[int, list[str]] = {}
        for key in folded:
            by_length.setdefault(len(key), []).append(key)
        self._by_length = by_length
        self._vocabulary_stale = False

    # -- querying ------------------------------------------------------------------------------
    def _matching_keys(self, word: str) -> dict[str, float]:
        """Indexed keys a query word matches, with the quality of each match."""
        found: dict[str, float] = {}
        if self._known(word):
            found[word] = EXACT
        key = skeleton(word)
        if key and self._known("~" + key):
            found.setdefault("~" + key, SKELETON)
        if word.isdigit():
            return found
        if len(word) >= 3:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start:start + _PREFIX_LIMIT]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, PREFIX)
        typos = allowed_typos(word)
        if typos and not found:  # a word that exists as typed is not treated as a typo
            for length in range(len(word) - typos, len(word) + typos + 1):
                bucket = self._by_length.get(length)
                if not bucket:
                    continue
                for candidate, distance, _ in process.extract(
                        word, bucket, scorer=Levenshtein.distance, score_cutoff=typos,
                        limit=_TYPO_SCAN_LIMIT):
                    found.setdefault(candidate, TYPO - 0.1 * (distance - 1))
        return found

    def _scores_for(self, word: str) -> dict[int, float]:
        """Each slot's best match for this word, found with set operations best level first."""
        levels = []
        for key, quality in self._matching_keys(word).items():
            for postings, weight in ((self.name_postings, NAME_WEIGHT),
                                     (self.text_postings, TEXT_WEIGHT)):
                posting = postings.get(key)
                if posting is not None:
                    levels.append((quality * weight, posting))
        levels.sort(key=lambda level: level[0], reverse=True)
        scores: dict[int, float] = {}
        for level, posting in levels:
            if isinstance(posting, int):
                scores.setdefault(posting, level)
            else:
                scores.update(dict.fromkeys(set(posting).difference(scores), level))
        return scores

    def _visible(self, audience: Audience) -> set[int]:
        """Slots the audience may see; the union per set of kinds is cached until a change."""
        visible = self._visible_cache.get(audience.kinds)
        if visible is None:
            visible = set().union(*(self.by_kind.get(kind, ()) for kind in audience.kinds))
            self._visible_cache[audience.kinds] = visible
        if audience.also:
            visible = visible | {self.slot_of[i] for i in audience.also if i in self.slot_of}
        return visible

    def matching(self, filters: Filters, audience: Audience) -> set[int]:
        """Slots passing the filters that the audience may see (set operations only)."""
        arrays = [self.facets.get(facet, ()) for facet in _filter_facets(filters)]
        if filters.verified_only:
            arrays.append(set().union(*(self.by_kind.get((OrgStatus.VERIFIED, v), ())
                                        for v in Visibility)))
        visible = self._visible(audience)
        if not arrays:
            return set(visible)
        arrays.sort(key=len)
        return visible.intersection(arrays[0]).intersection(*arrays[1:])

    def _found(self, query: str, filters: Filters, audience: Audience
               ) -> set[int] | dict[int, float]:
        """Matching slots: a set when there are no words, else scores by slot. Every query word
        must match somewhere (typos allowed)."""
        self._refresh_vocabulary()
        pool = self.matching(filters, audience)
        query_words = words(query)[:MAX_QUERY_WORDS]
        if not query_words:
            return pool
        totals: dict[int, float] = {}
        for number, word in enumerate(query_words):
            scores = self._scores_for(word)
            if number == 0:
                totals = {slot: score for slot, score in scores.items() if slot in pool}
            else:
                totals = {slot: total + scores[slot] for slot, total in totals.items()
                          if slot in scores}
            if not totals:
                break
        return totals

    def _ranked(self, found: set[int] | dict[int, float], wanted: int | None) -> list[int]:
        """The first ``wanted`` slots (all if None): best score first, then by rank."""
        rank = self.ranks.__getitem__
        if isinstance(found, set):
            if wanted is None:
                return sorted(found, key=rank)
            return heapq.nsmallest(wanted, found, key=rank)
        by_score: dict[float, list[int]] = {}  # scores take few distinct values
        for slot, total in found.items():
            by_score.setdefault(total, []).append(slot)
        ranked: list[int] = []
        for score in sorted(by_score, reverse=True):
            ranked += sorted(by_score[score], key=rank)
            if wanted is not None and len(ranked) >= wanted:
                break
        return ranked

    def search_page(self, query: str, filters: Filters, audience: Audience, offset: int,
                    limit: int) -> tuple[int, list[int]]:
        """How many match, and the organisation ids of one page of them, best first."""
        found = self._found(query, filters, audience)
        ranked = self._ranked(found, offset + limit)[offset:offset + limit]
        return len(found), [self.ids[slot] for slot in ranked]

    def search(self, query: str, filters: Filters, audience: Audience) -> list[int]:
        """Every matching organisation id, best first."""
        return [self.ids[slot] for slot in self._ranked(self._found(query, filters, audience), None)]

    def province_counts(self, query: str, filters: Filters, audience: Audience
                        ) -> tuple[int, dict[str, int]]:
        """How many match in all, and in each province (for the province picker)."""
        found = set(self._found(query, filters, audience))
        return len(found), {facet[2:]: count for facet, slots in self.facets.items()
                            if facet.startswith("p:") and (count := len(found.intersection(slots)))}
