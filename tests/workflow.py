"""Bring a proposal to a stage of the process through the services, as people would."""

from portal import clock
from proposals import services as ps
from proposals.models import Proposal
from responses import services as rs
from responses.models import ReplyLetter, ResultCategory
from tests.conftest import World

REPLY_TEXT = "戚敏敏委员:\n\n您提出的建议收悉。现答复如下:\n\n一、关于增加社区养老服务设施……"


def draft(w: World, **kwargs) -> Proposal:
    kwargs.setdefault("title", "关于完善“15分钟公共服务圈”的建议")
    kwargs.setdefault("body", "一、关于增加社区养老服务设施\n二、关于加强养老护理人才培养")
    return ps.proposal_create(
        session=w.session,
        lead_proposer=w.lead_proposer,
        co_signers=[w.cosigner],
        by=w.lead_proposer_user,
        **kwargs,
    )


def submitted(w: World, **kwargs) -> Proposal:
    proposal = draft(w, **kwargs)
    ps.cosign_confirm(proposal=proposal, by=w.cosigner_user)
    return ps.proposal_submit(proposal=proposal, by=w.lead_proposer_user)


def accepted(w: World, **kwargs) -> Proposal:
    return ps.proposal_accept(proposal=submitted(w, **kwargs), by=w.staff)


def assigned(w: World, **kwargs) -> Proposal:
    proposal = accepted(w, **kwargs)
    ps.proposal_assign(proposal=proposal, lead=w.lead_agency, co_handlers=[w.co_agency], by=w.staff)
    return Proposal.objects.get(pk=proposal.pk)


def lead_of(proposal: Proposal):
    return proposal.assignments.active().get(mode="lead")


def co_of(proposal: Proposal):
    return proposal.assignments.active().get(mode="co")


def signed(w: World, **kwargs) -> Proposal:
    proposal = assigned(w, **kwargs)
    ps.assignment_sign_for(assignment=lead_of(proposal), by=w.lead_clerk)
    ps.assignment_sign_for(assignment=co_of(proposal), by=w.co_clerk)
    return proposal


def category(code: str = "A") -> ResultCategory:
    return ResultCategory.objects.get(body="cppcc", code=code)


def drafted(w: World, **kwargs) -> ReplyLetter:
    proposal = signed(w, **kwargs)
    rs.opinion_submit(assignment=co_of(proposal), body="我委同意市民政局的意见。", by=w.co_clerk)
    rs.contact_log(
        assignment=lead_of(proposal),
        contacted_on=clock.today(),
        way="face",
        people="吴强、戚敏敏",
        summary="当面听取意见。",
        by=w.lead_clerk,
    )
    return rs.reply_draft(
        assignment=lead_of(proposal), body=REPLY_TEXT, result_category=category(), by=w.lead_clerk
    )


def pending_approval(w: World, **kwargs) -> ReplyLetter:
    return rs.reply_submit(letter=drafted(w, **kwargs), by=w.lead_clerk)


def approved(w: World, **kwargs) -> ReplyLetter:
    return rs.reply_approve(letter=pending_approval(w, **kwargs), by=w.lead_leader)


def sent(w: World, **kwargs) -> ReplyLetter:
    return rs.reply_send(letter=approved(w, **kwargs), by=w.lead_clerk)
