"""The 往年相似建议提案 panel, one tag on the pages that show it:

- the proposer's draft (its text as saved; the page's script follows what is typed);
- the item's page for committee staff (reviewing it) and for whoever edits the draft;
- the reply letter's editor (``quote=True``), each paragraph of an earlier reply with a
  button that quotes it into the letter.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from accounts.roles import roles_of

from ..models import Proposal
from ..selectors import can
from ..similarity import repeats_for, similar_to

register = template.Library()

EMPTY_TEXT = "没有找到相似的往年建议提案。"
TYPING_TEXT = "填写标题和正文后,这里列出往年相似的建议提案及其答复。"


def _fetch_url(proposal: Proposal | None) -> str:
    query = {}
    if proposal is not None:
        query = {"session": proposal.session_id, "exclude": proposal.pk}
    return reverse("proposals:similar") + ("?" + urlencode(query) if query else "")


@register.inclusion_tag("proposals/_similar.html", takes_context=True)
def similar_panel(
    context, proposal: Proposal | None = None, *, draft: bool = False, quote: bool = False
):
    """The panel for ``proposal`` (``None``: a draft not yet saved), or nothing for a
    reader it is not for. ``draft``: the page edits the draft, whose fields the page's
    script follows as they are typed."""
    user = context["request"].user
    proposal = proposal or None  # a page without the item yet passes ""
    is_staff = proposal is not None and roles_of(user).is_staff_of(proposal.body_kind)
    editing = proposal is None or (
        proposal.status == Proposal.Status.DRAFT and can(user, "proposals.edit_draft", proposal)
    )
    if not (quote or is_staff or editing):
        return {"show": False}
    precedents = similar_to(proposal, user) if proposal is not None else []
    return {
        "show": True,
        "subject": proposal,
        "precedents": precedents,
        "empty_text": EMPTY_TEXT if proposal is not None else TYPING_TEXT,
        "fetch_url": _fetch_url(proposal) if (draft or proposal is None) else "",
        "quote": quote,
        "can_mark": is_staff
        and proposal.status not in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN)
        and can(user, "proposals.mark_repeat", proposal),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("proposals/_repeats.html", takes_context=True)
def repeat_links(context, proposal: Proposal):
    """The item's repeat marks (重复提出) the reader may see, with staff's unmark forms."""
    user = context["request"].user
    return {
        "subject": proposal,
        "repeats": repeats_for(proposal, user),
        "can_mark": can(user, "proposals.mark_repeat", proposal),
        "csrf_token": context.get("csrf_token"),
    }
