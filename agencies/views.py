"""The agency workspace: its assignments by tab, with counts and due dates by urgency."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from accounts.roles import roles_of
from deadlines.calendar import WorkingCalendar
from deadlines.display import urgency
from portal import clock
from proposals.models import Assignment
from responses.models import ReplyLetter

from .models import Agency

S = Assignment.Status
TABS = {
    "pending": ("待签收", Q(status__in=[S.PENDING, S.ADJUSTMENT_REQUESTED])),
    "handling": ("办理中", Q(status=S.HANDLING)),
    "review": ("待审核", Q(replies__status=ReplyLetter.Status.PENDING_APPROVAL)),
    "done": ("已答复", Q(status__in=[S.REPLIED, S.OPINION_SENT, S.READ])),
}


def _due_subquery():
    from django.db.models import OuterRef, Subquery

    from deadlines.models import Deadline

    return Subquery(
        Deadline.objects.open()
        .filter(assignment=OuterRef("pk"))
        .order_by("effective_due_on")
        .values("effective_due_on")[:1]
    )


def _opening_tab(counts: dict, is_leader: bool) -> str:
    """Open where the work is: a leader's approvals first, else the first tab holding any."""
    if is_leader and counts["review"]:
        return "review"
    return next((key for key in TABS if counts[key]), "pending")


@login_required
def workspace(request):
    roles = roles_of(request.user)
    if not roles.agency_ids:
        raise PermissionDenied
    agencies = list(Agency.objects.filter(pk__in=roles.agency_ids).order_by("name"))
    chosen = request.GET.get("agency")
    agency = (
        get_object_or_404(Agency, pk=chosen, pk__in=roles.agency_ids)
        if chosen and chosen.isdigit()
        else agencies[0]
    )
    mine = Assignment.objects.filter(agency=agency)
    counts = mine.aggregate(
        **{
            key: Count("pk", filter=condition, distinct=True)
            for key, (_, condition) in TABS.items()
        }
    )
    is_leader = roles.is_leader_of(agency.pk)
    tab = request.GET.get("tab")
    if tab not in TABS:
        tab = _opening_tab(counts, is_leader)
    rows = (
        mine.filter(TABS[tab][1])
        .distinct()
        .select_related("proposal__session", "proposal__lead_proposer")
        .annotate(next_due=_due_subquery())
        .order_by("next_due", "assigned_at")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    today, calendar = clock.today(), WorkingCalendar.load()
    letters = {
        letter.assignment_id: letter
        for letter in ReplyLetter.objects.filter(assignment__in=page.object_list).order_by("round")
    }
    for row in page.object_list:
        row.letter = letters.get(row.pk)
        if row.next_due:
            row.urgency, row.urgency_text = urgency(row.next_due, today, calendar)
    return render(
        request,
        "agencies/workspace.html",
        {
            "agency": agency,
            "agencies": agencies,
            "tabs": [(key, label, counts[key]) for key, (label, _) in TABS.items()],
            "tab": tab,
            "page": page,
            "is_leader": is_leader,
            "query": f"agency={agency.pk}&tab={tab}",
        },
    )
