"""Working days with Chinese holidays and make-up days, and Civil Code period ends."""

from datetime import date

import pytest

from deadlines.calendar import add_days, add_months, add_working_days, is_working_day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # still in the National Day holiday
        (date(2026, 10, 10), True),  # a Saturday made a working day (调休)
        (date(2026, 1, 4), True),  # a Sunday made a working day
        (date(2026, 11, 23), True),  # an ordinary Monday
        (date(2026, 11, 22), False),  # an ordinary Sunday
    ],
)
def test_working_days_follow_the_published_schedule(day, working):
    assert is_working_day(day) is working


def test_working_days_skip_a_holiday_span_and_count_a_make_up_saturday():
    # From Tuesday 29 September 2026: 30 Sep works, 1-7 Oct are off, Sat 10 Oct works.
    assert add_working_days(date(2026, 9, 29), 1) == date(2026, 9, 30)
    assert add_working_days(date(2026, 9, 29), 2) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 29), 4) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)


def test_the_first_day_is_not_counted():
    assert add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)
    assert add_days(date(2026, 11, 23), 7) == date(2026, 11, 30)


def test_a_period_ending_on_a_rest_day_ends_on_the_next_working_day():
    # One month from 18 September 2026 is Sunday 18 October.
    assert add_months(date(2026, 9, 18), 1) == date(2026, 10, 19)
    # Ten days from 21 September 2026 is 1 October, inside the holiday.
    assert add_days(date(2026, 9, 21), 10) == date(2026, 10, 8)
    # One month from 17 January 2026 falls in the Spring Festival holiday.
    assert add_months(date(2026, 1, 17), 1) == date(2026, 2, 24)


def test_a_month_without_the_corresponding_day_ends_on_its_last_day():
    # 28 February 2026 is a Saturday, but a make-up working day.
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_a_year_without_a_published_schedule_counts_monday_to_friday():
    assert is_working_day(date(2027, 1, 1)) is True  # a Friday; no schedule known yet
    assert add_working_days(date(2027, 1, 8), 1) == date(2027, 1, 11)
