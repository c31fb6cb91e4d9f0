"""Working days in China: public holidays off, weekend make-up days (调休) on.

Periods follow the Civil Code: the first day is not counted (第二百零一条);
a period in months ends on the corresponding day, or the month's last day
when there is none (第二百零二条); a period that ends on a non-working day
ends on the next working day (第二百零三条).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    """Return whether ``day`` is a working day; Monday-Friday where no schedule is published."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: date) -> date:
    """Return ``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, count: int) -> date:
    """Return the ``count``-th working day after ``start``."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def add_days(start: date, count: int) -> date:
    """Return the end of a period of ``count`` natural days starting after ``start``."""
    return next_working_day(start + timedelta(days=count))


def add_months(start: date, count: int) -> date:
    """Return the end of a period of ``count`` months starting after ``start``."""
    month_index = start.month - 1 + count
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = _calendar.monthrange(year, month)[1]
    return next_working_day(date(year, month, min(start.day, last_day)))
