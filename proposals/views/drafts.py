"""Filing online: a proposer drafts an item, invites co-signers, who confirm or decline in
their own workspace, submits it, and may withdraw it before review.

Each page finds the item through ``visible_to`` and runs one service; a refusal is shown
with everything typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.roles import roles_of
from agencies.models import Body
from portal.forms import apply_workflow_error

from .. import selectors, services
from ..errors import EditConflict, WorkflowError
from ..forms import DeclineForm, EditDraftForm, InviteForm, NewDraftForm, WithdrawForm
from ..models import Proposal, Proposer, Session
from ..services.filing import COSIGN_RULE
from .common import attempt, back, detail, form_page, visible_proposal


def _own_proposer(request) -> Proposer:
    """The signed-in proposer; a 403 for anyone who is not one."""
    proposer_id = roles_of(request.user).proposer_id
    if proposer_id is None:
        raise PermissionDenied
    return Proposer.objects.get(pk=proposer_id)


def _colleagues(body: str):
    """The names of the body's serving members, suggested as a proposer types co-signers."""
    return Proposer.objects.filter(body=body, is_active=True).values_list("name", flat=True)


def _attach_all(proposal: Proposal, uploads, user) -> None:
    for upload in uploads:
        services.proposal_attach(proposal=proposal, upload=upload, by=user)


def _files_again(form, uploads) -> None:
    if uploads:
        form.add_error(None, "附件需重新选择:本次没有保存任何内容。")


def _default_filed_during(session: Session | None) -> str:
    if session is not None and session.filing_closed():
        return Proposal.FiledDuring.INTERIM
    return Proposal.FiledDuring.SESSION


@login_required
def draft_new(request):
    """A proposer starts a draft of their own, naming co-signers to invite."""
    proposer = _own_proposer(request)
    sessions = Session.objects.filter(body=proposer.body)
    latest = sessions.first()
    form = NewDraftForm(
        request.POST or None,
        request.FILES or None,
        body=proposer.body,
        initial={"session": latest, "filed_during": _default_filed_during(latest)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                proposal = services.proposal_create(
                    session=data["session"],
                    title=data["title"],
                    body=data["body"],
                    lead_proposer=proposer,
                    co_signers=data["co_signers"],
                    topic=data["topic"],
                    filed_during=data["filed_during"],
                    by=request.user,
                )
                _attach_all(proposal, data["attachments"], request.user)
        except WorkflowError as error:
            apply_workflow_error(form, error)
            _files_again(form, data["attachments"])
        else:
            invited = "已通知联名人确认;全部确认后即可提交。" if data["co_signers"] else ""
            messages.success(request, f"草稿《{proposal.title}》已保存。{invited}")
            return detail(proposal)
    noun = Body(proposer.body).item_noun
    return render(
        request,
        "proposals/draft_form.html",
        {
            "form": form,
            "proposal": None,
            "noun": noun,
            "rule": COSIGN_RULE,
            "proposer_names": _colleagues(proposer.body),
        },
    )


@login_required
def draft_edit(request, pk: int):
    """Change a draft; a save made from an older version is refused, the text kept."""
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.edit_draft", proposal):
        raise PermissionDenied
    if proposal.status != Proposal.Status.DRAFT:
        messages.error(request, f"当前状态为“{proposal.get_status_display()}”,不能修改。")
        return detail(proposal)
    form = EditDraftForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "title": proposal.title,
            "filed_during": proposal.filed_during,
            "topic": proposal.topic,
            "body": proposal.body,
            "version": proposal.version,
        },
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                proposal = services.proposal_update_draft(
                    proposal=proposal,
                    expected_version=data["version"],
                    title=data["title"],
                    body=data["body"],
                    topic=data["topic"],
                    filed_during=data["filed_during"],
                    by=request.user,
                )
                _attach_all(proposal, data["attachments"], request.user)
        except EditConflict as error:
            apply_workflow_error(form, error)
            _files_again(form, data["attachments"])
            conflict = Proposal.objects.select_related("topic").get(pk=proposal.pk)
            # What was typed stays in the form; saving again after comparing is against
            # the version now seen.
            form.data = form.data.copy()
            form.data["version"] = conflict.version
        except WorkflowError as error:
            apply_workflow_error(form, error)
            _files_again(form, data["attachments"])
        else:
            messages.success(request, f"草稿已保存(第{proposal.version}版)。")
            return detail(proposal)
    return render(
        request,
        "proposals/draft_form.html",
        {
            "form": form,
            "proposal": proposal,
            "conflict": conflict,
            "noun": proposal.get_kind_display(),
            "rule": COSIGN_RULE,
        },
    )


@login_required
def cosigners(request, pk: int):
    """The draft's co-signers and where each stands; invite more by name."""
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.edit_draft", proposal):
        raise PermissionDenied
    if proposal.status != Proposal.Status.DRAFT:
        messages.error(request, f"当前状态为“{proposal.get_status_display()}”,不能邀请联名。")
        return detail(proposal)
    form = InviteForm(request.POST or None, body=proposal.session.body)
    if request.method == "POST" and form.is_valid():
        names = form.cleaned_data["names"]
        try:
            services.cosign_invite(proposal=proposal, proposers=names, by=request.user)
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            invited = "、".join(p.name for p in names)
            messages.success(request, f"已邀请{invited}联名,他们确认后即可提交。")
            return redirect("proposals:cosigners", pk=proposal.pk)
    return render(
        request,
        "proposals/cosigners.html",
        {
            "proposal": proposal,
            "form": form,
            "filing": selectors.filing_panel(proposal, request.user),
            "proposer_names": _colleagues(proposal.session.body),
        },
    )


@login_required
@require_POST
def remove_cosigner(request, pk: int, proposer_pk: int):
    proposal = visible_proposal(request, pk)
    proposer = get_object_or_404(Proposer, pk=proposer_pk)
    attempt(
        request,
        lambda: services.cosign_remove(proposal=proposal, proposer=proposer, by=request.user),
        f"已将{proposer.name}移出联名人。",
    )
    return back(request, reverse("proposals:cosigners", args=[proposal.pk]))


@login_required
@require_POST
def confirm_cosign(request, pk: int):
    """A co-signer confirms the draft from their workspace or the item's page."""
    proposal = visible_proposal(request, pk)
    attempt(
        request,
        lambda: services.cosign_confirm(proposal=proposal, by=request.user),
        f"已确认联名《{proposal.title}》。",
    )
    return back(request, reverse("proposals:detail", args=[proposal.pk]))


@login_required
def decline_cosign(request, pk: int):
    """A co-signer declines, with a reason if they give one; the lead is told."""
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.decline_cosign", proposal):
        raise PermissionDenied
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cosign_decline(
                proposal=proposal, reason=form.cleaned_data["reason"], by=request.user
            )
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            messages.success(request, f"已谢绝联名《{proposal.title}》,领衔人会收到通知。")
            return redirect("proposals:mine")
    return render(request, "proposals/decline_cosign.html", {"proposal": proposal, "form": form})


@login_required
def withdraw(request, pk: int):
    """Withdraw a submitted item before review, saying why."""
    proposal = visible_proposal(request, pk)
    if not selectors.can(request.user, "proposals.withdraw_proposal", proposal):
        raise PermissionDenied
    return form_page(
        request,
        proposal,
        WithdrawForm(request.POST or None),
        "proposals/withdraw.html",
        lambda d: services.proposal_withdraw(proposal=proposal, note=d["note"], by=request.user),
        "已撤回,不再审查办理。",
    )
