"""The item page and the steps taken from it. Each step is a POST that calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from deadlines import services as deadline_services
from deadlines.forms import ExtensionDecisionForm
from deadlines.models import ExtensionRequest

from .. import selectors, services
from ..errors import WorkflowError
from ..forms import (
    AdjustmentDecisionForm,
    AdjustmentRequestForm,
    AssignForm,
    BulkAssignForm,
    CloseForm,
    MergeForm,
    RejectForm,
)
from ..models import Assignment, Attachment, Proposal
from .common import (
    attachment_download,
    attempt,
    back,
    detail,
    form_page,
    staff_bodies,
    visible_assignment,
    visible_proposal,
)


@login_required
def proposal_detail(request, pk: int):
    """One item as the user may see it, with the steps they may take; a 404 for anyone else."""
    proposal = visible_proposal(request, pk)
    return render(request, "proposals/detail.html", selectors.proposal_page(proposal, request.user))


@login_required
@require_POST
def accept(request, pk: int):
    proposal = visible_proposal(request, pk)
    word = "立案" if proposal.body_kind == "cppcc" else "登记"
    attempt(
        request,
        lambda: services.proposal_accept(proposal=proposal, by=request.user),
        f"已{word}。",
    )
    return detail(proposal)


@login_required
def reject(request, pk: int):
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.review_proposal", proposal):
        raise PermissionDenied
    form = RejectForm(request.POST or None)
    return form_page(
        request,
        proposal,
        form,
        "proposals/reject.html",
        lambda d: services.proposal_reject(
            proposal=proposal, reason=d["reason"], forward=d["forward"], by=request.user
        ),
        "已作不予立案处理,提出人会收到理由。",
    )


@login_required
def merge(request, pk: int):
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.review_proposal", proposal):
        raise PermissionDenied
    form = MergeForm(request.POST or None)

    def step(data):
        number = data["into_number"].strip().removeprefix("第").removesuffix("号")
        into = (
            Proposal.objects.visible_to(request.user)
            .filter(session=proposal.session, number=number)
            .first()
        )
        if into is None:
            raise WorkflowError(f"本次会议没有第{number}号。", field="into_number")
        services.proposal_merge(proposal=proposal, into=into, note=data["note"], by=request.user)

    return form_page(request, proposal, form, "proposals/merge.html", step, "已并案。")


@login_required
@require_POST
def mark_key(request, pk: int):
    proposal = visible_proposal(request, pk)
    is_key = request.POST.get("is_key") == "1"
    attempt(
        request,
        lambda: services.proposal_mark_key(proposal=proposal, is_key=is_key, by=request.user),
        "已列为重点督办件。" if is_key else "已取消重点督办。",
    )
    return detail(proposal)


@login_required
def assign(request, pk: int):
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.assign_proposal", proposal):
        raise PermissionDenied
    form = AssignForm(request.POST or None)
    return form_page(
        request,
        proposal,
        form,
        "proposals/assign.html",
        lambda d: services.proposal_assign(
            proposal=proposal,
            lead=d["lead"],
            co_handlers=list(d["co_handlers"]),
            split=list(d["split"]),
            reference=list(d["reference"]),
            note=d["note"],
            by=request.user,
        ),
        "已交办,承办单位会收到通知。",
    )


@login_required
def bulk_assign(request):
    """Assign many accepted items to the same agencies at once."""
    staff_bodies(request)
    accepted = Proposal.objects.visible_to(request.user).filter(status=Proposal.Status.ACCEPTED)
    ids = request.POST.getlist("proposals") or request.GET.getlist("proposals")
    chosen = accepted.filter(pk__in=[i for i in ids if i.isdigit()]).select_related("session")
    form = BulkAssignForm(
        request.POST if "lead" in request.POST or "split" in request.POST else None,
        proposals=accepted,
        initial={"proposals": list(chosen)},
    )
    if form.is_bound and form.is_valid():
        done, refused = 0, []
        for proposal in form.cleaned_data["proposals"]:
            try:
                services.proposal_assign(
                    proposal=proposal,
                    lead=form.cleaned_data["lead"],
                    co_handlers=list(form.cleaned_data["co_handlers"]),
                    split=list(form.cleaned_data["split"]),
                    reference=list(form.cleaned_data["reference"]),
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
                done += 1
            except WorkflowError as error:
                refused.append(f"第{proposal.number}号:{error.message}")
        if done:
            messages.success(request, f"已交办 {done} 件。")
        for line in refused:
            messages.error(request, line)
        if not refused:
            return redirect("proposals:register")
    return render(request, "proposals/bulk_assign.html", {"form": form, "chosen": list(chosen)})


@login_required
def close(request, pk: int):
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.close_proposal", proposal):
        raise PermissionDenied
    form = CloseForm(request.POST or None)
    return form_page(
        request,
        proposal,
        form,
        "proposals/close.html",
        lambda d: services.proposal_close(proposal=proposal, note=d["note"], by=request.user),
        "已办结。",
        {"blockers": services.closing_blockers(proposal)},
    )


@login_required
@require_POST
def submit(request, pk: int):
    proposal = visible_proposal(request, pk)
    attempt(
        request,
        lambda: services.proposal_submit(proposal=proposal, by=request.user),
        "已提交。",
    )
    return detail(proposal)


@login_required
def attachment(request, pk: int):
    """Download an attachment of an item the user may see."""
    return attachment_download(
        get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    )


# Assignments


@login_required
@require_POST
def sign_for(request, pk: int):
    assignment = visible_assignment(request, pk)
    word = "签阅" if assignment.mode == Assignment.Mode.REFERENCE else "签收"
    attempt(
        request,
        lambda: services.assignment_sign_for(assignment=assignment, by=request.user),
        f"已{word}。",
    )
    return detail(assignment.proposal_id)


@login_required
def request_adjustment(request, pk: int):
    assignment = visible_assignment(request, pk)
    if not selectors.can(request.user, "proposals.request_adjustment", assignment):
        raise PermissionDenied
    form = AdjustmentRequestForm(request.POST or None)
    return form_page(
        request,
        assignment.proposal,
        form,
        "proposals/adjustment_request.html",
        lambda d: services.assignment_request_adjustment(
            assignment=assignment, reason=d["reason"], by=request.user
        ),
        "调整申请已提交,等待委员会审批。",
        {"assignment": assignment},
    )


@login_required
@require_POST
def decide_adjustment(request, pk: int):
    assignment = visible_assignment(request, pk)
    form = AdjustmentDecisionForm(request.POST, prefix=f"a{assignment.pk}")
    if not form.is_valid():
        messages.error(request, "请选择同意或不同意调整。")
    else:
        approve = form.cleaned_data["decision"] == "approve"
        attempt(
            request,
            lambda: services.assignment_decide_adjustment(
                assignment=assignment,
                approve=approve,
                new_agency=form.cleaned_data["new_agency"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            "已同意调整。" if approve else "已退回原单位签收。",
        )
    return back(request, "proposals:requests")


@login_required
@require_POST
def decide_extension(request, pk: int):
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            deadline__assignment__in=Assignment.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    form = ExtensionDecisionForm(request.POST, prefix=f"e{extension.pk}")
    if not form.is_valid():
        messages.error(request, "请选择同意或不同意延期,日期请按 2026-12-31 的格式填写。")
    else:
        approve = form.cleaned_data["decision"] == "approve"
        attempt(
            request,
            lambda: deadline_services.extension_decide(
                request=extension,
                approve=approve,
                granted_date=form.cleaned_data["granted_date"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            "已同意延期。" if approve else "已不同意延期。",
        )
    return back(request, "proposals:requests")
