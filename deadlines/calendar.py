"""Working days in China, from the calendar kept in the database.

Public holidays are off and weekend make-up days (调休) are working days, as
the State Council publishes them each year. A year with no published schedule
counts Monday to Friday, and anything computed through it is provisional.

Periods follow the Civil Code: the first day is not counted (第二百零一条);
a period in months ends on the corresponding day, or the month's last day
when there is none (第二百零二条); a period in days or months that ends on a
non-working day ends on the next working day (第二百零三条).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.chinese import chinese_date

WEEKDAYS = "一二三四五六日"


class Unit:
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"

    choices = [(WORKING_DAYS, "工作日"), (DAYS, "自然日"), (MONTHS, "月")]


@dataclass(frozen=True)
class Period:
    unit: str
    amount: int

    def __post_init__(self):
        if self.unit not in (Unit.WORKING_DAYS, Unit.DAYS, Unit.MONTHS):
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.amount < 0:
            raise ValueError("a period cannot be negative")

    def __str__(self) -> str:
        if self.unit == Unit.WORKING_DAYS:
            return f"{self.amount}个工作日"
        if self.unit == Unit.MONTHS:
            return f"{self.amount}个月"
        return f"{self.amount}日"


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日(星期{WEEKDAYS[d.weekday()]})"


@dataclass
class DueDate:
    """A computed due date and everything needed to check it by hand."""

    start: date
    period: Period
    due_on: date
    period_end: date
    holidays: list[tuple[date, str]] = field(default_factory=list)
    makeup_days: list[tuple[date, str]] = field(default_factory=list)
    provisional_years: list[int] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def rolled_forward(self) -> bool:
        return self.period_end != self.due_on

    def explain(self) -> str:
        """The computation in plain Chinese, as a clerk would check it against a calendar."""
        parts = [
            f"自{chinese_date(self.start)}起算(当日不计入),期限{self.period},"
            f"截止{chinese_date(self.due_on)}(星期{WEEKDAYS[self.due_on.weekday()]})。"
        ]
        if self.rolled_forward:
            parts.append(
                f"期间届满日{chinese_date(self.period_end)}为休息日,"
                f"顺延至其后第一个工作日(民法典第二百零三条)。"
            )
        by_working_days = self.period.unit == Unit.WORKING_DAYS
        for name, first, last in _spans(self.holidays):
            span = _day(first) if first == last else f"{_day(first)}至{_day(last)}"
            counted = "不计为工作日" if by_working_days else "按自然日照常计入期间"
            parts.append(f"期间{name}放假{span},{counted}。")
        if by_working_days:
            for day, name in self.makeup_days:
                parts.append(f"{_day(day)}为{name}调休上班日,计为工作日。")
        if self.provisional:
            years = "、".join(f"{y}年" for y in self.provisional_years)
            parts.append(f"{years}未发布节假日安排,暂按周一至周五计算,此期限为暂定。")
        return "".join(parts)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "unit": self.period.unit,
            "amount": self.period.amount,
            "due_on": self.due_on.isoformat(),
            "period_end": self.period_end.isoformat(),
            "holidays": [[d.isoformat(), n] for d, n in self.holidays],
            "makeup_days": [[d.isoformat(), n] for d, n in self.makeup_days],
            "provisional_years": self.provisional_years,
            "text": self.explain(),
        }


def _spans(days: list[tuple[date, str]]):
    """Group consecutive holiday days of one name: (name, first, last)."""
    spans: list[list] = []
    for day, name in sorted(days):
        if spans and spans[-1][0] == name and (day - spans[-1][2]).days == 1:
            spans[-1][2] = day
        else:
            spans.append([name, day, day])
    return [tuple(s) for s in spans]


class WorkingCalendar:
    """Which days are worked, from the exceptions to the Monday-Friday week.

    ``days`` maps a date to ``(is_working, name)``: a holiday (off, even on a
    weekday) or a make-up day (worked, even on a weekend). ``covered_years``
    are the years whose schedule has been published and entered.
    """

    def __init__(self, days: dict[date, tuple[bool, str]], covered_years: set[int]):
        self.days = days
        self.covered_years = covered_years

    @classmethod
    def load(cls) -> WorkingCalendar:
        """Read the calendar from the database (two small queries)."""
        from .models import CalendarDay, CalendarYear

        days = {
            d: (kind == CalendarDay.Kind.WORKDAY, name)
            for d, kind, name in CalendarDay.objects.values_list("date", "kind", "name")
        }
        return cls(days, set(CalendarYear.objects.values_list("year", flat=True)))

    def is_working_day(self, day: date) -> bool:
        known = self.days.get(day)
        if known is not None:
            return known[0]
        return day.weekday() < 5

    def is_covered(self, year: int) -> bool:
        return year in self.covered_years

    def next_working_day(self, day: date) -> date:
        """Return ``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """Return the ``count``-th working day after ``start``."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
        )

    def period_end(self, start: date, period: Period) -> date:
        """The last day of ``period`` counted from ``start``, before any rolling forward."""
        if period.unit == Unit.WORKING_DAYS:
            return self.add_working_days(start, period.amount)
        if period.unit == Unit.DAYS:
            return start + timedelta(days=period.amount)
        return add_months(start, period.amount)

    def due(self, start: date, period: Period) -> DueDate:
        """Compute when ``period`` from ``start`` ends, with what it crossed on the way."""
        end = self.period_end(start, period)
        due_on = self.next_working_day(end)
        holidays, makeup_days = [], []
        day = start + timedelta(days=1)
        while day <= due_on:
            known = self.days.get(day)
            if known is not None:
                is_working, name = known
                if is_working and day.weekday() >= 5:
                    makeup_days.append((day, name))
                elif not is_working:
                    holidays.append((day, name))
            day += timedelta(days=1)
        years = range((start + timedelta(days=1)).year, due_on.year + 1)
        return DueDate(
            start=start,
            period=period,
            due_on=due_on,
            period_end=end,
            holidays=holidays,
            makeup_days=makeup_days,
            provisional_years=[y for y in years if not self.is_covered(y)],
        )


def add_months(start: date, count: int) -> date:
    """Return the corresponding day ``count`` months after ``start``, or that month's last day."""
    month_index = start.month - 1 + count
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = _calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))
