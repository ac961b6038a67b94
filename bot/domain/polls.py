"""Quick polls across a body's members: the rules that do not depend on Telegram. A poll is asked
as a native Telegram poll in each recipient's private chat; named polls report each answer
(``poll_answer``), anonymous ones only each message's running totals (``poll`` updates). The
totals across every recipient are worked out here, and so is who has not answered yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain import validation
from bot.domain.errors import InvalidValue

# Telegram's sendPoll limits; checked before anything is sent, with the limit in the error.
QUESTION_MAX = 300
OPTION_MAX = 100
OPTIONS_MIN = 2
OPTIONS_MAX = 12
FIRST = "*"  # the version written first, for everyone whose language has none


class Counting(StrEnum):
    PER_USER = "user"  # every person's answer counts
    PER_ORGANISATION = "organisation"  # one answer per organisation: the latest of its people


def question(value: str) -> str:
    return validation.text_field("poll_question", value, QUESTION_MAX)


def option(value: str) -> str:
    return validation.text_field("poll_option", value, OPTION_MAX)


def options(values: Iterable[str]) -> tuple[str, ...]:
    """2 to 12 options, each within Telegram's limit, none repeated (Telegram refuses those)."""
    cleaned = tuple(option(value) for value in values)
    if len(cleaned) < OPTIONS_MIN:
        raise InvalidValue("poll_options", "too_few", minimum=OPTIONS_MIN, actual=len(cleaned))
    if len(cleaned) > OPTIONS_MAX:
        raise InvalidValue("poll_options", "too_many", maximum=OPTIONS_MAX, actual=len(cleaned))
    if len({value.casefold() for value in cleaned}) != len(cleaned):
        raise InvalidValue("poll_options", "repeated")
    return cleaned


def version(question_text: str, option_texts: Iterable[str], first_options: int) -> tuple[
        str, tuple[str, ...]]:
    """A version in another language: the same number of options, in the same order."""
    translated = options(option_texts)
    if len(translated) != first_options:
        raise InvalidValue("poll_options", "count_differs", minimum=first_options,
                           maximum=first_options, actual=len(translated))
    return question(question_text), translated


@dataclass(frozen=True, slots=True)
class Vote:
    """A named poll's standing answer of one person; an empty ``choices`` was retracted."""

    user_id: int
    organisation_id: int | None
    choices: tuple[int, ...]
    at: datetime


@dataclass(slots=True)
class Results:
    counts: list[int]  # per option
    voters: int  # people (or organisations) whose answer counts

    def add(self, vote: Vote) -> None:
        self.voters += 1
        for index in set(vote.choices):
            if 0 <= index < len(self.counts):
                self.counts[index] += 1

    def percent(self, index: int) -> int:
        """Of the voters: with several choices allowed the percentages may add up to more."""
        return round(100 * self.counts[index] / self.voters) if self.voters else 0


def counted(votes: Iterable[Vote], counting: Counting) -> list[Vote]:
    """The answers that count: each person's latest (a retraction removes it); per organisation,
    the latest standing answer among its people, so a retraction falls back to a colleague's."""
    latest: dict[int, Vote] = {}
    for vote in sorted(votes, key=lambda v: v.at):
        latest[vote.user_id] = vote
    standing = [vote for vote in latest.values() if vote.choices]
    if counting is Counting.PER_USER:
        return standing
    by_organisation: dict[int | None, Vote] = {}
    for vote in sorted(standing, key=lambda v: v.at):
        if vote.organisation_id is not None:
            by_organisation[vote.organisation_id] = vote
    return list(by_organisation.values())


def tally(votes: Iterable[Vote], counting: Counting, option_count: int) -> Results:
    results = Results(counts=[0] * option_count, voters=0)
    for vote in counted(votes, counting):
        results.add(vote)
    return results


def tally_anonymous(message_totals: Iterable[tuple[list[int], int]], option_count: int) -> Results:
    """Sum of each poll message's latest totals (per option, voters) from ``poll`` updates."""
    results = Results(counts=[0] * option_count, voters=0)
    for counts, voters in message_totals:
        results.voters += voters
        for index, count in enumerate(counts[:option_count]):
            results.counts[index] += count
    return results


@dataclass(slots=True)
class Breakdown:
    """A named poll's results per province and per sector of the answering organisations."""

    by_province: dict[str, Results] = field(default_factory=dict)
    by_sector: dict[str, Results] = field(default_factory=dict)


def breakdown(votes: Iterable[Vote], counting: Counting, option_count: int,
              places: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]) -> Breakdown:
    """``places``: organisation id -> (provinces, sectors). An organisation working in two
    provinces counts in both."""
    found = Breakdown()
    for vote in counted(votes, counting):
        provinces, sectors = places.get(vote.organisation_id, ((), ()))
        for table, keys in ((found.by_province, provinces), (found.by_sector, sectors)):
            for key in keys:
                table.setdefault(key, Results([0] * option_count, 0)).add(vote)
    return found


def not_answered(recipients: Iterable[tuple[int, int | None]], votes: Iterable[Vote],
                 counting: Counting) -> list[int]:
    """User ids, of ``(user, organisation)`` recipients, still without a counted answer; per
    organisation, nobody of an organisation that has answered is asked again."""
    answered = counted(votes, counting)
    people = {vote.user_id for vote in answered}
    organisations = {vote.organisation_id for vote in answered}
    return sorted(user for user, organisation in recipients
                  if user not in people and not (counting is Counting.PER_ORGANISATION
                                                 and organisation in organisations))
