from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.roles import roles_of
from disclosure import public
from disclosure.models import Publication
from proposals.models import Proposal, Session
from proposals.views.common import back

from .context_processors import TEXT_SIZE_COOKIE
from .script import SCRIPT_COOKIE, TRADITIONAL


def home(request):
    """The front page: the latest published replies, ways to find more, and the way in."""
    counts = dict(
        Proposal.objects.exclude(status=Proposal.Status.DRAFT)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    statuses = [(label, counts.get(value, 0)) for value, label in Proposal.Status.choices[1:]]
    browse = public.facets()
    latest = (
        Publication.objects.public()
        .select_related("agency")
        .defer("body", "contact_name", "contact_phone")[:10]
    )
    return render(
        request,
        "home.html",
        {
            "statuses": statuses,
            "total": sum(counts.values()),
            "sessions": Session.objects.all()[:8],
            "form": public.ReplyFilter(facets=browse),
            "browse": browse,
            "latest": latest,
        },
    )


@login_required
def workspace(request):
    """Send each user to the workspace of their role."""
    roles = roles_of(request.user)
    if roles.staff_bodies:
        return redirect("proposals:register")
    if roles.agency_ids:
        return redirect("agencies:workspace")
    if roles.proposer_id:
        return redirect("proposals:mine")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "no_role.html")


YEAR = 365 * 24 * 3600


def _remember(request, cookie: str, value: str | None):
    """Go back to the page the reader was on, remembering (or forgetting) a display choice."""
    response = back(request, "home")
    if value:
        response.set_cookie(cookie, value, max_age=YEAR, samesite="Lax")
    else:
        response.delete_cookie(cookie)
    return response


# The display choices only set a cookie of the reader's own; without a token they can
# sit on cached public pages shared by every anonymous reader.
@csrf_exempt
@require_POST
def set_text_size(request):
    """Switch large, high-contrast text on or off."""
    return _remember(
        request, TEXT_SIZE_COOKIE, "large" if request.POST.get("size") == "large" else None
    )


@csrf_exempt
@require_POST
def set_script(request):
    """Switch between Simplified and Traditional characters."""
    traditional = request.POST.get("script") == TRADITIONAL
    return _remember(request, SCRIPT_COOKIE, TRADITIONAL if traditional else None)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
