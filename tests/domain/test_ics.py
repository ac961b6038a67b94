"""The .ics file parsed back with a tiny RFC 5545 reader (unfold, split, unescape)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.ics import file_name, meeting_file

KABUL = ZoneInfo("Asia/Kabul")
NOW = datetime(2026, 11, 20, 8, 15, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 10, 0, tzinfo=KABUL)
DARI = "نشست هماهنگی کلستر امنیت غذایی، ولایت هرات؛ می‌خواهیم برنامه‌های زمستانی را بررسی کنیم"
TAJIK = "Ҷаласаи ҳамоҳангсозӣ оид ба амнияти озуқаворӣ дар вилояти Хатлон, нақшаҳои зимистона"


def make(**overrides) -> bytes:
    args = dict(uid="meeting-42-20261203@hamkari", title="Food security cluster",
                starts_at=START, ends_at=START + timedelta(hours=1, minutes=30), now=NOW)
    return meeting_file(**{**args, **overrides})


def unfold(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare LF or CR anywhere
    return text[:-2].replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def parse(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(calendar properties, event properties); names keep their parameters, e.g. 'X;CN=..'."""
    calendar: dict[str, str] = {}
    event: dict[str, str] = {}
    lines = unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1 and "BEGIN:VALARM" not in lines
    target = calendar
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            target = event
        elif line == "END:VEVENT":
            target = calendar
        else:
            assert name not in target, f"{name} twice"
            target[name] = value
    return calendar, event


def text_of(event: dict[str, str], name: str) -> str:
    return unescape(event[name])


def test_required_properties_and_utc_times():
    calendar, event = parse(make(sequence=3))
    assert calendar == {"VERSION": "2.0", "PRODID": "-//Hamkari//Meetings//EN",
                        "CALSCALE": "GREGORIAN", "METHOD": "PUBLISH"}
    # Kabul is UTC+04:30 all year, so 10:00 there is 05:30 UTC.
    assert event["DTSTART"] == "20261203T053000Z"
    assert event["DTEND"] == "20261203T070000Z"
    assert event["DTSTAMP"] == "20261120T081500Z"
    assert event["UID"] == "meeting-42-20261203@hamkari"
    assert event["SUMMARY"] == "Food security cluster"
    assert event["SEQUENCE"] == "3"
    assert event["STATUS"] == "CONFIRMED"
    assert not {"LOCATION", "DESCRIPTION", "URL"} & event.keys()
    assert not any(name.startswith("ORGANIZER") for name in event)


def test_optional_properties_and_organizer_leads_description():
    _, event = parse(make(location="UN House, Kabul", description="Agenda:\n1. Winter plans",
                          url="https://example.org/m?a=1,2;b=3", organizer_name="WFP Afghanistan"))
    assert text_of(event, "LOCATION") == "UN House, Kabul"
    assert text_of(event, "DESCRIPTION") == "WFP Afghanistan\n\nAgenda:\n1. Winter plans"
    assert event["URL"] == "https://example.org/m?a=1,2;b=3"  # URIs are not TEXT-escaped
    _, only_name = parse(make(organizer_name="OCHA"))
    assert text_of(only_name, "DESCRIPTION") == "OCHA"


def test_cancelled_variant():
    calendar, event = parse(make(cancelled=True, sequence=1))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == "1"


def test_text_escaping():
    raw = make(title=r"a,b;c\d", description="line one\nline two; with, commas \\ slash")
    _, event = parse(raw)
    assert event["SUMMARY"] == r"a\,b\;c\\d"
    assert event["DESCRIPTION"] == r"line one\nline two\; with\, commas \\ slash"
    assert text_of(event, "SUMMARY") == r"a,b;c\d"
    assert text_of(event, "DESCRIPTION") == "line one\nline two; with, commas \\ slash"


def test_bidi_controls_and_zero_width_stripped_but_persian_zwnj_kept():
    dirty = "\u202eنشست\u202c \u2066Kabul\u2069 \u200bمی\u200cخواهیم\u200d\ufeff\x07"
    _, event = parse(make(title=dirty, location="\u202aHerat\u202c", description="a\x00\u2067b\u2069"))
    assert text_of(event, "SUMMARY") == "نشست Kabul می\u200cخواهیم"
    assert text_of(event, "LOCATION") == "Herat"
    assert text_of(event, "DESCRIPTION") == "ab"


@pytest.mark.parametrize("text", [DARI, TAJIK, "ab" + "😀" * 40])
def test_folding_at_75_octets_on_character_boundaries(text):
    raw = make(title=text, description=f"{text}\n{text}, {text}", location=text)
    physical = raw.decode("utf-8").split("\r\n")[:-1]  # decoding proves no character was split
    assert all(len(line.encode()) <= 75 for line in physical)
    assert any(len(line.encode()) > 70 for line in physical)  # lines are filled, not cut short
    for line in physical:  # every physical line is a property start or a continuation
        assert line.startswith(" ") or re.match(r"^[A-Z-]+[:;]", line), line
    _, event = parse(raw)
    assert text_of(event, "SUMMARY") == text
    assert text_of(event, "LOCATION") == text
    assert text_of(event, "DESCRIPTION") == f"{text}\n{text}, {text}"


def test_naive_or_backwards_times_are_rejected():
    with pytest.raises(ValueError):
        make(starts_at=datetime(2026, 12, 3, 10, 0))
    with pytest.raises(ValueError):
        make(ends_at=START - timedelta(minutes=1))


@pytest.mark.parametrize(("title", "expected"), [
    ("Food Security Cluster — Kabul 2026!", "food-security-cluster-kabul-2026.ics"),
    ("Réunion d'équipe", "reunion-d-equipe.ics"),
    (DARI, "meeting.ics"),
    (TAJIK, "meeting.ics"),
    ("", "meeting.ics"),
    ("WASH " + "x" * 60, "wash-" + "x" * 35 + ".ics"),
    ("a" * 39 + " b", "a" * 39 + ".ics"),
])
def test_file_name(title, expected):
    assert file_name(title) == expected
