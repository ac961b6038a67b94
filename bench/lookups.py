"""Search latency and /find throughput on a large generated registry (SQLite).

    python -m bench.lookups [--organisations 50000] [--projects 100000] [--queries 1000]

1. Generates a registry in four scripts (Latin, Dari, Pashto, Tajik Cyrillic) into a temporary
   SQLite file, through the real migrations.
2. In a fresh process, measures start-up memory: RSS after the Application is built and the
   search index has loaded the whole registry.
3. Search latency through the domain service (lookup.find: index refresh, ranking, visibility,
   reading the page's rows), p50/p95/max over a mix of words, typos, other scripts and filters.
4. End-to-end /find throughput through the real Application with the in-process fake Bot API.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.db.engine import make_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import (
    OrganisationProvinceRow,
    OrganisationRow,
    OrganisationSectorRow,
    ProjectProvinceRow,
    ProjectRow,
    ProjectSectorRow,
)
from bot.domain.reference import load_reference

WORDS = {
    "latin": ("Afghan Women Health Network Association Development Relief Education Youth Peace "
              "Water Rural Community Organisation Foundation Union Support Aid Hope Future Mothers "
              "Children Farmers Justice Skills Clinic Literacy Solidarity Bright Green").split(),
    "dari": ("انجمن شبکه سازمان توسعه زنان صحت آموزش جوانان صلح آب روستایی همکاری بنیاد کمک امید "
             "آینده حمایت اتحادیه مادران کودکان دهقانان عدالت مهارت کلینیک سواد همبستگی").split(),
    "pashto": ("ټولنه شبکه بنسټ پراختیا ښځو روغتیا زده‌کړه ځوانانو سوله اوبه کلیو همکاري مرسته "
               "هیله راتلونکې ملاتړ اتحادیه میندو ماشومانو بزګرانو عدالت مهارتونو").split(),
    "tajik": ("Ассотсиатсияи Ташкилоти ҷамъиятии занон тандурустӣ маориф ҷавонон сулҳ об деҳот "
              "ҳамкорӣ бунёди кӯмак умед ояндаи рушд модарон кӯдакон деҳқонон адолат малака").split(),
}
# Rare words (names of places and people, invented here from syllables) make most names
# distinctive, as in a real registry; the common words above stand for "association", "women"...
SYLLABLES = {
    "latin": "ba ka ra mi sho dan ul zar gul na ha bad khan ist or al sa fa ri du".split(),
    "dari": "با کا را می شو دان گل زر نا ها بد خان ست ور ال سا فا ری دو".split(),
    "pashto": "ښا ټو ډې ګل زر نا خان ور پا لو مه سپ غر وږ کو".split(),
    "tajik": "ба ка ра ми шо дон гул зар на ҳо бад хон ист ор ал са фа ри ду ҷо қа ғу".split(),
}
RARE_WORDS_PER_SCRIPT = 4000
LATIN_OF_TAJIK = {"ҳамкорӣ": "hamkori", "занон": "zanon", "ҷавонон": "javonon", "маориф": "maorif"}
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def phrase(rng: random.Random, script: str, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS[script]) for _ in range(rng.randint(low, high)))


def rare_words(seed: int = 3) -> dict[str, list[str]]:
    rng = random.Random(seed)
    found = {}
    for script, syllables in SYLLABLES.items():
        made: set[str] = set()
        while len(made) < RARE_WORDS_PER_SCRIPT:
            made.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
        found[script] = sorted(made)
    return found


RARE = rare_words()


def name(rng: random.Random, script: str) -> str:
    """One or two common words and one or two rare ones, like "Women Zargul Association"."""
    parts = [rng.choice(WORDS[script]) for _ in range(rng.randint(1, 2))]
    parts += [rng.choice(RARE[script]) for _ in range(rng.randint(1, 2))]
    rng.shuffle(parts)
    return " ".join(parts)


def text(rng: random.Random, script: str, low: int, high: int) -> str:
    """Descriptions and titles: common words and rare ones, half and half."""
    return " ".join(rng.choice(WORDS[script] if rng.random() < 0.5 else RARE[script])
                    for _ in range(rng.randint(low, high)))


async def generate(url: str, organisations: int, projects: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    ref = load_reference()
    sectors = [s.code for s in ref.sectors]
    places = {c.code: [p.code for p in ref.places_in(c.code)] for c in ref.countries}
    engine = make_engine(url)
    await upgrade_to_head(engine)
    scripts = list(WORDS)
    async with engine.begin() as connection:
        org_rows, org_sectors, org_places = [], [], []
        for number in range(1, organisations + 1):
            script = scripts[number % 4]
            country = "TJ" if script == "tajik" else "AF"
            org_rows.append({
                "id": number, "name": name(rng, script),
                "name_latin": name(rng, "latin") if rng.random() < 0.4 else None,
                "acronym": None, "kind": "ngo", "country": country,
                "women_led": rng.random() < 0.2, "youth_led": rng.random() < 0.1,
                "disability_led": False, "description": text(rng, script, 8, 25),
                "status": "verified" if rng.random() < 0.8 else "pending",
                "visibility": rng.choice(("public", "public", "network", "hidden")),
                "phone": "+93701234567", "created_at": NOW, "updated_at": NOW,
            })
            for position, code in enumerate(rng.sample(sectors, rng.randint(1, 3))):
                org_sectors.append({"organisation_id": number, "code": code, "position": position})
            for position, code in enumerate(rng.sample(places[country], rng.randint(1, 3))):
                org_places.append({"organisation_id": number, "code": code, "position": position})
        for table, rows in ((OrganisationRow, org_rows), (OrganisationSectorRow, org_sectors),
                            (OrganisationProvinceRow, org_places)):
            for start in range(0, len(rows), 5000):
                await connection.execute(insert(table), rows[start:start + 5000])
        project_rows, project_sectors, project_places = [], [], []
        for number in range(1, projects + 1):
            owner = org_rows[rng.randrange(organisations)]
            script = scripts[owner["id"] % 4]
            start = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
            project_rows.append({
                "id": number, "organisation_id": owner["id"], "title": text(rng, script, 3, 6),
                "status": rng.choice(("active", "active", "planned", "completed")),
                "start": start, "end": start + timedelta(days=365), "donor": None,
                "districts": None})
            project_sectors.append({"project_id": number, "code": rng.choice(sectors), "position": 0})
            project_places.append({"project_id": number, "position": 0,
                                   "code": rng.choice(places[owner["country"]])})
        for table, rows in ((ProjectRow, project_rows), (ProjectSectorRow, project_sectors),
                            (ProjectProvinceRow, project_places)):
            for start in range(0, len(rows), 5000):
                await connection.execute(insert(table), rows[start:start + 5000])
    await engine.dispose()


def queries(count: int, seed: int = 11) -> list[tuple[str, str, dict]]:
    """(kind, words, filters): what people look for. Mostly a distinctive word of a name, in
    its script or another, sometimes misspelt; also common words alone and filters only."""
    rng = random.Random(seed)
    ref = load_reference()
    mixed = []
    for number in range(count):
        kind = ("name word", "name word", "two words", "typo", "other script", "common word",
                "filters", "word and sector")[number % 8]
        script = rng.choice(list(WORDS))
        rare = rng.choice(RARE[script])
        if kind == "name word":
            mixed.append((kind, rare, {}))
        elif kind == "two words":
            mixed.append((kind, f"{rng.choice(WORDS[script])} {rare}", {}))
        elif kind == "typo":  # one letter dropped from a distinctive word
            word = rng.choice([w for w in RARE[script] if len(w) >= 6])
            cut = rng.randrange(1, len(word) - 1)
            mixed.append((kind, word[:cut] + word[cut + 1:], {}))
        elif kind == "other script":  # a Tajik word typed in Latin letters
            mixed.append((kind, rng.choice(list(LATIN_OF_TAJIK.values())), {}))
        elif kind == "common word":  # matches a large part of the registry
            mixed.append((kind, rng.choice(WORDS[script]), {}))
        elif kind == "filters":  # "who works on WASH in Balkh?"
            mixed.append((kind, "", {"sector": "wash", "province": rng.choice(
                [p.code for p in ref.places_in("AF")])}))
        else:
            mixed.append((kind, rare, {"sector": rng.choice(ref.sectors).code}))
    return mixed


async def search_latency(url: str, count: int) -> None:
    from bot.db.engine import UnitOfWorkFactory
    from bot.domain import lookup
    from bot.domain.entities import Role
    from bot.domain.permissions import Viewer
    from bot.domain.search import Filters, SearchIndex

    engine = make_engine(url)
    uow_factory = UnitOfWorkFactory(engine)
    index = SearchIndex()
    started = time.perf_counter()
    async with uow_factory() as uow:
        await lookup.refresh(uow, index, datetime.now(UTC))
    print(f"  index load: {len(index):,} organisations in {time.perf_counter() - started:.1f} s")
    # a user of a verified organisation: sees public and network organisations
    viewer = Viewer(user_id=1, roles={1: Role.MEMBER}, verified_org_ids=frozenset({1}))
    by_kind: dict[str, list[tuple[float, int]]] = {}
    for kind, words, filters in queries(count):
        started = time.perf_counter()
        async with uow_factory() as uow:
            page = await lookup.find(uow, index, viewer, words, Filters(**filters), 0,
                                     datetime.now(UTC))
        by_kind.setdefault(kind, []).append(((time.perf_counter() - started) * 1000, page.total))
    everything = [entry for entries in by_kind.values() for entry in entries]
    print(f"  search through lookup.find, {count} queries (index refresh, ranking, visibility, "
          "reading the page's rows):")
    for kind, entries in [("all", everything), *by_kind.items()]:
        timings = sorted(ms for ms, _ in entries)
        p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
        matches = statistics.median(total for _, total in entries)
        print(f"    {kind:16s} p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  max {timings[-1]:6.1f} ms"
              f"  (median {matches:.0f} matches)")
    await engine.dispose()


async def find_throughput(url: str, count: int) -> None:
    from telegram import Update

    from bot.app import Hamkari
    from bot.config import Settings
    from bot.console.fake_api import FakeBotApi, UpdateFactory
    from bot.domain.ratelimit import RateLimiter

    engine = make_engine(url)
    api = FakeBotApi()
    hamkari = Hamkari(Settings(_env_file=None, telegram_bot_token=None), request=api, engine=engine)
    application = hamkari.application
    await application.initialize()
    started = time.perf_counter()
    await hamkari.prepare()
    print(f"  start-up (migrations, command menus, index load): {time.perf_counter() - started:.1f} s")
    application.bot_data.lookup_limiter = RateLimiter(10**9, 1.0)  # measure search, not the limit
    users = [UpdateFactory(user_id=50_000 + i, language_code=("fa", "ps", "tg", "en")[i % 4])
             for i in range(100)]
    mixed = [words for _, words, _ in queries(count) if words]
    for number, words in enumerate(mixed):
        payload = users[number % len(users)].message(f"/find {words}")
        await application.update_queue.put(Update.de_json(payload, application.bot))
    api.take_calls()
    started = time.perf_counter()
    await application.start()
    while len(api.sent()) < len(mixed):  # noqa: ASYNC110 - polling the fake is the measurement
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await application.stop()
    await application.shutdown()
    await engine.dispose()
    print(f"  /find end to end ({len(mixed)} updates, 100 chats, fake Bot API): "
          f"{len(mixed) / elapsed:.0f} updates/s")


def process_memory() -> dict[str, float]:
    """Resident and peak resident memory in MB. Not getrusage: on Linux its peak survives exec,
    so a child started by the large generating process would report the parent's peak."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                found[key] = int(value.split()[0]) / 1024
    return found


