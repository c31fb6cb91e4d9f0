"""Filing an item (staff, on a proposer's behalf) and the proposer's own pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render

from accounts.roles import roles_of
from agencies.models import Body
from portal.forms import apply_workflow_error

from .. import services
from ..errors import WorkflowError
from ..forms import FilingForm
from ..models import CoSigner, Event, Proposal, Proposer
from ..timeline import PROPOSER_VERBS, describe
from .common import staff_bodies


@login_required
def file_proposal(request):
    """Enter an item received on paper: its proposers from the register, its text, its files."""
    bodies = staff_bodies(request)
    form = FilingForm(request.POST or None, request.FILES or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                proposal = services.proposal_create(
                    session=data["session"],
                    number=data["number"],
                    title=data["title"],
                    body=data["body"],
                    lead_proposer=data["lead"],
                    co_signers=data["co_signer_list"],
                    topic=data["topic"],
                    filed_during=data["filed_during"],
                    is_key=data["is_key"],
                    by=request.user,
                )
                for upload in data["attachments"]:
                    services.proposal_attach(proposal=proposal, upload=upload, by=request.user)
                if data["submit_now"]:
                    services.proposal_submit(proposal=proposal, by=request.user)
        except WorkflowError as error:
            apply_workflow_error(form, error)
            if data["attachments"]:
                form.add_error(None, "未保存任何内容;附件需重新选择。")
        else:
            word = f"第{proposal.number}号" if proposal.number else "草稿"
            messages.success(request, f"已录入{word}《{proposal.title}》。")
            return redirect("proposals:detail", pk=proposal.pk)
    names = Proposer.objects.filter(body__in=bodies, is_active=True).values_list("name", flat=True)
    return render(request, "proposals/file.html", {"form": form, "proposer_names": names})


@login_required
def mine(request):
    """A proposer's items, each with where it stands in plain words, and the drafts others
    invited them to co-sign (邀请我联名的), to confirm or decline."""
    proposer_id = roles_of(request.user).proposer_id
    if proposer_id is None:
        raise PermissionDenied
    proposer = Proposer.objects.only("body").get(pk=proposer_id)
    invitations = Paginator(
        CoSigner.objects.filter(proposer_id=proposer_id, proposal__status=Proposal.Status.DRAFT)
        .select_related("proposal__session", "proposal__lead_proposer")
        .order_by(F("invited_at").desc(nulls_last=True), "-id"),
        10,
    ).get_page(request.GET.get("invitations"))
    items = (
        Proposal.objects.of_proposer(proposer_id)
        .select_related("session", "lead_proposer")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=Event.objects.filter(verb__in=PROPOSER_VERBS).select_related(
                    "assignment__agency"
                ),
                to_attr="public_events",
            )
        )
        .order_by("-created_at")
    )
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    for item in page.object_list:
        last = item.public_events[-1] if item.public_events else None
        item.latest = describe(last, item) if last else "尚未提交"
        item.latest_at = last.at if last else item.created_at
    return render(
        request,
        "proposals/mine.html",
        {"page": page, "invitations": invitations, "noun": Body(proposer.body).item_noun},
    )
