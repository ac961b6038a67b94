"""Reading an import file: bytes -> text -> table -> canonical rows.

Text must be Unicode: UTF-8 with or without a byte-order mark, or UTF-16/UTF-32 with one (what
Excel's "Unicode text" writes). Anything else is refused with a reason instead of being guessed:
a Windows code page (cp1252 or cp1256) decodes any bytes into some text, so a wrong guess would
store mojibake names for good. Cells are only ever read as text; a formula is not evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from bot.bulk.headers import THREE_W_TAGS, hxl_column, is_hxl_row, member_column
from bot.domain.bulk import MEMBER_REQUIRED, Layout, SourceRow

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_ZIP = b"PK\x03\x04"  # .xlsx and .ods are zip files
_OLE = b"\xd0\xcf\x11\xe0"  # old .xls
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 5
# Our own export escapes formula-like cells with an apostrophe; reading it back removes it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileRefused(Exception):
    """The whole file cannot be read. ``reason``: empty, spreadsheet, binary, not_utf8,
    malformed, missing_columns; ``line`` where it went wrong, ``columns`` what is missing."""

    def __init__(self, reason: str, *, line: int | None = None,
                 columns: tuple[str, ...] = ()) -> None:
        super().__init__(reason, line, columns)
        self.reason = reason
        self.line = line
        self.columns = columns


@dataclass(frozen=True)
class ParsedFile:
    layout: Layout
    rows: list[SourceRow]
    headers: dict[str, str]  # canonical column -> the header as written in the file
    ignored: tuple[str, ...]  # headers of columns nothing is read from


def decode(data: bytes) -> str:
    if not data.strip():
        raise FileRefused("empty")
    if data.startswith((_ZIP, _OLE)):
        raise FileRefused("spreadsheet")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise FileRefused("not_utf8", line=_line_of(data, error.start)) from None
    if b"\x00" in data[:4096]:  # UTF-16 without a byte-order mark, or not text at all
        raise FileRefused("binary")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRefused("not_utf8", line=_line_of(data, error.start)) from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _delimiter(text: str) -> str:
    """Comma, or the semicolon Excel writes in locales with a decimal comma, or a tab: the one
    that splits a top line into a header we know, else the one the first line uses most.
    (Counting alone misleads: cells of a comma file hold "Balkh; Kunduz" lists.)"""
    top = text.splitlines()[:HEADER_SEARCH_ROWS]
    for delimiter in DELIMITERS:
        if any(is_hxl_row(cells) or _is_member_header(cells)
               for cells in csv.reader(top, delimiter=delimiter)):
            return delimiter
    return max(DELIMITERS, key=top[0].count)


def _is_member_header(cells: list[str]) -> bool:
    return set(MEMBER_REQUIRED) <= {member_column(cell) for cell in cells}


def read_csv(data: bytes) -> list[list[str]]:
    text = decode(data)
    # strict: a quote never closed is an error, not the rest of the file swallowed into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        return [[_unescape(cell) for cell in record] for record in reader]
    except csv.Error:  # an unclosed quote, text after a closing quote, a cell over the size limit
        raise FileRefused("malformed", line=reader.line_num) from None


def _unescape(cell: str) -> str:
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def recognise(records: list[list[str]]) -> ParsedFile:
    """A 3W file if row 1 or 2 is an HXL hashtag row, else a member list by its headers."""
    for index in (0, 1):
        if index < len(records) and is_hxl_row(records[index]):
            return _three_w(records, index)
    if not records:
        raise FileRefused("empty")
    return _member_list(records)


def _columns(headers: list[str], column_of) -> tuple[dict[int, str], list[int]]:
    """Position -> canonical column, and the positions of named columns nothing is read from."""
    positions: dict[int, str] = {}
    ignored = []
    for position, header in enumerate(headers):
        column = column_of(header)
        if column is None or column in positions.values():
            if header.strip():
                ignored.append(position)
            continue
        positions[position] = column
    return positions, ignored


def _header(records: list[list[str]], row: int, position: int) -> str:
    return records[row][position].strip() if position < len(records[row]) else ""


def _rows(records: list[list[str]], first: int, positions: dict[int, str]) -> list[SourceRow]:
    rows = []
    for index in range(first, len(records)):
        record = records[index]
        if not any(cell.strip() for cell in record):
            continue
        values = {column: record[position] for position, column in positions.items()
                  if position < len(record)}
        rows.append(SourceRow(index + 1, values))
    return rows


def _member_list(records: list[list[str]]) -> ParsedFile:
    """The header is the first of the top rows naming every required column: lists often
    start with a title row or two."""
    for header_row in range(min(HEADER_SEARCH_ROWS, len(records))):
        if _is_member_header(records[header_row]):
            positions, ignored = _columns(records[header_row], member_column)
            break
    else:
        positions, ignored = _columns(records[0], member_column)
        missing = tuple(column for column in MEMBER_REQUIRED if column not in positions.values())
        raise FileRefused("missing_columns", line=1, columns=missing)
    written = {column: _header(records, header_row, position)
               for position, column in positions.items()}
    return ParsedFile(Layout.MEMBER_LIST, _rows(records, header_row + 1, positions), written,
                      tuple(_header(records, header_row, position) for position in ignored))


def _three_w(records: list[list[str]], tag_row: int) -> ParsedFile:
    positions, _tagged_but_unused = _columns(records[tag_row], hxl_column)
    found = set(positions.values())
    missing = tuple(THREE_W_TAGS[options[0]] for options in (
        ("org_name",), ("adm1_code", "adm1_name"), ("sector_code", "sector_name"))
        if not found.intersection(options))
    if missing:
        raise FileRefused("missing_columns", line=tag_row + 1, columns=missing)

    def name(position: int) -> str:
        # The human header above the hashtags says more to people than the hashtag does.
        return (tag_row == 1 and _header(records, 0, position)) or _header(records, tag_row, position)

    width = max(len(records[row]) for row in range(tag_row + 1))
    unused = tuple(name(p) for p in range(width) if p not in positions and name(p))
    return ParsedFile(Layout.THREE_W, _rows(records, tag_row + 1, positions),
                      {column: name(position) for position, column in positions.items()}, unused)


def parse(data: bytes) -> ParsedFile:
    return recognise(read_csv(data))
