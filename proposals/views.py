from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Proposal


@login_required
def proposal_list(request):
    """The items the signed-in user may see, newest session first."""
    proposals = Proposal.objects.visible_to(request.user).select_related("session", "lead_proposer")
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return render(request, "proposals/list.html", {"page": page})


@login_required
def proposal_detail(request, pk: int):
    """One item with its assignments and timeline; a 404 for anyone who may not see it."""
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related(
            "session", "lead_proposer", "topic", "merged_into"
        ),
        pk=pk,
    )
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "proposers": proposal.proposers(),
            "assignments": proposal.assignments.select_related("agency").prefetch_related(
                "deadlines"
            ),
            "events": proposal.events.select_related("actor", "assignment__agency"),
        },
    )
