"""办结: an item closes when every reply owed is sent and rated."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ..errors import InvalidInput
from ..models import Assignment, Proposal, Verb
from ..workflow import locked, require, require_transition, take


def closing_blockers(proposal: Proposal) -> list[str]:
    """Return what still keeps ``proposal`` open, in words for staff; empty when it can close.

    Every lead or split agency must have sent its reply for the current round
    and the lead proposer must have rated it. A 不满意 keeps the item open
    while re-handling rounds remain. An item sent only for reference closes
    once every agency has signed for it.
    """
    from responses.models import Feedback, ReplyLetter

    blockers = []
    assignments = list(proposal.assignments.active().select_related("agency"))
    replying = [a for a in assignments if a.owes_reply]
    if not replying:
        for a in assignments:
            if a.status != Assignment.Status.READ:
                blockers.append(f"{a.agency.display_name}尚未签阅。")
        return blockers or ([] if assignments else ["尚未交办。"])
    for a in replying:
        name = a.agency.display_name
        if a.status != Assignment.Status.REPLIED:
            blockers.append(f"{name}尚未答复。")
            continue
        reply = ReplyLetter.objects.get(assignment=a, round=a.round)
        ratings = {f.proposer_id: f.rating for f in reply.feedback.all()}
        if proposal.lead_proposer_id not in ratings:
            blockers.append(f"{name}的答复尚未收到领衔人评价。")
        rounds_left = a.round <= settings.PORTAL["MAX_REHANDLING_ROUNDS"]
        if rounds_left and Feedback.Rating.DISSATISFIED in ratings.values():
            blockers.append(f"{name}的答复有不满意评价,应重新办理。")
    return blockers


@transaction.atomic
def proposal_close(*, proposal: Proposal, by, note: str = "") -> Proposal:
    """Close an item (办结) whose replies are all sent and rated."""
    proposal = locked(proposal)
    require(by, "proposals.close_proposal", proposal, "办结")
    return _close(proposal, by=by, note=note)


def _close(proposal: Proposal, *, by, note: str = "") -> Proposal:
    require_transition(proposal, "close", "办结")
    blockers = closing_blockers(proposal)
    if blockers:
        raise InvalidInput("暂不能办结:" + "".join(blockers))
    take(proposal, "close", by=by, verb=Verb.CLOSED, proposal=proposal, note=note.strip())
    from deadlines.models import Step
    from deadlines.services import cancel_open

    for assignment in proposal.assignments.all():
        cancel_open(assignment, [Step.SIGN_FOR, Step.OPINION, Step.REPLY, Step.REHANDLING])
    return proposal


def close_if_complete(proposal: Proposal) -> bool:
    """Close ``proposal`` on the portal's own account if nothing keeps it open.

    Called by the services whose step may complete an item (a rating); the
    caller holds the transaction.
    """
    proposal = locked(proposal)
    if proposal.status != Proposal.Status.REPLIED or closing_blockers(proposal):
        return False
    _close(proposal, by=None, note="全部答复已送达并评价,自动办结。")
    return True
