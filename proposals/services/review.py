"""立案审查: committee staff accept, merge or reject a submitted item.

CPPCC proposals are reviewed; NPC suggestions are registered, so for a body
not listed in ``PORTAL["REVIEW_BODIES"]`` only accepting (登记) is possible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ..errors import InvalidInput
from ..models import Proposal, Verb
from ..workflow import (
    locked,
    record,
    require,
    require_state,
    require_text,
    require_transition,
    take,
)


def _require_review(proposal: Proposal, action: str) -> None:
    if proposal.body_kind not in settings.PORTAL["REVIEW_BODIES"]:
        raise InvalidInput(f"{proposal.get_kind_display()}不经立案审查,不能{action}。")


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by, note: str = "") -> Proposal:
    """Accept (立案) or register (登记) a submitted item."""
    proposal = locked(proposal)
    require(by, "proposals.review_proposal", proposal, "立案")
    take(proposal, "accept", by=by, verb=Verb.ACCEPTED, proposal=proposal, note=note.strip())
    return proposal


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, by, note: str = "") -> Proposal:
    """Merge a submitted item into another of the same session (并案).

    The merged item keeps its number and text; its proposers follow the item
    it was merged into, and receive that item's reply.
    """
    proposal = locked(proposal)
    require(by, "proposals.review_proposal", proposal, "并案")
    require_transition(proposal, "merge_into", "并案")
    _require_review(proposal, "并案")
    into = locked(into)
    if into.pk == proposal.pk:
        raise InvalidInput("不能并入自身。", field="into")
    if into.session_id != proposal.session_id:
        raise InvalidInput("只能并入同一次会议的建议提案。", field="into")
    if into.status not in (
        Proposal.Status.SUBMITTED,
        Proposal.Status.ACCEPTED,
        Proposal.Status.ASSIGNED,
    ):
        raise InvalidInput(
            f"第{into.number}号状态为“{into.get_status_display()}”,不能作为并案主件。",
            field="into",
        )
    take(
        proposal,
        "merge_into",
        into,
        by=by,
        verb=Verb.MERGED,
        proposal=proposal,
        note=note.strip(),
        data={"into": into.pk, "into_number": into.number},
    )
    record(
        proposal=into,
        verb=Verb.MERGED,
        by=by,
        note=f"第{proposal.number}号并入本件。",
        data={"source": proposal.pk, "source_number": proposal.number},
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, reason: str, by, forward: bool = False) -> Proposal:
    """Decline a submitted item (不予立案); the proposer sees the reason.

    ``forward`` records that the text goes to the relevant department as an
    opinion (意见建议/社情民意) instead.
    """
    proposal = locked(proposal)
    require(by, "proposals.review_proposal", proposal, "不予立案")
    require_transition(proposal, "reject", "不予立案")
    _require_review(proposal, "不予立案")
    reason = require_text(reason, field="reason", what="不予立案的理由")
    take(
        proposal,
        "reject",
        reason,
        forward,
        by=by,
        verb=Verb.REJECTED,
        proposal=proposal,
        note=reason,
        data={"forwarded": forward},
    )
    return proposal


@transaction.atomic
def proposal_mark_key(*, proposal: Proposal, is_key: bool, by, note: str = "") -> Proposal:
    """Put an item on, or take it off, the list of key items supervised by leaders (重点督办)."""
    proposal = locked(proposal)
    require(by, "proposals.review_proposal", proposal, "确定重点督办件")
    open_states = (Proposal.Status.SUBMITTED, Proposal.Status.ACCEPTED, Proposal.Status.ASSIGNED)
    require_state(proposal, (*open_states, Proposal.Status.REPLIED), "确定重点督办件")
    if proposal.is_key == is_key:
        return proposal
    proposal.is_key = is_key
    proposal.save(update_fields=["is_key"])
    record(
        proposal=proposal,
        verb=Verb.MARKED_KEY if is_key else Verb.UNMARKED_KEY,
        by=by,
        note=note.strip(),
    )
    return proposal
