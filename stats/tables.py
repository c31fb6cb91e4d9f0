"""The dashboard's tables: the figures of ``stats.queries`` summed by each dimension, with
their rates, what each counts, and the register's filters that list each number's items.

``dashboard(user, scope)`` is what the page, the exports and the API all show.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.roles import roles_of
from agencies.models import Agency, Body
from portal import clock
from proposals.filters import NO_TOPIC, PROPOSER_TYPES
from proposals.models import Proposal, Proposer, Session, Topic

from . import facts, queries
from .figures import BY_KEY, FIGURES, RATES, Figure, Rate, ResultClass, numerator, ratio
from .queries import Scope

# The columns of each table, in groups as a 统计表 heads them. A key is a figure's (a
# count), a rate's, or "classes" for the result classes.
GROUPS = [
    ("收件与审查", ["filed", "pending", "accepted", "merged", "rejected", "withdrawn"]),
    ("交办", ["assigned", "lead", "co", "split", "reference"]),
    ("答复", ["due", "replied", "reply_rate", "on_time", "on_time_rate", "overdue", "extended"]),
    ("沟通", ["contacted", "contact_rate", "met", "meeting_rate"]),
    ("会办", ["co_sent", "co_on_time", "co_on_time_rate"]),
    ("评价", ["rated", "satisfied", "basically", "dissatisfied", "satisfaction_rate", "rehandled"]),
    ("办理结果", ["classes", "uncategorized"]),
]
RATES_BY_KEY = {r.key: r for r in RATES}

DIMENSIONS = {
    "session": ("按会议统计", "会议"),
    "body": ("按类别统计", "类别"),
    "agency": ("按承办单位统计", "承办单位"),
    "topic": ("按主题分类统计", "主题分类"),
    "proposer": ("按提出人类型统计", "提出人类型"),
    "filed_during": ("按提出时间统计", "提出时间"),
}
OFFICES = {Body.NPC: "人大常委会代表工作机构", Body.CPPCC: "政协提案委员会"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str
    figure: Figure | ResultClass | None = None
    rate: Rate | None = None

    @property
    def is_rate(self) -> bool:
        return self.rate is not None

    @property
    def what(self) -> str:
        if self.rate is not None:
            return self.rate.what
        return self.figure.what if self.figure is not None else ""


@dataclass
class Row:
    """One line of a table: its label, its counts, and the register filters of its items."""

    key: str
    label: str
    counts: dict[str, int]
    filters: dict[str, str] = field(default_factory=dict)

    def value(self, column: Column):
        """A count, or for a rate ``(numerator, denominator, fraction or None)``."""
        if column.rate is not None:
            part = numerator(column.rate, self.counts)
            whole = self.counts.get(column.rate.denominator, 0)
            return part, whole, ratio(part, whole)
        return self.counts.get(column.key, 0)


@dataclass
class Table:
    key: str
    title: str
    heading: str
    columns: list[Column]
    rows: list[Row]
    total: Row
    notes: list[str] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, int]]:
        """The column groups and how many columns each spans, for the two-row heading."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans


@dataclass
class Dashboard:
    scope: Scope
    as_of: datetime.date
    generated_at: datetime.datetime
    office: str
    classes: list[ResultClass]
    total: Row
    tables: dict[str, Table]
    months: list[tuple[datetime.date, int]]
    filters: dict[str, str]

    @property
    def empty(self) -> bool:
        return not self.total.counts.get("filed") and not self.total.counts.get("assigned")

    @property
    def by_agency(self) -> bool:
        """Whether the items are counted by one agency's assignments alone."""
        return self.scope.agency is not None


def columns(classes: list[ResultClass], *, per_agency: bool) -> list[Column]:
    """The columns of a table, the items' own figures (filed, accepted…) only where the
    items are counted as items, not by an agency's assignments."""
    found = []
    for group, keys in GROUPS:
        for key in keys:
            if key == "classes":
                found += [Column(c.key, c.label, group, figure=c) for c in classes]
            elif key in RATES_BY_KEY:
                rate = RATES_BY_KEY[key]
                found.append(Column(key, rate.label, group, rate=rate))
            else:
                figure = BY_KEY[key]
                if figure.per_agency or not per_agency:
                    found.append(Column(key, figure.label, group, figure=figure))
    return found


