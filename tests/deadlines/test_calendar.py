"""Working days with Chinese holidays and make-up days, and Civil Code period ends."""

from datetime import date

import pytest

from deadlines.calendar import Period, Unit, WorkingCalendar, add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return WorkingCalendar.load()


def due(calendar, start, unit, amount):
    return calendar.due(start, Period(unit, amount))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # still in the National Day holiday
        (date(2026, 10, 10), True),  # a Saturday made a working day (调休)
        (date(2026, 9, 20), True),  # a Sunday made a working day
        (date(2026, 11, 23), True),  # an ordinary Monday
        (date(2026, 11, 22), False),  # an ordinary Sunday
        (date(2020, 1, 27), False),  # the Spring Festival holiday extended in 2020
    ],
)
def test_working_days_follow_the_published_schedule(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_the_example_of_the_deadline_command(calendar):
    # 20 September 2026 is a Sunday worked for National Day; 25 September is Mid-autumn.
    result = due(calendar, date(2026, 9, 18), Unit.WORKING_DAYS, 5)
    assert result.due_on == date(2026, 9, 24)
    assert result.makeup_days == [(date(2026, 9, 20), "国庆节")]


def test_a_holiday_span_is_not_counted_and_a_make_up_saturday_is(calendar):
    # From Tuesday 29 September 2026: 30 Sep works, 1-7 Oct are off, Sat 10 Oct works.
    assert calendar.add_working_days(date(2026, 9, 29), 1) == date(2026, 9, 30)
    assert calendar.add_working_days(date(2026, 9, 29), 2) == date(2026, 10, 8)
    assert calendar.add_working_days(date(2026, 9, 29), 4) == date(2026, 10, 10)
    result = due(calendar, date(2026, 9, 29), Unit.WORKING_DAYS, 5)
    assert result.due_on == date(2026, 10, 12)
    assert [d for d, _ in result.holidays] == [date(2026, 10, d) for d in range(1, 8)]
    assert "国庆节放假10月1日(星期四)至10月7日(星期三),不计为工作日" in result.explain()
    assert "10月10日(星期六)为国庆节调休上班日" in result.explain()


def test_the_first_day_is_not_counted(calendar):
    assert due(calendar, date(2026, 11, 23), Unit.WORKING_DAYS, 5).due_on == date(2026, 11, 30)
    assert due(calendar, date(2026, 11, 23), Unit.DAYS, 7).due_on == date(2026, 11, 30)


def test_a_period_ending_on_a_rest_day_ends_on_the_next_working_day(calendar):
    # One month from 18 September 2026 is Sunday 18 October.
    result = due(calendar, date(2026, 9, 18), Unit.MONTHS, 1)
    assert (result.period_end, result.due_on) == (date(2026, 10, 18), date(2026, 10, 19))
    assert "民法典第二百零三条" in result.explain()
    # Ten days from 21 September 2026 is 1 October, inside the holiday.
    assert due(calendar, date(2026, 9, 21), Unit.DAYS, 10).due_on == date(2026, 10, 8)
    # One month from 17 January 2026 falls in the Spring Festival holiday.
    assert due(calendar, date(2026, 1, 17), Unit.MONTHS, 1).due_on == date(2026, 2, 24)


def test_a_period_ending_on_a_make_up_saturday_ends_that_day(calendar):
    # 28 February 2026 is a Saturday, but a make-up working day.
    assert due(calendar, date(2026, 1, 31), Unit.MONTHS, 1).due_on == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 8, 31), date(2025, 9, 30)),
        (date(2025, 12, 31), date(2026, 1, 31)),
    ],
)
def test_a_month_without_the_corresponding_day_ends_on_its_last_day(start, end):
    assert add_months(start, 1) == end


def test_a_year_without_a_published_schedule_counts_monday_to_friday(calendar):
    assert calendar.is_working_day(date(2027, 1, 1)) is True  # a Friday; nothing published
    result = due(calendar, date(2026, 12, 28), Unit.WORKING_DAYS, 10)
    assert result.due_on == date(2027, 1, 11)
    assert result.provisional and result.provisional_years == [2027]
    assert "2027年未发布节假日安排" in result.explain()
    assert not due(calendar, date(2026, 11, 2), Unit.MONTHS, 1).provisional


def test_working_days_between_counts_both_ways(calendar):
    assert calendar.working_days_between(date(2026, 9, 29), date(2026, 10, 12)) == 5
    assert calendar.working_days_between(date(2026, 10, 12), date(2026, 9, 29)) == -5


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        Period("weeks", 2)
    with pytest.raises(ValueError):
        Period(Unit.DAYS, -1)
