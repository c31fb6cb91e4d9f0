"""往年相似建议提案 and 重复提出: the draft page's lookup as it is typed, and staff marking
an item as a repeat of an earlier one (or taking the mark off)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import services, similarity
from ..models import Proposal
from ..templatetags.precedents import EMPTY_TEXT, TYPING_TEXT
from .common import attempt, back, detail, visible_proposal

LOOKUP_TEXT = 2000  # characters of the draft's text a lookup as it is typed reads


def _number(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@require_GET
def similar(request):
    """The panel's list for the text being typed (``title``, ``body``; ``session``,
    ``topic``, and ``exclude``: the draft itself), as the page's script asks for it."""
    title = request.GET.get("title", "")[: similarity.MAX_TEXT]
    body = request.GET.get("body", "")[:LOOKUP_TEXT]
    precedents = []
    if (title + body).strip():
        exclude = _number(request.GET.get("exclude"))
        precedents = similarity.similar_to(
            body,
            request.user,
            title=title,
            session_id=_number(request.GET.get("session")),
            topic_id=_number(request.GET.get("topic")),
            exclude=exclude,
        )
    return render(
        request,
        "proposals/_similar_list.html",
        {
            "precedents": precedents,
            "empty_text": EMPTY_TEXT if (title + body).strip() else TYPING_TEXT,
        },
    )


def _earlier(request) -> Proposal | None:
    pk = _number(request.POST.get("earlier"))
    return similarity.visible_items(request.user).filter(pk=pk).first() if pk else None


@login_required
@require_POST
def mark_repeat(request, pk: int):
    """Staff mark the item as a repeat of an earlier one (``earlier``, with a ``note``)."""
    proposal = visible_proposal(request, pk)
    earlier = _earlier(request)
    if earlier is None:
        messages.error(request, "请选择此前提出的建议提案。")
        return detail(proposal)
    attempt(
        request,
        lambda: services.proposal_mark_repeat(
            proposal=proposal, earlier=earlier, note=request.POST.get("note", ""), by=request.user
        ),
        f"已标记本件重复提出{earlier.session.label}第{earlier.number}号。",
    )
    return detail(proposal)


@login_required
@require_POST
def unmark_repeat(request, pk: int):
    """Staff take off the mark that the item repeats ``earlier``, giving a ``reason``."""
    proposal = visible_proposal(request, pk)
    earlier = _earlier(request)
    if earlier is None:
        messages.error(request, "没有找到要取消的重复提出标记。")
        return back(request, reverse("proposals:detail", args=[proposal.pk]))
    attempt(
        request,
        lambda: services.proposal_unmark_repeat(
            proposal=proposal,
            earlier=earlier,
            reason=request.POST.get("reason", ""),
            by=request.user,
        ),
        "已取消重复提出的标记。",
    )
    return back(request, reverse("proposals:detail", args=[proposal.pk]))
