"""The statistics' reads: which items a user's figures cover, and the figures per session,
body, agency, topic and proposer, aggregated in SQL over the facts (``stats.facts``).

Three queries make every table and chart of the dashboard, however many items:

- ``item_rows``: the items in scope with their facts, grouped by the finest combination of
  session, kind, topic, filing time and proposer type; the tables by each of those are
  sums of these rows (``stats.tables``);
- ``agency_rows``: the assignments' facts, grouped by agency;
- ``replies_by_month``: the first replies sent, grouped by month.

With an agency chosen, the items are counted by that agency's assignment alone, as its row
counts them. The register's ``stat`` filter (``with_figure``) selects items by the same
facts and the same conditions (``stats.figures``), so a count and its list cannot
disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from agencies.models import Agency
from proposals.models import Assignment, Proposal, Session, Topic
from responses.models import ResultCategory

from .figures import BY_KEY, FIGURES, ResultClass, item_column, part_value
from .models import AssignmentFacts

# The finest grouping of the items' table; each dimension's table sums these rows.
DIMENSIONS = (
    "session_id",
    "kind",
    "topic_id",
    "filed_during",
    "lead_proposer__kind",
    "lead_proposer__group_kind",
)


@dataclass(frozen=True)
class Scope:
    """What the figures cover: the filters, already checked (``stats.forms``)."""

    session: Session | None = None
    year_from: int | None = None
    year_to: int | None = None
    body: str | None = None
    agency: Agency | None = None
    topic: Topic | None = None


@dataclass(frozen=True)
class Chosen:
    """The items the figures count, and the sessions they are of (``None``: any), by
    which the facts' scan is narrowed to those sessions' rows."""

    items: QuerySet[Proposal]
    sessions: tuple[int, ...] | None
    agency: Agency | None
    # Whether the items are every submitted item of ``sessions`` (of one agency, if given):
    # then the facts of those sessions are the items' facts without checking each item.
    whole_sessions: bool = False


def sessions_in_scope(scope: Scope) -> QuerySet[Session] | None:
    """The sessions the filters allow, or ``None`` when they allow every session."""
    if not any((scope.session, scope.year_from, scope.year_to, scope.body)):
        return None
    sessions = Session.objects.all()
    if scope.body:
        sessions = sessions.filter(body=scope.body)
    if scope.session is not None:
        sessions = sessions.filter(pk=scope.session.pk)
    if scope.year_from is not None:
        sessions = sessions.filter(opens_on__gte=datetime.date(scope.year_from, 1, 1))
    if scope.year_to is not None:
        sessions = sessions.filter(opens_on__lte=datetime.date(scope.year_to, 12, 31))
    return sessions


def choose(
    visible: QuerySet[Proposal], scope: Scope, *, whole_bodies: frozenset[str] = frozenset()
) -> Chosen:
    """The items among ``visible`` that ``scope`` chooses, with what narrows their facts.

    ``whole_bodies``: the bodies all of whose submitted items ``visible`` holds (a committee
    office's). Without a topic chosen, the items are then every submitted item of the
    sessions of those bodies that the filters allow.
    """
    sessions = sessions_in_scope(scope)
    whole = bool(whole_bodies) and scope.topic is None
    if whole:
        sessions = (sessions if sessions is not None else Session.objects.all()).filter(
            body__in=list(whole_bodies)
        )
    ids = None if sessions is None else tuple(sessions.values_list("pk", flat=True))
    return Chosen(
        items=items_in_scope(visible, scope),
        sessions=ids,
        agency=scope.agency,
        whole_sessions=whole,
    )


def items_in_scope(visible: QuerySet[Proposal], scope: Scope) -> QuerySet[Proposal]:
    """The submitted items among ``visible`` that the filters choose."""
    items = visible.exclude(status=Proposal.Status.DRAFT)
    sessions = sessions_in_scope(scope)
    if sessions is not None:
        items = items.filter(session__in=sessions)
    if scope.topic is not None:
        items = items.on_topic(scope.topic.pk)
    if scope.agency is not None:
        items = items.filter(
            Exists(Assignment.objects.active().filter(proposal=OuterRef("pk"), agency=scope.agency))
        )
    return items


def result_classes(bodies=None) -> list[ResultClass]:
    """The result classes (of ``bodies``, or of both), one figure for each code, in their
    order; each named by its code and name(s), as ``A类(解决采纳)``."""
    found: dict[str, list] = {}
    classes = ResultCategory.objects.order_by("position", "code", "body")
    if bodies is not None:
        classes = classes.filter(body__in=list(bodies))
    for category in classes:
        found.setdefault(category.code, []).append(category)
    figures = []
    for code, members in found.items():
        names = list(dict.fromkeys(m.name for m in members))
        label = f"{code}类({'/'.join(names)})" if names != [code] else code
        what = f"{label}:{members[0].description}" if members[0].description else label
        figures.append(ResultClass(code, label, tuple(m.pk for m in members), what))
    return figures


def _counts(c, today, classes: list[ResultClass], *, per_agency: bool) -> dict:
    counts = {
        f.key: Count("pk", filter=f.condition(c, today))
        for f in FIGURES
        if f.per_agency or not per_agency
    }
    counts |= {cat.key: Count("pk", filter=cat.condition(c, today)) for cat in classes}
    return counts


def _parts(chosen: Chosen) -> QuerySet[AssignmentFacts]:
    parts = AssignmentFacts.objects.all()
    if not chosen.whole_sessions:
        parts = parts.filter(proposal__in=chosen.items.order_by().values("pk"))
    if chosen.sessions is not None:
        parts = parts.filter(session__in=chosen.sessions)
    return parts if chosen.agency is None else parts.filter(agency=chosen.agency)


def item_rows(chosen: Chosen, *, today: datetime.date, classes: list[ResultClass]) -> list[dict]:
    """Every figure for each combination of ``DIMENSIONS``, in one query.

    With ``agency`` the items are counted by its assignment (one each), as its row counts
    them; the figures of the items themselves (filed, accepted, …) are then left out.
    """
    if chosen.agency is None:
        items = chosen.items
        if chosen.sessions is not None:
            # The same join, told which sessions' facts it needs (an item's facts are of its
            # own session), so they are read off the facts' index rather than found among
            # every session's.
            items = items.annotate(
                stats_facts_of_session=FilteredRelation(
                    "stats_facts", condition=Q(stats_facts__session__in=chosen.sessions)
                )
            )
            c = lambda name: F(f"stats_facts_of_session__{name}")  # noqa: E731
        else:
            c = item_column
        counts = _counts(c, today, classes, per_agency=False)
        return list(items.order_by().values(*DIMENSIONS).annotate(**counts))
    counts = _counts(part_value, today, classes, per_agency=True)
    dimensions = {f"proposal__{name}": name for name in DIMENSIONS}
    return [
        {dimensions.get(key, key): value for key, value in row.items()}
        for row in _parts(chosen).order_by().values(*dimensions).annotate(**counts)
    ]


def agency_rows(chosen: Chosen, *, today: datetime.date, classes: list[ResultClass]) -> list[dict]:
    """Every figure of each agency, counting the items by the agency's own assignment."""
    counts = _counts(part_value, today, classes, per_agency=True)
    return list(_parts(chosen).order_by().values("agency_id").annotate(**counts))


def replies_by_month(chosen: Chosen) -> list[dict]:
    """How many first replies (主办、分办, 件次) were sent each month."""
    return list(
        _parts(chosen)
        .filter(is_replied=True)
        .annotate(month=TruncMonth("reply_met_on"))
        .order_by("month")
        .values("month")
        .annotate(n=Count("pk"))
    )


def figure_condition(key: str, *, today: datetime.date, c=item_column) -> Q | None:
    """The condition of the figure ``key`` (a result class's as ``class_<code>``), or
    ``None`` when no figure has that key."""
    figure = BY_KEY.get(key)
    if figure is not None:
        return figure.condition(c, today)
    for result_class in result_classes():
        if result_class.key == key:
            return result_class.condition(c, today)
    return None


def with_figure(
    items: QuerySet[Proposal], key: str, *, today: datetime.date, agency: Agency | None = None
) -> QuerySet[Proposal]:
    """The items among ``items`` that a figure counts: what a number on the dashboard lists.

    With ``agency``, as that agency's row counts them: by its own assignment.
    """
    figure = BY_KEY.get(key)
    if figure is not None and figure.on_item is not None:
        return items.filter(figure.on_item)
    if agency is None:
        condition = figure_condition(key, today=today)
        return items.none() if condition is None else items.filter(condition)
    condition = figure_condition(key, today=today, c=part_value)
    if condition is None:
        return items.none()
    chosen = AssignmentFacts.objects.filter(agency=agency).filter(condition)
    return items.filter(pk__in=chosen.values("proposal_id"))
