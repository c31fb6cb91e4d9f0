"""Earlier items for the similar-items tests, each brought through the services to where a
test needs it, and indexed (the tests' transactions never commit, so the index written
on commit is written here)."""

from __future__ import annotations

from agencies.models import AgencyMembership
from disclosure.services import reply_publish
from proposals import services as ps
from proposals import similarity
from proposals.models import Proposal
from responses import services as rs
from responses.models import ReplyLetter
from responses.richtext import from_plain
from tests import factories
from tests import workflow as wf
from tests.conftest import World

TOPIC_TITLE = "关于完善社区老年助餐服务的提案"
TOPIC_BODY = "一、关于增加社区老年食堂和助餐点\n二、关于老年助餐服务的运营补贴和配送"


def leader_of(agency):
    """The agency's leader, made when it has none yet."""
    membership = AgencyMembership.objects.filter(
        agency=agency, role=AgencyMembership.Role.LEADER
    ).first()
    if membership:
        return membership.user
    return factories.MembershipFactory(
        agency=agency, role=AgencyMembership.Role.LEADER, user__username=f"leader{agency.pk}"
    ).user


def replied(
    w: World,
    *,
    title: str = TOPIC_TITLE,
    body: str = TOPIC_BODY,
    reply: str = "委员:\n\n现答复如下:老年助餐服务已覆盖全部街道。",
    agency=None,
    clerk=None,
    proposer=None,
    publish: bool = False,
    send: bool = True,
) -> Proposal:
    """An item of ``proposer`` (the other proposer by default) answered by ``agency``
    (the lead agency by default): its letter sent and, with ``publish``, published."""
    agency = agency or w.lead_agency
    clerk = clerk or w.lead_clerk
    proposer = proposer or w.other_proposer
    proposal = ps.proposal_create(
        session=w.session, title=title, body=body, lead_proposer=proposer, by=w.staff
    )
    ps.proposal_submit(proposal=proposal, by=w.staff)
    ps.proposal_accept(proposal=proposal, by=w.staff)
    (lead,) = ps.proposal_assign(proposal=proposal, lead=agency, by=w.staff)
    ps.assignment_sign_for(assignment=lead, by=clerk)
    if send:
        letter = rs.reply_draft(
            assignment=lead, body=from_plain(reply), result_category=wf.category(), by=clerk
        )
        rs.reply_submit(letter=letter, by=clerk)
        rs.reply_approve(letter=letter, by=leader_of(agency))
        rs.reply_send(letter=letter, by=clerk)
        if publish:
            reply_publish(letter=letter, by=clerk)
    return Proposal.objects.get(pk=proposal.pk)


def letter_of(proposal: Proposal) -> ReplyLetter:
    return ReplyLetter.objects.get(assignment__proposal=proposal)


def index_all() -> None:
    for proposal in Proposal.objects.all():
        similarity.index(proposal)
