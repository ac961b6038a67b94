"""Texts, files and keyboards of bulk import and export for platform administrators."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.bulk.reading import FileRefused, ParsedFile
from bot.bulk.report import refusal, report_lines, summary_lines
from bot.domain.bulk import ImportPlan
from bot.i18n import Translator
from bot.i18n.text import isolate, isolate_plain
from bot.tg.registry_views import button

IMPORT_PREFIX = "imp"


def not_for_you(t: Translator) -> str:
    return t.gettext("Thank you for the file. Only the platform's administrators can import lists "
                     "of organisations. To add your own organisation, send /register.")


def too_big(t: Translator, limit_mb: int) -> str:
    return t.gettext("This file is too big: the limit is {size} MB. Split it into smaller files "
                     "and send them one at a time.").format(size=isolate(limit_mb))


def refused(t: Translator, error: FileRefused) -> str:
    text = refusal(t, error, isolate)
    if error.reason == "missing_columns":
        text += "\n" + t.gettext("Send /import to get the template with every column.")
    return text


def dry_run(t: Translator, plan: ImportPlan, parsed: ParsedFile, file_name: str) -> str:
    lines = [t.gettext("<b>Dry run of {file}</b>: nothing has been written yet.").format(
        file=isolate(file_name)), ""]
    lines += summary_lines(t, plan, parsed, isolate)
    lines.append("")
    if plan.organisations:
        lines.append(t.gettext(
            "Press Import to create them. Invalid rows and duplicates are skipped; the rest is "
            "written all at once, or nothing is if anything fails. Imported organisations are "
            "verified and visible to users of verified organisations."))
    else:
        lines.append(t.gettext("There is nothing new to import."))
    return "\n".join(lines)


def import_keyboard(t: Translator, token: str) -> InlineKeyboardMarkup:
    # TRANSLATORS: buttons under a dry run: write the file's new organisations, or drop it.
    import_label, cancel_label = t.gettext("Import"), t.gettext("Cancel")
    return InlineKeyboardMarkup([[button(import_label, f"{IMPORT_PREFIX}:go:{token}"),
                                  button(cancel_label, f"{IMPORT_PREFIX}:no:{token}")]])


def imported(t: Translator, plan: ImportPlan, parsed: ParsedFile, file_name: str) -> str:
    lines = [t.gettext("<b>Imported {file}.</b>").format(file=isolate(file_name)), ""]
    lines += summary_lines(t, plan, parsed, isolate)
    return "\n".join(lines)


def import_cancelled(t: Translator) -> str:
    return t.gettext("Import cancelled. Nothing was written.")


def report_caption(t: Translator, plan: ImportPlan) -> str:
    return (t.gettext("Row-by-row report of the import.") if plan.applied
            else t.gettext("Row-by-row report of the dry run."))


def report_file(t: Translator, plan: ImportPlan, parsed: ParsedFile, file_name: str) -> bytes:
    """Plain text, one line per row; names isolated so Dari and Latin read right together."""
    title = (t.gettext("Import of {file}") if plan.applied
             else t.gettext("Dry run of {file}: nothing has been written yet."))
    lines = [title.format(file=isolate_plain(file_name)), ""]
    lines += report_lines(t, plan, parsed, isolate_plain)
    lines += ["", *summary_lines(t, plan, parsed, isolate_plain)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def report_file_name(plan: ImportPlan) -> str:
    return "import-report.txt" if plan.applied else "import-dry-run.txt"


def import_help(t: Translator) -> str:
    return "\n".join([
        t.gettext("<b>Importing organisations</b>"),
        "",
        t.gettext("Fill in the template below: one organisation per row. Provinces and sectors "
                  "may be written as names in any of the four languages or as codes; separate "
                  "several with a semicolon (;). Save it as \"CSV UTF-8\" and send the file "
                  "here."),
        t.gettext("OCHA \"who does what where\" (3W) operational-presence CSV files are accepted "
                  "as published."),
        t.gettext("First you get a dry run: row by row, what would be created, what is already "
                  "in the registry and what is invalid. Nothing is written until you press "
                  "Import."),
    ])


def template_caption(t: Translator) -> str:
    return t.gettext("Member-list template")


def export_caption(t: Translator, count: int) -> str:
    return t.ngettext(
        "{count} organisation, with contact details. Keep this file safe and delete it from "
        "the chat when you no longer need it.",
        "{count} organisations, with contact details. Keep this file safe and delete it from "
        "the chat when you no longer need it.", count).format(count=isolate(count))
