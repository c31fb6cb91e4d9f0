from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from portal.forms import apply_workflow_error
from proposals.errors import WorkflowError
from proposals.models import Assignment
from proposals.selectors import can
from proposals.views.common import detail

from . import services
from .forms import ExtensionRequestForm
from .models import Deadline


@login_required
def request_extension(request, pk: int):
    """An agency asks for more time on one of its deadlines."""
    deadline = get_object_or_404(
        Deadline.objects.filter(
            assignment__in=Assignment.objects.visible_to(request.user)
        ).select_related("assignment__agency", "assignment__proposal__session"),
        pk=pk,
    )
    if not can(request.user, "deadlines.request_extension", deadline):
        raise PermissionDenied
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(deadline=deadline, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            messages.success(request, "延期申请已提交,等待委员会审批。")
            return detail(deadline.assignment.proposal_id)
    return render(
        request,
        "deadlines/extension_request.html",
        {
            "form": form,
            "deadline": deadline,
            "proposal": deadline.assignment.proposal,
            "cap": services.extension_cap(deadline),
        },
    )
