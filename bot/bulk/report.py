"""An import plan and a refused file in words, in the reader's language.

The bot renders them for the administrator who sent the file, the command line in English.
Column names are shown as the file wrote them, so the reader finds the cell.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.bulk.reading import FileRefused, ParsedFile
from bot.domain.bulk import ImportPlan, Outcome, Problem, RowReport
from bot.i18n import N_, Translator

Wrap = Callable[[object], str]  # marks an inserted value: bidi isolation, HTML escaping
MAX_IGNORED_SHOWN = 12  # a summary must stay within one Telegram message

SIMPLE_PROBLEMS: dict[str, str] = {
    "missing": N_("{column}: empty, but required"),
    "unknown": N_("{column}: {value} is not on the registry's list"),
    "not_yes_no": N_("{column}: {value} is neither yes nor no"),
    "mixed_countries": N_("{column}: provinces of two countries; write the country"),
    "wrong_country": N_("{column}: {value} is not in the organisation's country"),
    "other_country": N_("{column}: a different country than row {row} of the same organisation"),
    "no_letters": N_("{column}: needs letters"),
    "not_latin": N_("{column}: only Latin letters, digits and . , & ' ( ) / - are allowed"),
    "bad_characters": N_("{column}: only letters, digits and . & - / are allowed"),
    "not_a_year": N_("{column}: {value} is not a year"),
    "out_of_range": N_("{column}: the year must be between {minimum} and {maximum}"),
    "not_a_phone": N_("{column}: {value} is not a phone number"),
    "not_an_email": N_("{column}: {value} is not an email address"),
    "not_a_website": N_("{column}: {value} is not a website address"),
    "not_a_username": N_("{column}: {value} is not a Telegram username"),
}
REFUSALS: dict[str, str] = {
    "empty": N_("The file is empty."),
    "spreadsheet": N_("This is a spreadsheet workbook, not a CSV file. In Excel choose File, "
                      "Save As, \"CSV UTF-8 (Comma delimited)\"; in LibreOffice choose Save As, "
                      "\"Text CSV\" and the character set \"Unicode (UTF-8)\"."),
    "binary": N_("This is not a text file, or it is UTF-16 text without a byte-order mark. "
                 "Save it as \"CSV UTF-8\" and send it again."),
    "not_utf8": N_("The file is not saved as UTF-8 (first wrong character on line {line}), so "
                   "Dari, Pashto and Tajik letters would be garbled. In Excel choose File, Save "
                   "As, \"CSV UTF-8 (Comma delimited)\"; in LibreOffice choose the character set "
                   "\"Unicode (UTF-8)\"."),
    "malformed": N_("The file is not valid CSV near line {line}: a quote is not closed, or a "
                    "cell is far too long."),
}


def plain(value: object) -> str:
    return str(value)


def column_label(parsed: ParsedFile, column: str) -> str:
    return parsed.headers.get(column, column)


def problem_text(t: Translator, problem: Problem, column: str, wrap: Wrap) -> str:
    values = {"column": wrap(column), "value": wrap(problem.value or ""),
              "minimum": wrap(problem.minimum), "maximum": wrap(problem.maximum),
              "row": wrap(problem.other_row)}
    if problem.reason == "too_short":
        return t.ngettext("{column}: too short, at least {minimum} character",
                          "{column}: too short, at least {minimum} characters",
                          problem.minimum or 1).format(**values)
    if problem.reason == "too_long":
        return t.ngettext("{column}: too long, {actual} where the limit is {maximum} character",
                          "{column}: too long, {actual} where the limit is {maximum} characters",
                          problem.maximum or 0).format(actual=wrap(problem.actual), **values)
    template = SIMPLE_PROBLEMS.get(problem.reason, N_("{column}: {value} cannot be used"))
    return t.gettext(template).format(**values)


def row_line(t: Translator, report: RowReport, plan: ImportPlan, parsed: ParsedFile,
             wrap: Wrap = plain) -> str:
    row, name = wrap(report.number), wrap(report.name or "")
    if report.outcome is Outcome.CREATE:
        planned = plan.organisation_created_by(report.number)
        if planned is not None and planned.id is not None:
            line = t.gettext("Row {row}: created {name} as #{id}").format(
                row=row, name=name, id=wrap(planned.id))
        else:
            line = t.gettext("Row {row}: new organisation {name}").format(row=row, name=name)
        if planned is not None and planned.districts_shortened:
            line += " " + t.gettext("(its list of districts was shortened to fit)")
        return line
    if report.outcome is Outcome.MERGE:
        return t.gettext("Row {row}: same organisation as row {first}, added to it").format(
            row=row, first=wrap(report.first_row))
    if report.outcome is Outcome.DUPLICATE:
        return t.gettext("Row {row}: {name} is already in the registry as #{id}; skipped").format(
            row=row, name=name, id=wrap(report.existing_id))
    problems = "; ".join(problem_text(t, problem, column_label(parsed, problem.column), wrap)
                         for problem in report.problems)
    return t.gettext("Row {row}: invalid, skipped: {problems}").format(row=row, problems=problems)


def report_lines(t: Translator, plan: ImportPlan, parsed: ParsedFile, wrap: Wrap = plain
                 ) -> list[str]:
    return [row_line(t, report, plan, parsed, wrap) for report in plan.rows]


def summary_lines(t: Translator, plan: ImportPlan, parsed: ParsedFile, wrap: Wrap = plain
                  ) -> list[str]:
    created = len(plan.organisations)
    lines = [t.ngettext("{count} row read.", "{count} rows read.", len(plan.rows)).format(
        count=wrap(len(plan.rows)))]
    if plan.applied:
        lines.append(t.ngettext("{count} organisation created.", "{count} organisations created.",
                                created).format(count=wrap(created)))
    else:
        lines.append(t.ngettext("{count} organisation would be created.",
                                "{count} organisations would be created.",
                                created).format(count=wrap(created)))
    merged, duplicates, invalid = (plan.count(outcome) for outcome in (
        Outcome.MERGE, Outcome.DUPLICATE, Outcome.INVALID))
    if merged:
        lines.append(t.ngettext("{count} row adds to the organisation of an earlier row.",
                                "{count} rows add to organisations of earlier rows.",
                                merged).format(count=wrap(merged)))
    if duplicates:
        lines.append(t.ngettext("{count} row is already in the registry and is skipped.",
                                "{count} rows are already in the registry and are skipped.",
                                duplicates).format(count=wrap(duplicates)))
    if invalid:
        lines.append(t.ngettext("{count} row is invalid and is skipped.",
                                "{count} rows are invalid and are skipped.",
                                invalid).format(count=wrap(invalid)))
    if parsed.ignored:
        shown = [*parsed.ignored[:MAX_IGNORED_SHOWN],
                 *(["…"] if len(parsed.ignored) > MAX_IGNORED_SHOWN else [])]
        lines.append(t.gettext("Columns not used: {columns}").format(columns=wrap(", ".join(shown))))
    return lines


def refusal(t: Translator, error: FileRefused, wrap: Wrap = plain) -> str:
    if error.reason == "missing_columns":
        return t.ngettext(
            "The file cannot be imported: the column {columns} is missing (looked for in row "
            "{line}).",
            "The file cannot be imported: the columns {columns} are missing (looked for in row "
            "{line}).", len(error.columns)).format(columns=wrap(", ".join(error.columns)),
                                                   line=wrap(error.line))
    return t.gettext(REFUSALS[error.reason]).format(line=wrap(error.line))
