from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.roles import roles_of
from disclosure import public
from disclosure.models import Publication
from proposals.models import Proposal, Session

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
    latest = Publication.objects.select_related("agency").defer(
        "body", "contact_name", "contact_phone"
    )[:10]
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


# The display choices only set a cookie of the reader's own; without a token they can
# sit on cached public pages shared by every anonymous reader.
@csrf_exempt
@require_POST
def set_text_size(request):
    """Switch large text on or off; remembered in a cookie for a year."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.POST.get("size") == "large":
        response.set_cookie(TEXT_SIZE_COOKIE, "large", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(TEXT_SIZE_COOKIE)
    return response


@csrf_exempt
@require_POST
def set_script(request):
    """Switch between Simplified and Traditional characters; remembered for a year."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.POST.get("script") == TRADITIONAL:
        response.set_cookie(SCRIPT_COOKIE, TRADITIONAL, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(SCRIPT_COOKIE)
    return response


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
