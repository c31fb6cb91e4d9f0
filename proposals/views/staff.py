"""Committee staff pages: the register, the review queue, the board, the request queues."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.roles import roles_of
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
    """All items of the staff's bodies, filtered and searched, 30 a page; an agency's own
    items for its members (where the statistics' numbers of an agency lead).

    A filter value that is not a choice is left out, and said so; the others still apply.
    """
    if not rules.has_perm("proposals.read_register", request.user):
        raise PermissionDenied
    roles = roles_of(request.user)
    bodies = sorted(roles.staff_bodies) or None
    rows = selectors.register(request.user)
    data = request.GET.copy()
    data.pop("page", None)
    filters = RegisterFilter(data or None, queryset=rows, bodies=bodies)
    ignored = []
    if filters.is_bound and not filters.is_valid():
        ignored = [filters.form.fields[name].label for name in filters.form.errors]
        for name in filters.form.errors:
            data.pop(name, None)
        filters = RegisterFilter(data or None, queryset=rows, bodies=bodies)
    valid = filters.is_bound and filters.is_valid()
    queryset = filters.qs if valid else filters.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_urgency(page.object_list)
    stat = filters.form.cleaned_data.get("stat") if valid else None
    return render(
        request,
        "proposals/register.html",
        {
            "filters": filters,
            "ignored": ignored,
            "page": page,
            "query": data.urlencode(),
            "bulk_form": BulkAssignForm(),
            "is_staff": bool(roles.staff_bodies),
            "stat_label": dict(filters.form.fields["stat"].choices).get(stat) if stat else "",
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
