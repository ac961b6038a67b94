"""The catalog tool must never lose a translation when it updates the catalogs."""

from __future__ import annotations

import shutil

from babel.messages.pofile import read_po

from bot.i18n import tool
from bot.i18n.catalogs import locales_dir, po_path


def test_update_keeps_every_plural_form_of_dari(tmp_path, monkeypatch):
    """pybabel believes Dari has one plural form; an update once dropped the second."""
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy)
    monkeypatch.setenv("HAMKARI_LOCALES_DIR", str(copy))

    def plural_forms(path):
        with path.open("rb") as file:
            catalog = read_po(file, locale="fa_AF")
        return {message.id: message.string for message in catalog if message.pluralizable}

    before = plural_forms(po_path("fa_AF", copy))
    assert before and all(len(forms) == 2 and all(forms) for forms in before.values())
    tool.update()
    assert plural_forms(po_path("fa_AF", copy)) == before
