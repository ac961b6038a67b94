"""Catalog maintenance: ``python -m bot.i18n.tool [extract|update|compile|all]``.

extract  writes locales/messages.pot from the code (gettext, ngettext, N_)
update   merges the .pot into each locale's .po and resets the Plural-Forms header
compile  compiles every .po (fuzzy entries left out) into a scratch directory and prints
         statistics; the bot itself compiles the .po files in memory at start-up
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from bot.i18n.catalogs import DOMAIN, locales_dir, po_path
from bot.i18n.locales import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]

# Written by hand because `pybabel init` gets them wrong (fa_AF gets nplurals=1, tg nothing);
# tests/i18n check them against CLDR.
PLURAL_FORMS: dict[str, str] = {
    "en": "nplurals=2; plural=(n != 1);",
    "fa_AF": "nplurals=2; plural=(n > 1);",
    "ps": "nplurals=2; plural=(n != 1);",
    "tg": "nplurals=2; plural=(n > 1);",
}


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(pot: Path | None = None) -> Path:
    pot = (pot or locales_dir() / f"{DOMAIN}.pot").resolve()
    with contextlib.chdir(ROOT):  # locations relative to the repository, not this machine
        _pybabel(
            "extract", "-F", "locales/babel.cfg", "-k", "N_",
            "-c", "TRANSLATORS:", "--add-location=file", "--sort-by-file",
            "--project=Hamkari", "--copyright-holder=Hamkari contributors",
            "--msgid-bugs-address=translations@hamkari.invalid", "--no-wrap",
            "-o", str(pot), "bot",
        )
    # Drop the creation date so an unchanged extraction leaves no diff.
    text = pot.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True)
             if not line.startswith('"POT-Creation-Date:')]
    pot.write_text("".join(lines), encoding="utf-8")
    return pot


def update() -> None:
    pot = locales_dir() / f"{DOMAIN}.pot"
    for locale in SUPPORTED_LOCALES:
        path = po_path(locale)
        if not path.exists():
            _pybabel("init", "-i", str(pot), "-d", str(locales_dir()), "-D", DOMAIN, "-l", locale)
        _pybabel("update", "-i", str(pot), "-d", str(locales_dir()), "-D", DOMAIN, "-l", locale,
                 "--no-wrap", "--ignore-obsolete",
                 # A guessed ("fuzzy") translation of a similar old msgid is usually wrong, and
                 # removing the flag by mistake ships it: new msgids start empty instead.
                 "--no-fuzzy-matching")
        normalise_header(path, locale)


def normalise_header(path: Path, locale: str) -> None:
    """Plural-Forms from our table, project name, and no fuzzy flag left on the header."""
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale)
    nplurals = int(PLURAL_FORMS[locale].split(";")[0].split("=")[1])
    expression = PLURAL_FORMS[locale].split("plural=", 1)[1].rstrip(";")
    catalog._num_plurals, catalog._plural_expr = nplurals, expression
    catalog.project, catalog.version, catalog.fuzzy = "Hamkari", "0.1", False
    with path.open("wb") as file:
        write_po(file, catalog, width=0, ignore_obsolete=True, include_previous=True)


def compile_all() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for locale in SUPPORTED_LOCALES:
            _pybabel("compile", "--statistics", "-i", str(po_path(locale)), "-o",
                     str(Path(scratch) / f"{locale}.mo"), "-l", locale)


def main(argv: list[str]) -> int:
    steps = argv or ["all"]
    for step in steps:
        if step in {"extract", "all"}:
            extract()
        if step in {"update", "all"}:
            update()
        if step in {"compile", "all"}:
            compile_all()
        if step not in {"extract", "update", "compile", "all"}:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
