from django.db.models import Count
from django.shortcuts import render

from proposals.models import Proposal, Session


def home(request):
    """The front page: the portal is up, what it holds, and the way in."""
    counts = dict(
        Proposal.objects.exclude(status=Proposal.Status.DRAFT)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    statuses = [(label, counts.get(value, 0)) for value, label in Proposal.Status.choices[1:]]
    return render(
        request,
        "home.html",
        {
            "statuses": statuses,
            "total": sum(counts.values()),
            "sessions": Session.objects.all()[:8],
        },
    )