@dataclass
class Catalog:
    """The names the rows are labelled with, by id: sessions, topics (with their parents)
    and agencies. The filter form has read them already; otherwise ``load`` reads them."""

    sessions: dict[int, Session]
    topics: dict[int, Topic]
    agencies: dict[int, str]

    @classmethod
    def load(cls) -> Catalog:
        return cls(
            sessions={s.pk: s for s in Session.objects.all()},
            topics={t.pk: t for t in Topic.objects.select_related("parent")},
            agencies=dict(Agency.objects.values_list("pk", "name")),
        )


def visible_items(user):
    """The items ``user``'s statistics may count: what their working pages show."""
    return Proposal.objects.visible_to(user)


def register_filters(scope: Scope) -> dict[str, str]:
    """The register's query parameters for what ``scope`` chooses."""
    filters = {}
    if scope.session is not None:
        filters["session"] = str(scope.session.pk)
    if scope.year_from is not None:
        filters["year_from"] = str(scope.year_from)
    if scope.year_to is not None:
        filters["year_to"] = str(scope.year_to)
    if scope.body:
        filters["kind"] = Proposal.Kind.for_body(Body(scope.body)).value
    if scope.agency is not None:
        filters["agency"] = str(scope.agency.pk)
    if scope.topic is not None:
        filters["topic"] = str(scope.topic.pk)
    return filters


def dashboard(user, scope: Scope, catalog: Catalog | None = None) -> Dashboard:
    """Every table of the dashboard for what ``user`` may see and ``scope`` chooses."""
    catalog = catalog or Catalog.load()
    facts.settle()
    today = clock.today()
    roles = roles_of(user)
    bodies = [scope.body] if scope.body else sorted(roles.staff_bodies) or None
    classes = queries.result_classes(bodies)
    # An office sees every item of its bodies; one who is also an agency's member sees that
    # agency's items of other bodies too, which are then checked one by one.
    whole = roles.staff_bodies if not roles.agency_ids else frozenset()
    chosen = queries.choose(visible_items(user), scope, whole_bodies=whole)
    item_rows = queries.item_rows(chosen, today=today, classes=classes)
    agency_rows = queries.agency_rows(chosen, today=today, classes=classes)
    base = register_filters(scope)
    per_agency = scope.agency is not None
    item_columns = columns(classes, per_agency=per_agency)
    total = Row("total", "合计", _sum(item_rows), dict(base))
    tables = {}
    for key, (title, heading) in DIMENSIONS.items():
        if key == "agency":
            rows = agency_table(agency_rows, base, catalog)
            cols = columns(classes, per_agency=True)
            notes = [
                "各单位按本单位的交办计数(主办、会办、分办、参阅);一件由多个单位办理的,"
                "在每个单位各计一次,合计按件计一次,故合计不等于各行之和。"
            ]
        else:
            rows = rolled_up(key, item_rows, base, catalog)
            cols = item_columns
            notes = []
        if key in ("session", "body") and len(rows) < 2:
            continue  # one session or one body: the total says it all
        tables[key] = Table(key, title, heading, cols, rows, total, notes)
    return Dashboard(
        scope=scope,
        as_of=today,
        generated_at=timezone.localtime(clock.now()),
        office=_office(roles),
        classes=classes,
        total=total,
        tables=tables,
        months=[(_as_date(r["month"]), r["n"]) for r in queries.replies_by_month(chosen)],
        filters=base,
    )


def count_items(user, scope: Scope) -> int:
    """How many items the figures for ``scope`` cover (to decide how to export them)."""
    return queries.choose(visible_items(user), scope).items.count()


def definitions(classes: list[ResultClass]) -> list[tuple[str, str, str]]:
    """What each figure and rate counts, in the tables' order: ``(key, label, what)``."""
    found = []
    for column in columns(classes, per_agency=False):
        what = column.what
        if column.rate is not None:
            what = f"{what}。{_ROUNDING}"
        found.append((column.key, column.label, what))
    return found


