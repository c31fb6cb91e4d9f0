"""Reads for the working pages: what a user sees of an item, and which steps they may take.

Which steps are offered is decided by the same predicates (``*/rules.py``) and
state machines the services enforce, so a page never offers what would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import rules
from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Subquery
from django_fsm import can_proceed

from accounts.roles import roles_of
from deadlines.calendar import WorkingCalendar
from deadlines.display import mark
from deadlines.models import Deadline, ExtensionRequest, Step
from portal import clock

from . import timeline
from .models import Assignment, Proposal
from .services.closing import closing_blockers


def can(user, permission: str, obj) -> bool:
    return rules.has_perm(permission, user, obj)


@dataclass
class AssignmentView:
    """One assignment on the item page, with what the user may do about it."""

    assignment: Assignment
    deadlines: list
    mine: bool = False
    actions: set[str] = field(default_factory=set)
    letter: object = None
    opinion: object = None
    pending_extension: object = None
    extension_reason: str = ""
    extendable: list = field(default_factory=list)


def _assignment_actions(user, view: AssignmentView, roles, is_staff: bool, letters) -> None:
    a = view.assignment
    if view.mine:
        if a.status == Assignment.Status.PENDING:
            view.actions |= {"sign_for", "request_adjustment"}
        if a.mode == Assignment.Mode.CO and a.status == Assignment.Status.HANDLING:
            view.actions.add("opinion")
        if a.owes_reply and a.status == Assignment.Status.HANDLING:
            view.actions.add("contact")
            if view.letter is None:
                view.actions.add("draft")
        letter = view.letter
        if letter is not None:
            if letter.is_editable:
                view.actions |= {"edit_letter", "submit_letter"}
            if can_proceed(letter.approve) and can(user, "responses.approve_reply", letter):
                view.actions |= {"approve_letter", "return_letter"}
            if can_proceed(letter.send):
                view.actions |= {"send_letter", "revise_letter"}
        if view.extendable and view.pending_extension is None:
            view.actions.add("request_extension")
    if is_staff and a.status == Assignment.Status.ADJUSTMENT_REQUESTED:
        view.actions.add("decide_adjustment")
    if is_staff and view.pending_extension is not None:
        view.actions.add("decide_extension")


def proposal_page(proposal: Proposal, user) -> dict:
    """Everything the item page shows to ``user``; the caller made sure they may see it."""
    from responses.models import CoHandlingOpinion, ContactLog, Feedback, ReplyLetter

    roles = roles_of(user)
    is_staff = roles.is_staff_of(proposal.body_kind)
    today = clock.today()
    calendar = WorkingCalendar.load()
    assignments = list(
        proposal.assignments.select_related("agency").prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.order_by("step", "round")),
            Prefetch(
                "deadlines__extension_requests",
                queryset=ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING),
                to_attr="pending_requests",
            ),
        )
    )
    letters = list(
        ReplyLetter.objects.visible_to(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__agency", "result_category", "drafted_by", "approved_by")
        .prefetch_related(
            Prefetch("feedback", queryset=Feedback.objects.select_related("proposer"))
        )
        .order_by("assignment_id", "round")
    )
    opinions = list(
        CoHandlingOpinion.objects.visible_to(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__agency", "author")
    )
    contacts = list(
        ContactLog.objects.visible_to(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__agency", "logged_by")
    )
    latest_letter = {}
    for letter in letters:
        latest_letter[letter.assignment_id] = letter
    views = []
    for a in assignments:
        deadlines = list(a.deadlines.all())
        mark(deadlines, today, calendar)
        pending = next((r for d in deadlines for r in d.pending_requests), None)
        letter = latest_letter.get(a.pk)
        view = AssignmentView(
            assignment=a,
            deadlines=deadlines,
            mine=roles.is_member_of(a.agency_id) and a.status != Assignment.Status.WITHDRAWN,
            letter=letter if letter is not None and letter.round == a.round else None,
            opinion=next((o for o in opinions if o.assignment_id == a.pk), None),
            pending_extension=pending,
            extension_reason=pending.reason
            if pending is not None and can(user, "deadlines.read_extension_reason", a)
            else "",
            extendable=[
                d
                for d in deadlines
                if d.status == Deadline.Status.OPEN
                and d.step in (Step.OPINION, Step.REPLY, Step.REHANDLING)
            ],
        )
        _assignment_actions(user, view, roles, is_staff, letters)
        views.append(view)

    for_proposer = timeline.for_proposer(user, proposal, [a.agency_id for a in assignments])
    events = proposal.events.select_related("actor", "assignment__agency", "assignment__proposal")
    proposal_actions = set()
    if is_staff:
        if proposal.status == Proposal.Status.SUBMITTED:
            proposal_actions.add("accept")
            if proposal.body_kind in settings.PORTAL["REVIEW_BODIES"]:
                proposal_actions |= {"reject", "merge"}
        if can_proceed(proposal.assign):
            proposal_actions.add("assign")
        if proposal.status in (
            Proposal.Status.SUBMITTED,
            Proposal.Status.ACCEPTED,
            Proposal.Status.ASSIGNED,
            Proposal.Status.REPLIED,
        ):
            proposal_actions.add("mark_key")
        if can_proceed(proposal.close) and not closing_blockers(proposal):
            proposal_actions.add("close")
    if can(user, "proposals.submit_proposal", proposal) and can_proceed(proposal.submit):
        proposal_actions.add("submit")
    if can(user, "proposals.withdraw_proposal", proposal) and can_proceed(proposal.withdraw):
        proposal_actions.add("withdraw")

    rating = _proposer_rating_actions(user, roles, proposal, letters, assignments)
    rating["to_record_paper"] = _paper_ratings_to_record(is_staff, proposal, letters)
    co_views = [v for v in views if v.assignment.mode == Assignment.Mode.CO]
    replying_mine = any(v.mine and v.assignment.owes_reply for v in views)
    return {
        "proposal": proposal,
        "proposers": proposal.proposers(),
        "attachments": list(proposal.attachments.all()),
        "assignment_views": views,
        "co_views": co_views if (is_staff or replying_mine) else [],
        "letters": letters,
        "opinions": opinions,
        "contacts": contacts,
        "timeline": timeline.entries(proposal, events, for_proposer=for_proposer, reader=user),
        "proposal_actions": proposal_actions,
        "is_staff": is_staff,
        "for_proposer": for_proposer,
        "blockers": closing_blockers(proposal)
        if is_staff
        and proposal.status
        in (
            Proposal.Status.ASSIGNED,
            Proposal.Status.REPLIED,
        )
        else [],
        **rating,
        "filing": filing_panel(proposal, user),
        "today": today,
    }


def filing_panel(proposal: Proposal, user) -> dict | None:
    """A draft's co-signers, each with where they stand, what still keeps it from being
    submitted, and what ``user`` may do about it; None once the item is submitted."""
    from .services.filing import COSIGN_RULE, cosign_blockers, filing_deadline_passed

    if proposal.status != Proposal.Status.DRAFT:
        return None
    cosigners = list(proposal.cosignatures.select_related("proposer__user"))
    proposer_id = roles_of(user).proposer_id
    mine = next((c for c in cosigners if c.proposer_id == proposer_id), None)
    return {
        "cosigners": cosigners,
        "mine": mine,
        "can_edit": can(user, "proposals.edit_draft", proposal),
        "blockers": cosign_blockers(cosigners),
        "rule": COSIGN_RULE,
        "late": filing_deadline_passed(proposal, user),
        "closes_at": proposal.session.filing_closes_at,
    }


def _paper_ratings_to_record(is_staff: bool, proposal: Proposal, letters) -> set[int]:
    """The sent letters for which committee staff of the item's body (``is_staff``, as
    ``responses.record_paper_rating`` asks) may still enter a rating from a paper form:
    those some proposer has not rated yet."""
    sent = [letter for letter in letters if letter.status == letter.Status.SENT]
    if not is_staff or not sent:
        return set()
    people = {p.pk for p in proposal.proposers_with_merged()}
    return {letter.pk for letter in sent if people - {f.proposer_id for f in letter.feedback.all()}}


def _proposer_rating_actions(user, roles, proposal, letters, assignments) -> dict:
    """Which sent letters the signed-in proposer may still rate, and which they may have
    handled again."""
    from responses.models import Feedback

    if roles.proposer_id is None:
        return {"to_rate": set(), "to_rehandle": set()}
    people = {p.pk for p in proposal.proposers_with_merged()}
    if roles.proposer_id not in people:
        return {"to_rate": set(), "to_rehandle": set()}
    to_rate, to_rehandle = set(), set()
    by_assignment = {a.pk: a for a in assignments}
    for letter in letters:
        if letter.status != letter.Status.SENT:
            continue
        mine = [f for f in letter.feedback.all() if f.proposer_id == roles.proposer_id]
        if not mine:
            to_rate.add(letter.pk)
        elif mine[0].rating == Feedback.Rating.DISSATISFIED:
            a = by_assignment.get(letter.assignment_id)
            if (
                a is not None
                and a.status == Assignment.Status.REPLIED
                and a.round == letter.round
                and a.round <= settings.PORTAL["MAX_REHANDLING_ROUNDS"]
            ):
                to_rehandle.add(a.pk)
    return {"to_rate": to_rate, "to_rehandle": to_rehandle}


def next_due_subquery():
    """The nearest open deadline of an item, for list columns."""
    return Subquery(
        Deadline.objects.open()
        .filter(assignment__proposal=OuterRef("pk"))
        .order_by("effective_due_on")
        .values("effective_due_on")[:1]
    )


def register(user):
    """The register of items staff may see, with what the list shows, in constant queries."""
    return (
        Proposal.objects.visible_to(user)
        .exclude(status=Proposal.Status.DRAFT)
        .select_related("session", "lead_proposer")
        .annotate(next_due=next_due_subquery())
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.active()
                .filter(mode__in=[Assignment.Mode.LEAD, Assignment.Mode.SPLIT])
                .select_related("agency"),
                to_attr="replying_assignments",
            )
        )
    )


def board(user) -> dict:
    """The supervision board: overdue, due this week, key items, load per agency."""
    from agencies.models import Agency

    today = clock.today()
    calendar = WorkingCalendar.load()
    week_end = today + timedelta(days=6 - today.weekday())
    proposals = Proposal.objects.visible_to(user)
    open_deadlines = Deadline.objects.open().filter(assignment__proposal__in=proposals)
    overdue = list(
        open_deadlines.filter(effective_due_on__lt=today)
        .select_related("assignment__agency", "assignment__proposal__session")
        .order_by("effective_due_on")[:50]
    )
    due_this_week = list(
        open_deadlines.filter(effective_due_on__gte=today, effective_due_on__lte=week_end)
        .select_related("assignment__agency", "assignment__proposal__session")
        .order_by("effective_due_on")[:50]
    )
    mark(overdue + due_this_week, today, calendar)
    key_items = list(
        proposals.filter(is_key=True)
        .exclude(status__in=[Proposal.Status.CLOSED, Proposal.Status.DRAFT])
        .select_related("session")
        .annotate(next_due=next_due_subquery())[:50]
    )
    visible_assignments = Assignment.objects.active().filter(proposal__in=proposals)
    load = (
        Agency.objects.filter(assignments__in=visible_assignments)
        .annotate(
            pending=Count(
                "assignments",
                filter=Q(assignments__in=visible_assignments)
                & Q(assignments__status=Assignment.Status.PENDING),
                distinct=True,
            ),
            handling=Count(
                "assignments",
                filter=Q(assignments__in=visible_assignments)
                & Q(assignments__status=Assignment.Status.HANDLING),
                distinct=True,
            ),
            done=Count(
                "assignments",
                filter=Q(assignments__in=visible_assignments)
                & Q(
                    assignments__status__in=[
                        Assignment.Status.REPLIED,
                        Assignment.Status.OPINION_SENT,
                        Assignment.Status.READ,
                    ]
                ),
                distinct=True,
            ),
            overdue=Count(
                "assignments",
                filter=Q(assignments__in=visible_assignments)
                & Exists(
                    Deadline.objects.overdue(today).filter(assignment=OuterRef("assignments"))
                ),
                distinct=True,
            ),
            earliest=Min(
                "assignments__deadlines__effective_due_on",
                filter=Q(assignments__deadlines__status=Deadline.Status.OPEN),
            ),
        )
        .order_by("-overdue", "-pending", "-handling", "name")
        .distinct()
    )
    return {
        "overdue": overdue,
        "overdue_count": open_deadlines.filter(effective_due_on__lt=today).count(),
        "due_this_week": due_this_week,
        "week_end": week_end,
        "key_items": key_items,
        "load": list(load),
        "today": today,
    }
