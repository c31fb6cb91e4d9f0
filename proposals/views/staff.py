"""Committee staff pages: the register, the review queue, the board, the request queues."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from deadlines.calendar import WorkingCalendar
from deadlines.display import urgency
from deadlines.forms import ExtensionDecisionForm
from deadlines.models import ExtensionRequest
from portal import clock

from .. import selectors
from ..filters import RegisterFilter
from ..forms import AdjustmentDecisionForm, BulkAssignForm
from ..models import Assignment, Proposal
from .common import staff_bodies

PAGE_SIZE = 30


def _with_urgency(rows) -> None:
    today, calendar = clock.today(), WorkingCalendar.load()
    for row in rows:
        if row.next_due:
            row.urgency, row.urgency_text = urgency(row.next_due, today, calendar)


@login_required
def register(request):
    """All items of the staff's bodies, filtered and searched, 30 a page."""
    bodies = staff_bodies(request)
    filters = RegisterFilter(
        request.GET or None, queryset=selectors.register(request.user), bodies=bodies
    )
    queryset = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_urgency(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/register.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "bulk_form": BulkAssignForm(),
        },
    )


@login_required
def review_queue(request):
    """Items waiting for review (立案审查) or registration, oldest first."""
    staff_bodies(request)
    queue = (
        Proposal.objects.visible_to(request.user)
        .filter(status=Proposal.Status.SUBMITTED)
        .select_related("session", "lead_proposer")
        .order_by("submitted_at", "id")
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "proposals/review_queue.html", {"page": page})


@login_required
def board(request):
    """The supervision board (督办)."""
    staff_bodies(request)
    return render(request, "proposals/board.html", selectors.board(request.user))


@login_required
def requests(request):
    """Requests waiting for staff: adjustments of assignments and extensions of deadlines."""
    staff_bodies(request)
    adjustments = list(
        Assignment.objects.visible_to(request.user)
        .filter(status=Assignment.Status.ADJUSTMENT_REQUESTED)
        .select_related("agency", "proposal__session")
        .order_by("assigned_at")
    )
    extensions = list(
        ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING,
            deadline__assignment__in=Assignment.objects.visible_to(request.user),
        )
        .select_related(
            "deadline__assignment__agency",
            "deadline__assignment__proposal__session",
            "requested_by",
        )
        .order_by("requested_at")
    )
    choices = list(AdjustmentDecisionForm().fields["new_agency"].choices) if adjustments else []
    for adjustment in adjustments:
        adjustment.form = AdjustmentDecisionForm(prefix=f"a{adjustment.pk}", choices=choices)
    for extension in extensions:
        extension.form = ExtensionDecisionForm(
            prefix=f"e{extension.pk}", initial={"granted_date": extension.proposed_date}
        )
    return render(
        request,
        "proposals/requests.html",
        {"adjustments": adjustments, "extensions": extensions},
    )
