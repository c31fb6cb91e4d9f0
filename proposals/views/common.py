"""What every working view does: find the object the user may see, run a service, report."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.roles import roles_of
from portal.forms import apply_workflow_error

from ..errors import WorkflowError
from ..models import Assignment, Attachment, Proposal


def staff_bodies(request) -> list[str]:
    """The bodies whose committee staff the user is; a 403 for anyone else."""
    bodies = sorted(roles_of(request.user).staff_bodies)
    if not bodies:
        raise PermissionDenied
    return bodies


def visible_proposal(request, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related(
            "session", "lead_proposer", "topic", "merged_into"
        ),
        pk=pk,
    )


def visible_assignment(request, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("agency", "proposal__session"),
        pk=pk,
    )


def attachment_download(attachment: Attachment) -> FileResponse:
    """The file of ``attachment`` to save under its original name; a 404 if the file is gone."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


def back(request, default: str):
    """Where to go after a step: the page named in ``next`` if it is ours, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def detail(proposal_or_id):
    pk = getattr(proposal_or_id, "pk", proposal_or_id)
    return redirect("proposals:detail", pk=pk)


def attempt(request, step: Callable[[], object], success: str) -> bool:
    """Run a service step; report success or the refusal as a message. Returns whether it ran."""
    try:
        step()
    except WorkflowError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def form_page(request, proposal, form, template: str, step, success: str, extra=None):
    """Show ``form``; on a valid POST run ``step(data)`` and go back to the item.

    A refusal is shown on the form with everything typed kept.
    """
    if request.method == "POST" and form.is_valid():
        try:
            step(form.cleaned_data)
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            messages.success(request, success)
            return detail(proposal)
    return render(request, template, {"proposal": proposal, "form": form, **(extra or {})})
