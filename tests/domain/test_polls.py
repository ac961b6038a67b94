"""Poll rules without Telegram: Telegram's limits, and totals with changed and retracted answers,
per person and per organisation, named and anonymous, with breakdowns and non-responders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import polls
from bot.domain.errors import InvalidValue
from bot.domain.polls import Counting, Vote

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_telegrams_limits_are_checked_with_the_limit_in_the_error():
    assert polls.question("  Which day suits you?  ") == "Which day suits you?"
    with pytest.raises(InvalidValue) as error:
        polls.question("x" * 301)
    assert (error.value.reason, error.value.maximum, error.value.actual) == ("too_long", 300, 301)
    with pytest.raises(InvalidValue) as error:
        polls.options(["Yes", "y" * 101])
    assert (error.value.field, error.value.maximum) == ("poll_option", 100)
    with pytest.raises(InvalidValue) as error:
        polls.options(["Only one"])
    assert (error.value.reason, error.value.minimum) == ("too_few", 2)
    with pytest.raises(InvalidValue) as error:
        polls.options([str(n) for n in range(13)])
    assert (error.value.reason, error.value.maximum) == ("too_many", 12)
    with pytest.raises(InvalidValue) as error:
        polls.options(["Yes", "yes "])
    assert error.value.reason == "repeated"
    assert polls.options(["بلی", "نخیر"]) == ("بلی", "نخیر")


def test_a_version_in_another_language_keeps_the_number_of_options():
    assert polls.version("کدام روز؟", ["شنبه", "یکشنبه"], 2) == ("کدام روز؟", ("شنبه", "یکشنبه"))
    with pytest.raises(InvalidValue) as error:
        polls.version("کدام روز؟", ["شنبه", "یکشنبه", "دوشنبه"], 2)
    assert (error.value.reason, error.value.actual) == ("count_differs", 3)


def test_per_person_a_changed_answer_replaces_the_old_and_a_retraction_removes_it():
    votes = [Vote(1, 10, (0,), at(1)), Vote(2, 10, (1,), at(2)), Vote(3, 20, (1,), at(3)),
             Vote(1, 10, (1,), at(4)),  # changed from option 0
             Vote(3, 20, (), at(5))]  # retracted
    results = polls.tally(votes, Counting.PER_USER, 3)
    assert (results.counts, results.voters) == ([0, 2, 0], 2)
    assert results.percent(1) == 100 and results.percent(0) == 0


def test_per_organisation_the_latest_standing_answer_of_its_people_counts():
    votes = [Vote(1, 10, (0,), at(1)), Vote(2, 10, (1,), at(2)),  # org 10: the later says 1
             Vote(3, 20, (2,), at(3))]
    assert polls.tally(votes, Counting.PER_ORGANISATION, 3).counts == [0, 1, 1]
    # The later voter of org 10 retracts: the colleague's earlier answer stands again.
    votes.append(Vote(2, 10, (), at(4)))
    results = polls.tally(votes, Counting.PER_ORGANISATION, 3)
    assert (results.counts, results.voters) == ([1, 0, 1], 2)


def test_several_choices_count_once_each_and_percentages_are_of_voters():
    votes = [Vote(1, 10, (0, 1), at(1)), Vote(2, 20, (1,), at(2)), Vote(3, 30, (1, 1, 2), at(3))]
    results = polls.tally(votes, Counting.PER_USER, 3)
    assert results.counts == [1, 3, 1]
    assert [results.percent(i) for i in range(3)] == [33, 100, 33]
    assert polls.tally([], Counting.PER_USER, 2).percent(0) == 0  # nobody yet: no division


def test_anonymous_totals_are_the_sum_of_each_messages_latest_totals():
    results = polls.tally_anonymous([([1, 0], 1), ([0, 1], 1), ([1, 1], 2)], 2)
    assert (results.counts, results.voters) == ([2, 2], 4)


def test_breakdown_by_province_and_sector_of_the_answering_organisations():
    places = {10: (("AF21", "AF19"), ("health",)), 20: (("AF21",), ("education",))}
    votes = [Vote(1, 10, (0,), at(1)), Vote(2, 20, (1,), at(2))]
    found = polls.breakdown(votes, Counting.PER_USER, 2, places)
    assert found.by_province["AF21"].counts == [1, 1]
    assert found.by_province["AF19"].counts == [1, 0]
    assert found.by_sector["education"].counts == [0, 1]


def test_who_has_not_answered():
    recipients = [(1, 10), (2, 10), (3, 20), (4, None)]
    votes = [Vote(1, 10, (0,), at(1)), Vote(3, 20, (), at(2))]  # 3 retracted
    assert polls.not_answered(recipients, votes, Counting.PER_USER) == [2, 3, 4]
    # Per organisation, org 10 has answered through person 1: person 2 is not nudged.
    assert polls.not_answered(recipients, votes, Counting.PER_ORGANISATION) == [3, 4]
