"""An RFC 5545 iCalendar file for one meeting occurrence, so people can add it to their calendar.

Text goes through the same cleaning as stored text (bot.domain.text): bidi overrides and isolates,
zero-width spaces and joiners and other controls are dropped because calendar apps show them as
boxes or let them reorder the line; the zero-width non-joiner stays, since Dari and Tajik-Persian
spelling needs it (as in «می‌کند»).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from bot.domain.text import clean_multiline, clean_text

PRODID = "-//Hamkari//Meetings//EN"
LINE_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT exceed 75 octets, excluding the CRLF
_TEXT_SPECIALS = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def meeting_file(*, uid: str, title: str, starts_at: datetime, ends_at: datetime, now: datetime,
                 location: str | None = None, description: str | None = None,
                 url: str | None = None, sequence: int = 0, cancelled: bool = False,
                 organizer_name: str | None = None) -> bytes:
    """The .ics bytes (UTF-8, CRLF). Re-send with a higher ``sequence`` (same ``uid``) when the
    meeting changes, so calendars update the entry instead of adding a second one."""
    start, end = _utc(starts_at), _utc(ends_at)  # checks awareness before the comparison
    if ends_at < starts_at:
        raise ValueError("a meeting cannot end before it starts")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
    # ORGANIZER needs a mailto: address, which we never have, so the name leads the description.
    parts = [clean_multiline(p) for p in (organizer_name, description) if p]
    body = "\n\n".join(p for p in parts if p)
    event = [
        ("UID", _text(clean_text(uid))),
        ("DTSTAMP", _utc(now)),
        ("DTSTART", start),
        ("DTEND", end),
        ("SUMMARY", _text(clean_text(title))),
        ("SEQUENCE", str(sequence)),
        ("STATUS", "CANCELLED" if cancelled else "CONFIRMED"),
    ]
    if location and (place := clean_text(location)):
        event.append(("LOCATION", _text(place)))
    if body:
        event.append(("DESCRIPTION", _text(body)))
    # A URI is not TEXT: commas and semicolons are legal in it and must not be escaped.
    if url and (link := "".join(url.split())) and link.isprintable():
        event.append(("URL", link))
    lines = [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "CANCEL" if cancelled else "PUBLISH"),
        ("BEGIN", "VEVENT"),
        *event,
        ("END", "VEVENT"),
        ("END", "VCALENDAR"),
    ]
    return b"".join(_fold(f"{name}:{value}") for name, value in lines)


def file_name(title: str) -> str:
    """A name every mail client and phone keeps intact: the title's Latin letters and digits."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = _NOT_SLUG.sub("-", ascii_title).strip("-")[:40].rstrip("-")
    return f"{slug or 'meeting'}.ics"


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("meeting times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """RFC 5545 3.3.11 escaping; the cleaning already turned every line break into \\n."""
    return value.translate(_TEXT_SPECIALS)


def _fold(line: str) -> bytes:
    """One content line, folded at 75 octets on character boundaries (3.1)."""
    out, chunk, size = [], [], 0
    for ch in line:
        width = len(ch.encode())
        if size + width > LINE_OCTETS:
            out.append("".join(chunk))
            chunk, size = [" "], 1  # the continuation's leading space counts towards the limit
        chunk.append(ch)
        size += width
    out.append("".join(chunk))
    return "\r\n".join(out).encode() + b"\r\n"
