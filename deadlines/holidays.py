"""The published holiday schedules known to the ``chinese-calendar`` package (2004-2026)."""

from __future__ import annotations

from datetime import date

from chinese_calendar import constants

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
SOURCE = "chinese-calendar 数据包(国务院办公厅历年节假日安排通知)"


def known_years() -> list[int]:
    return sorted({d.year for d in constants.holidays})


def schedule(year: int) -> list[tuple[date, str, str]]:
    """Return ``(date, kind, name)`` for the holidays and make-up days of ``year``."""
    days = [
        (d, "holiday", NAMES.get(n, n)) for d, n in constants.holidays.items() if d.year == year
    ]
    days += [
        (d, "workday", NAMES.get(n, n)) for d, n in constants.workdays.items() if d.year == year
    ]
    return sorted(days)


def load_known_years(CalendarYear, CalendarDay, years=None) -> list[int]:
    """Enter the schedule of each known year that the database does not cover yet.

    Takes the model classes so that a migration can pass its historical models.
    Returns the years entered.
    """
    covered = set(CalendarYear.objects.values_list("year", flat=True))
    entered = []
    for year in years or known_years():
        if year in covered:
            continue
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=kind, name=name) for d, kind, name in schedule(year)],
            ignore_conflicts=True,
        )
        CalendarYear.objects.create(year=year, notice=SOURCE)
        entered.append(year)
    return entered
