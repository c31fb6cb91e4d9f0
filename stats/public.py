"""The public annual summary (/stats/): for each year and session, how many items were
accepted, replied (on time), published and in which result class.

Only counts are shown, of items and of public replies (``Publication.objects.public()``):
no title, text or name of anything unpublished. The agencies are not set side by side
unless ``PORTAL_PUBLIC_AGENCY_STATS`` says the place wants them to be. Anonymous pages are
cached like the other public pages.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from disclosure.caching import cached_public_page
from disclosure.models import Publication
from portal import clock, replica
from proposals.models import Proposal

from . import facts, queries, tables
from .figures import RATES, ResultClass, numerator, ratio

# What the public sees of each session: counts of items and the on-time rate.
PUBLIC_FIGURES = ("accepted", "assigned", "due", "replied", "on_time", "rated")
ON_TIME = next(r for r in RATES if r.key == "on_time_rate")
REPLY_RATE = next(r for r in RATES if r.key == "reply_rate")
SATISFACTION = next(r for r in RATES if r.key == "satisfaction_rate")


@dataclass
class Line:
    """One session (or a year's total, or an agency): its counts and published replies."""

    label: str
    counts: dict[str, int]
    published: int = 0
    body: str = ""

    def rate(self, rate) -> tuple[int, int, float | None]:
        part, whole = numerator(rate, self.counts), self.counts.get(rate.denominator, 0)
        return part, whole, ratio(part, whole)

    @property
    def on_time(self):
        return self.rate(ON_TIME)

    @property
    def reply_rate(self):
        return self.rate(REPLY_RATE)

    @property
    def satisfaction(self):
        return self.rate(SATISFACTION)

    @property
    def public_rates(self):
        """The rates the public summary shows of an agency."""
        return [self.reply_rate, self.on_time, self.satisfaction]


@dataclass
class Year:
    year: int | None
    sessions: list[Line]
    total: Line

    @property
    def label(self) -> str:
        return f"{self.year}年" if self.year else "年度未定"


@dataclass
class Summary:
    years: list[Year]
    classes: list[ResultClass]
    published_by_year: list[tuple[int, int]]
    agencies: list[Line] = field(default_factory=list)
    as_of: datetime.date | None = None
    generated_at: datetime.datetime | None = None

    @property
    def empty(self) -> bool:
        return not self.years and not self.published_by_year


def _add(into: dict, counts: dict) -> None:
    for key, value in counts.items():
        into[key] = into.get(key, 0) + value


def summary() -> Summary:
    """The figures of every submitted item, by year and session; what the public sees.

    Read from the replica, the facts are as the beat task last refreshed them (within the
    minute); read from the primary, the changes not yet refreshed are refreshed first.
    """
    if not replica.serving():
        facts.settle()
    today = clock.today()
    classes = queries.result_classes()
    items = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
    chosen = queries.Chosen(items=items, sessions=None, agency=None, whole_sessions=True)
    catalog = tables.Catalog.load()
    rows = tables.rolled_up(
        "session", queries.item_rows(chosen, today=today, classes=classes), {}, catalog
    )
    published = dict(
        Publication.objects.public()
        .filter(letter__isnull=False)
        .order_by()
        .values_list("letter__assignment__proposal__session_id")
        .annotate(n=Count("pk"))
    )
    sessions = catalog.sessions
    by_year: dict[int | None, list[Line]] = defaultdict(list)
    for row in rows:
        session = sessions[int(row.key)]
        year = session.opens_on.year if session.opens_on else None
        by_year[year].append(
            Line(
                str(session),
                row.counts,
                published.get(session.pk, 0),
                session.get_body_display(),
            )
        )
    years = []
    for year in sorted(by_year, key=lambda y: (y is None, -(y or 0))):
        total = Line(f"{year}年合计" if year else "合计", {})
        for line in by_year[year]:
            _add(total.counts, line.counts)
            total.published += line.published
        years.append(Year(year, by_year[year], total))
    result = Summary(
        years=years,
        classes=classes,
        published_by_year=list(
            Publication.objects.public()
            .order_by("-year")
            .values_list("year")
            .annotate(n=Count("pk"))
        ),
        as_of=today,
        generated_at=timezone.localtime(clock.now()),
    )
    if settings.PORTAL["PUBLIC_AGENCY_STATS"]:
        agency_rows = tables.agency_table(
            queries.agency_rows(chosen, today=today, classes=classes), {}, catalog
        )
        result.agencies = [Line(row.label, row.counts) for row in agency_rows]
    return result


@cached_public_page
def annual_summary(request):
    """The public summary page, in the display the reader chose (繁體, large print)."""
    return render(request, "stats/public.html", {"summary": summary()})