async def startup_memory(url: str) -> None:
    """Run in a fresh process: RSS once the Application is up and the index holds everything."""
    from bot.app import Hamkari
    from bot.config import Settings
    from bot.console.fake_api import FakeBotApi, UpdateFactory

    hamkari = Hamkari(Settings(_env_file=None, telegram_bot_token=None, database_url=url),
                      request=FakeBotApi())
    await hamkari.application.initialize()
    await hamkari.prepare()
    from telegram import Update

    await hamkari.application.process_update(Update.de_json(
        UpdateFactory().message("/find hamkori"), hamkari.application.bot))
    size = len(hamkari.application.bot_data.search_index)
    memory = process_memory()
    print(f"  start-up memory with {size:,} organisations indexed: RSS {memory['VmRSS']:.0f} MB "
          f"(peak {memory['VmHWM']:.0f} MB)")
    await hamkari.application.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--memory-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_only:
        asyncio.run(startup_memory(args.memory_only))
        return
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'registry.sqlite3'}"
        print(f"Registry: {args.organisations:,} organisations, {args.projects:,} projects, "
              "four scripts, SQLite")
        started = time.perf_counter()
        asyncio.run(generate(url, args.organisations, args.projects))
        print(f"  generated in {time.perf_counter() - started:.0f} s")
        subprocess.run([sys.executable, "-m", "bench.lookups", "--memory-only", url], check=True)
        asyncio.run(search_latency(url, args.queries))
        asyncio.run(find_throughput(url, args.queries))


if __name__ == "__main__":
    main()