_ROUNDING = "分母为 0 时不计算比率,显示为“—”;比率保留一位小数"


def _office(roles) -> str:
    """Who compiles the figures, for the 统计表's heading (填报单位)."""
    from agencies.models import CommitteeStaff

    if roles.staff_bodies:
        offices = CommitteeStaff.objects.filter(body__in=roles.staff_bodies).exclude(office="")
        named = list(dict.fromkeys(offices.values_list("office", flat=True)))
        return "、".join(named) or "、".join(OFFICES[b] for b in sorted(roles.staff_bodies))
    agencies = Agency.objects.filter(pk__in=roles.agency_ids).order_by("name")
    return "、".join(agencies.values_list("name", flat=True))


def _sum(rows: list[dict]) -> dict[str, int]:
    """The counts of ``rows`` added up (their dimensions left out)."""
    if not rows:
        return {}
    keys = [key for key in rows[0] if key not in SKIPPED]
    return {key: sum(row[key] for row in rows) for key in keys}


# What a row of the grouped queries holds beside its counts.
SKIPPED = {*queries.DIMENSIONS, "agency_id", "month"}


def _as_date(month) -> datetime.date:
    return month.date() if isinstance(month, datetime.datetime) else month


def _dimension_key(dimension: str, row: dict, parents: dict) -> str:
    if dimension == "session":
        return str(row["session_id"])
    if dimension == "body":
        return row["kind"]
    if dimension == "topic":
        topic = row["topic_id"]
        return NO_TOPIC if topic is None else str(parents.get(topic, topic))
    if dimension == "proposer":
        if row["lead_proposer__kind"] == Proposer.Kind.PERSON:
            return "person"
        return row["lead_proposer__group_kind"] or Proposer.GroupKind.OTHER
    return row["filed_during"]


REGISTER_PARAMETERS = {
    "session": "session",
    "body": "kind",
    "topic": "topic",
    "proposer": "proposer_kind",
    "filed_during": "filed_during",
}


def rolled_up(dimension: str, item_rows: list[dict], base: dict, catalog: Catalog) -> list[Row]:
    """The items' rows summed by one dimension, in that dimension's order."""
    parents = {pk: t.parent_id for pk, t in catalog.topics.items() if t.parent_id}
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in item_rows:
        grouped[_dimension_key(dimension, row, parents)].append(row)
    labels = _labels(dimension, grouped, catalog)
    parameter = REGISTER_PARAMETERS[dimension]
    return [
        Row(key, label, _sum(grouped[key]), base | {parameter: key})
        for key, label in labels
        if key in grouped
    ]


def _labels(dimension: str, grouped: dict, catalog: Catalog) -> list[tuple[str, str]]:
    """Each key of ``grouped`` with its label, in the dimension's order."""
    if dimension == "session":
        sessions = [catalog.sessions[int(k)] for k in grouped if int(k) in catalog.sessions]
        newest_first = sorted(sessions, key=lambda s: (s.opens_on is not None, s.opens_on, s.pk))
        return [(str(s.pk), str(s)) for s in reversed(newest_first)]
    if dimension == "body":
        return [(kind.value, kind.label) for kind in Proposal.Kind]
    if dimension == "topic":
        topics = [catalog.topics[int(k)] for k in grouped if k != NO_TOPIC]
        ordered = sorted(topics, key=lambda t: (t.position, t.name))
        return [(str(t.pk), t.name) for t in ordered] + [(NO_TOPIC, "未分类")]
    if dimension == "proposer":
        return PROPOSER_TYPES
    return list(Proposal.FiledDuring.choices)


def agency_table(agency_rows: list[dict], base: dict, catalog: Catalog) -> list[Row]:
    rows = [
        Row(
            str(row["agency_id"]),
            catalog.agencies.get(row["agency_id"], ""),
            {k: v for k, v in row.items() if k != "agency_id"},
            base | {"agency": str(row["agency_id"])},
        )
        for row in agency_rows
    ]
    return sorted(rows, key=lambda r: r.label)


__all__ = ["FIGURES", "Column", "Dashboard", "Row", "Table", "columns", "dashboard"]
