"""Each active assignment's facts (``AssignmentFacts``), kept in step with the handling.

Every state change writes an event (``proposals.workflow.record``), and with it marks its
item (``mark``) in the same transaction; whatever reads the statistics first refreshes
the marked items (``settle``), so a figure is never older than the last change committed.
Reading the facts of ten thousand items then takes one scan of one narrow table instead
of joins to the deadlines, contacts, letters and ratings of each.

``rebuild`` writes every item's facts afresh (``manage.py rebuild_stats_facts``, and the
nightly task), for rows written outside the services: the benchmark's, or an
administrator's edits in the data admin.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django_cte import CTE, with_cte

from deadlines.models import Deadline, Step
from portal import clock
from proposals.models import Assignment
from responses.models import ContactLog, Feedback, ReplyLetter

from .figures import CATEGORY_SHIFT, FLAGS, PART_FACTS, RATING_RANKS, result_class
from .models import AssignmentFacts, ItemFacts, ItemToRefresh

CHUNK = 2000
REBUILD_RANGE = 20000
GATHER = {"sum": Sum, "max": Max, "min": Min}
# What is read of each assignment; its facts are computed from these (``PART_FACTS``).
FIELDS = (
    "reply_due_on",
    "reply_met_on",
    "opinion_due_on",
    "opinion_met_on",
    "next_due_on",
    "has_extension",
    "has_contact",
    "has_meeting",
    "rating",
    "category",
)
PART_VALUES = {name: value for name, (_, value) in PART_FACTS.items() if name not in FIELDS}
FLAG_NAMES = (*FLAGS, "result_class")


def flag_values(c) -> dict:
    """The kept figures, worked out from the facts ``c`` names (one assignment's or an
    item's)."""
    flags = {
        flag: Case(
            When(condition(c), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for flag, condition in FLAGS.items()
    }
    return flags | {"result_class": result_class(c)}


# An item's facts gathered over its assignments' (named apart from their columns).
GATHERED = {f"all_{name}": GATHER[how](name) for name, (how, _) in PART_FACTS.items()}
ITEM_VALUES = flag_values(lambda name: F(f"all_{name}"))


def mark(proposal_ids: Iterable[int]) -> None:
    """Mark items whose facts must be refreshed before the statistics next read them."""
    rows = [ItemToRefresh(proposal_id=pk) for pk in set(proposal_ids)]
    if rows:
        ItemToRefresh.objects.bulk_create(rows, ignore_conflicts=True)


def settle() -> int:
    """Refresh the facts of every marked item; return how many items were refreshed.

    The marks are taken under a row lock: a second reader at the same moment waits for
    the first and then finds them gone, and a change committed meanwhile marks its item
    again.
    """
    if not ItemToRefresh.objects.exists():
        return 0
    with transaction.atomic():
        marked = list(
            ItemToRefresh.objects.select_for_update().values_list("proposal_id", flat=True)
        )
        if marked:
            refresh(marked)
            ItemToRefresh.objects.filter(proposal_id__in=marked).delete()
    return len(marked)


def refresh(proposal_ids: Iterable[int]) -> None:
    """Write afresh the facts of the given items and of their active assignments."""
    ids = sorted(set(proposal_ids))
    for first in range(0, len(ids), CHUNK):
        _write(Q(proposal_id__in=ids[first : first + CHUNK]))


def rebuild() -> int:
    """Write every item's facts afresh; return how many assignments have facts.

    The items are taken a range of ids at a time: the reads of a range are scans of the
    deadlines and contacts, which a large range shares among more items.
    """
    with transaction.atomic():
        AssignmentFacts.objects.all().delete()
        ItemFacts.objects.all().delete()
        ItemToRefresh.objects.all().delete()
        ids = Assignment.objects.aggregate(first=Min("proposal_id"), last=Max("proposal_id"))
        if ids["first"] is not None:
            for first in range(ids["first"], ids["last"] + 1, REBUILD_RANGE):
                _write(Q(proposal_id__gte=first, proposal_id__lt=first + REBUILD_RANGE))
    return AssignmentFacts.objects.count()


def _write(items: Q) -> None:
    """Replace the facts of the items ``items`` chooses (by ``proposal_id``)."""
    with transaction.atomic():
        AssignmentFacts.objects.filter(items).delete()
        ItemFacts.objects.filter(items).delete()
        AssignmentFacts.objects.bulk_create(
            _computed(Assignment.objects.filter(items)), batch_size=CHUNK
        )
        ItemFacts.objects.bulk_create(
            _gathered(AssignmentFacts.objects.filter(items)), batch_size=CHUNK
        )


def _computed(assignments) -> list[AssignmentFacts]:
    """Each active assignment's facts, read and worked out in one query.

    What is read (``_annotated``) is a common table expression, so that each of its
    subqueries runs once a row however many facts and flags refer to it.
    """
    now = clock.now()
    read = CTE(
        _annotated(assignments.active())
        .annotate(session_id=F("proposal__session_id"))
        .values("id", "proposal_id", "session_id", "agency_id", "mode", "round", *FIELDS),
        name="stats_read",
        materialized=True,
    )
    names = ("proposal_id", "agency_id", "mode", "round", *FIELDS, *PART_VALUES, *FLAG_NAMES)
    rows = (
        with_cte(read, select=read.queryset().order_by())
        .annotate(**PART_VALUES)
        .annotate(**flag_values(F))
        .values("id", "session_id", *names)
    )
    return [
        AssignmentFacts(
            assignment_id=row["id"],
            session_id=row["session_id"],
            refreshed_at=now,
            **{name: row[name] for name in names},
        )
        for row in rows
    ]


def _gathered(parts) -> list[ItemFacts]:
    """Each item's facts over its assignments', in one query."""
    rows = (
        parts.order_by()
        .values("proposal_id", "session_id")
        .annotate(**GATHERED)
        .annotate(**ITEM_VALUES)
    )
    return [
        ItemFacts(
            proposal_id=row["proposal_id"],
            session_id=row["session_id"],
            **{name: row[f"all_{name}"] for name in PART_FACTS},
            **{name: row[name] for name in FLAG_NAMES},
        )
        for row in rows
    ]


def _annotated(assignments):
    """The facts of each assignment, read from the deadlines, contacts, letters and ratings.

    The first reply and the co-handling opinion are read from their round-1 deadlines: met
    when sent, their date the day in the portal's time zone. The rating is the lead
    proposer's of the current round's sent reply, the result class that reply's.
    """

    contacts = ContactLog.objects.filter(assignment=OuterRef("pk"))
    current_reply = ReplyLetter.objects.filter(
        assignment=OuterRef("pk"), round=OuterRef("round"), status=ReplyLetter.Status.SENT
    ).order_by()
    MET, CANCELLED = Deadline.Status.MET, Deadline.Status.CANCELLED
    return (
        assignments.order_by()
        .annotate(
            reply_deadline=FilteredRelation(
                "deadlines", condition=Q(deadlines__step=Step.REPLY, deadlines__round=1)
            ),
            opinion_deadline=FilteredRelation(
                "deadlines", condition=Q(deadlines__step=Step.OPINION, deadlines__round=1)
            ),
        )
        .annotate(
            reply_due_on=Case(
                When(
                    ~Q(reply_deadline__status=CANCELLED), then=F("reply_deadline__effective_due_on")
                )
            ),
            reply_met_on=Case(
                When(reply_deadline__status=MET, then=TruncDate("reply_deadline__met_at"))
            ),
            opinion_due_on=Case(
                When(
                    ~Q(opinion_deadline__status=CANCELLED),
                    then=F("opinion_deadline__effective_due_on"),
                )
            ),
            opinion_met_on=Case(
                When(opinion_deadline__status=MET, then=TruncDate("opinion_deadline__met_at"))
            ),
            next_due_on=Subquery(
                Deadline.objects.open()
                .filter(assignment=OuterRef("pk"))
                .order_by()
                .values("assignment")
                .annotate(first=Min("effective_due_on"))
                .values("first")
            ),
            has_extension=Exists(
                Deadline.objects.filter(assignment=OuterRef("pk"), extended_to__isnull=False)
            ),
            has_contact=Exists(contacts),
            has_meeting=Exists(contacts.filter(way__in=ContactLog.FACE_TO_FACE_WAYS)),
            rating=Subquery(
                Feedback.objects.filter(
                    reply__assignment=OuterRef("pk"),
                    reply__round=OuterRef("round"),
                    reply__status=ReplyLetter.Status.SENT,
                    proposer_id=OuterRef("proposal__lead_proposer_id"),
                )
                .order_by()
                .annotate(
                    rank=Case(
                        *(When(rating=r, then=Value(rank)) for r, rank in RATING_RANKS.items()),
                        output_field=IntegerField(),
                    )
                )
                .values("rank")[:1]
            ),
            category=Subquery(
                current_reply.filter(result_category__isnull=False)
                .annotate(
                    key=F("result_category__position") * Value(CATEGORY_SHIFT)
                    + F("result_category_id")
                )
                .values("key")[:1],
                output_field=BigIntegerField(),
            ),
        )
    )


def is_current(proposal_ids: Iterable[int] | None = None) -> bool:
    """Whether the stored facts are what the handling records say (for checks and tests)."""
    stored = AssignmentFacts.objects.all()
    assignments = Assignment.objects.all()
    items = ItemFacts.objects.all()
    if proposal_ids is not None:
        ids = list(proposal_ids)
        stored = stored.filter(proposal_id__in=ids)
        assignments = assignments.filter(proposal_id__in=ids)
        items = items.filter(proposal_id__in=ids)
    part_names = [f.attname for f in AssignmentFacts._meta.concrete_fields]
    part_names.remove("refreshed_at")
    item_names = [f.attname for f in ItemFacts._meta.concrete_fields]

    def rows(objects, names):
        return {tuple(getattr(o, n) for n in names) for o in objects}

    return rows(stored, part_names) == rows(_computed(assignments), part_names) and rows(
        items, item_names
    ) == rows(_gathered(stored), item_names)
