"""Reply letters brought to 已答复 through the services, with the body and disclosure a test
needs, for the lead agency or for another agency."""

from proposals import services as ps
from responses import services as rs
from responses.models import ReplyLetter
from tests import workflow as wf
from tests.conftest import World


def sent(
    w: World,
    *,
    title: str = "关于完善“15分钟公共服务圈”的建议",
    body: str = wf.REPLY_TEXT,
    disclosure: str = ReplyLetter.Disclosure.PUBLIC,
    reason: str = "",
    document_number: str = "",
    **proposal_fields,
) -> ReplyLetter:
    """A letter of ``w.lead_agency``, sent."""
    proposal = wf.signed(w, title=title, **proposal_fields)
    letter = rs.reply_draft(
        assignment=wf.lead_of(proposal),
        body=body,
        result_category=wf.category(),
        disclosure=disclosure,
        nondisclosure_reason=reason,
        by=w.lead_clerk,
    )
    if document_number:
        letter = rs.reply_update(letter=letter, document_number=document_number, by=w.lead_clerk)
    rs.reply_submit(letter=letter, by=w.lead_clerk)
    rs.reply_approve(letter=letter, by=w.lead_leader)
    return rs.reply_send(letter=letter, by=w.lead_clerk)


def sent_by_co_agency(w: World, *, title: str) -> ReplyLetter:
    """A letter of ``w.co_agency``, leading an item of its own, sent."""
    proposal = wf.accepted(w, title=title)
    ps.proposal_assign(proposal=proposal, lead=w.co_agency, co_handlers=[], by=w.staff)
    assignment = wf.lead_of(proposal)
    ps.assignment_sign_for(assignment=assignment, by=w.co_clerk)
    letter = rs.reply_draft(
        assignment=assignment, body=wf.REPLY_TEXT, result_category=wf.category(), by=w.co_clerk
    )
    rs.reply_submit(letter=letter, by=w.co_clerk)
    rs.reply_approve(letter=letter, by=w.co_leader)
    return rs.reply_send(letter=letter, by=w.co_clerk)
