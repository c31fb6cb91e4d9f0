"""Every step refused at the wrong moment or by the wrong person gives a domain error
and leaves every record exactly as it was."""

import datetime
from types import SimpleNamespace

import pytest

from agencies.models import Agency
from notifications.models import Notification
from portal import clock
from proposals import services as ps
from proposals.errors import EditConflict, InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import Assignment, CoSigner, Event, Proposal, Session
from responses import services as rs
from responses.models import (
    CoHandlingOpinion,
    ContactLog,
    Feedback,
    ReplyLetter,
    ResultCategory,
)
from tests import workflow as wf

MODELS = [
    Session,
    Proposal,
    CoSigner,
    Assignment,
    Event,
    CoHandlingOpinion,
    ContactLog,
    ReplyLetter,
    Feedback,
    Notification,
]


def snapshot():
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def _case(proposal, letter=None):
    proposal = Proposal.objects.get(pk=proposal.pk)
    active = proposal.assignments.active()
    return SimpleNamespace(
        proposal=proposal,
        lead=active.filter(mode="lead").first(),
        co=active.filter(mode="co").first(),
        letter=letter and ReplyLetter.objects.get(pk=letter.pk),
    )


def _letter_case(letter):
    return _case(letter.assignment.proposal, letter)


def _pending_without_category(w):
    proposal = wf.signed(w)
    letter = rs.reply_draft(assignment=wf.lead_of(proposal), body="答复。", by=w.lead_clerk)
    return rs.reply_submit(letter=letter, by=w.lead_clerk)


def _closed(w):
    letter = wf.sent(w)
    rs.feedback_submit(letter=letter, rating="satisfied", by=w.lead_proposer_user)
    return letter


STAGES = {
    "draft": lambda w: _case(wf.draft(w)),
    "submitted": lambda w: _case(wf.submitted(w)),
    "accepted": lambda w: _case(wf.accepted(w)),
    "assigned": lambda w: _case(wf.assigned(w)),
    "signed": lambda w: _case(wf.signed(w)),
    "drafted": lambda w: _letter_case(wf.drafted(w)),
    "pending": lambda w: _letter_case(wf.pending_approval(w)),
    "pending_no_category": lambda w: _letter_case(_pending_without_category(w)),
    "approved": lambda w: _letter_case(wf.approved(w)),
    "sent": lambda w: _letter_case(wf.sent(w)),
    "closed": lambda w: _letter_case(_closed(w)),
}

TODAY = clock.today()

CASES = [
    # draft
    ("draft", "accept a draft", TransitionNotAllowed,
     lambda w, c: ps.proposal_accept(proposal=c.proposal, by=w.staff)),
    ("draft", "assign a draft", TransitionNotAllowed,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.lead_agency, by=w.staff)),
    ("draft", "close a draft", TransitionNotAllowed,
     lambda w, c: ps.proposal_close(proposal=c.proposal, by=w.staff)),
    ("draft", "withdraw a draft", TransitionNotAllowed,
     lambda w, c: ps.proposal_withdraw(proposal=c.proposal, by=w.lead_proposer_user)),
    ("draft", "submit before the co-signer confirms", InvalidInput,
     lambda w, c: ps.proposal_submit(proposal=c.proposal, by=w.lead_proposer_user)),
    ("draft", "submit another proposer's draft", NotPermitted,
     lambda w, c: ps.proposal_submit(proposal=c.proposal, by=w.other_proposer_user)),
    ("draft", "a stranger edits a draft", NotPermitted,
     lambda w, c: ps.proposal_update_draft(proposal=c.proposal, title="改", by=w.stranger)),
    ("draft", "a draft loses its title", InvalidInput,
     lambda w, c: ps.proposal_update_draft(proposal=c.proposal, title="  ", by=w.lead_proposer_user)),
    ("draft", "someone not a co-signer confirms", NotPermitted,
     lambda w, c: ps.cosign_confirm(proposal=c.proposal, by=w.other_proposer_user)),
    ("draft", "a proposer files for someone else", NotPermitted,
     lambda w, c: ps.proposal_create(session=w.session, title="代他人提出", lead_proposer=w.cosigner,
                                     by=w.lead_proposer_user)),
    ("draft", "a proposer sets the number", NotPermitted,
     lambda w, c: ps.proposal_create(session=w.session, title="自定编号", lead_proposer=w.lead_proposer,
                                     number="999", by=w.lead_proposer_user)),
    ("draft", "a filing without a title", InvalidInput,
     lambda w, c: ps.proposal_create(session=w.session, title="", lead_proposer=w.lead_proposer,
                                     by=w.lead_proposer_user)),
    ("draft", "an NPC deputy signs a CPPCC proposal", InvalidInput,
     lambda w, c: ps.proposal_create(session=w.npc_session, title="跨界联名",
                                     lead_proposer=w.lead_proposer, by=w.npc_staff)),
    # submitted
    ("submitted", "submit twice", TransitionNotAllowed,
     lambda w, c: ps.proposal_submit(proposal=c.proposal, by=w.lead_proposer_user)),
    ("submitted", "an agency clerk accepts", NotPermitted,
     lambda w, c: ps.proposal_accept(proposal=c.proposal, by=w.lead_clerk)),
    ("submitted", "NPC staff accept a CPPCC proposal", NotPermitted,
     lambda w, c: ps.proposal_accept(proposal=c.proposal, by=w.npc_staff)),
    ("submitted", "reject without a reason", InvalidInput,
     lambda w, c: ps.proposal_reject(proposal=c.proposal, reason=" ", by=w.staff)),
    ("submitted", "merge into itself", InvalidInput,
     lambda w, c: ps.proposal_merge(proposal=c.proposal, into=c.proposal, by=w.staff)),
    ("submitted", "assign before acceptance", TransitionNotAllowed,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.lead_agency, by=w.staff)),
    ("submitted", "edit after submission", TransitionNotAllowed,
     lambda w, c: ps.proposal_update_draft(proposal=c.proposal, title="改", by=w.lead_proposer_user)),
    ("submitted", "another proposer withdraws it", NotPermitted,
     lambda w, c: ps.proposal_withdraw(proposal=c.proposal, by=w.other_proposer_user)),
    # accepted
    ("accepted", "accept twice", TransitionNotAllowed,
     lambda w, c: ps.proposal_accept(proposal=c.proposal, by=w.staff)),
    ("accepted", "reject after acceptance", TransitionNotAllowed,
     lambda w, c: ps.proposal_reject(proposal=c.proposal, reason="迟到的理由", by=w.staff)),
    ("accepted", "assign to nobody", InvalidInput,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, by=w.staff)),
    ("accepted", "co-handlers without a lead", InvalidInput,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, co_handlers=[w.co_agency], by=w.staff)),
    ("accepted", "split to a single agency", InvalidInput,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, split=[w.co_agency], by=w.staff)),
    ("accepted", "lead and split together", InvalidInput,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.lead_agency,
                                     split=[w.co_agency, w.other_agency], by=w.staff)),
    ("accepted", "the same agency twice", InvalidInput,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.lead_agency,
                                     co_handlers=[w.lead_agency], by=w.staff)),
    ("accepted", "an inactive agency", InvalidInput,
     lambda w, c: ps.proposal_assign(
         proposal=c.proposal, by=w.staff,
         lead=Agency.objects.create(name="已撤销的局", is_active=False))),
    ("accepted", "a clerk assigns", NotPermitted,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.lead_agency, by=w.lead_clerk)),
    ("accepted", "close before assignment", TransitionNotAllowed,
     lambda w, c: ps.proposal_close(proposal=c.proposal, by=w.staff)),
    # assigned
    ("assigned", "assign twice", TransitionNotAllowed,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.other_agency, by=w.staff)),
    ("assigned", "another agency signs for it", NotPermitted,
     lambda w, c: ps.assignment_sign_for(assignment=c.lead, by=w.other_clerk)),
    ("assigned", "a proposer signs for it", NotPermitted,
     lambda w, c: ps.assignment_sign_for(assignment=c.lead, by=w.lead_proposer_user)),
    ("assigned", "an opinion before signing for it", TransitionNotAllowed,
     lambda w, c: rs.opinion_submit(assignment=c.co, body="意见", by=w.co_clerk)),
    ("assigned", "a reply before signing for it", TransitionNotAllowed,
     lambda w, c: rs.reply_draft(assignment=c.lead, body="答复", by=w.lead_clerk)),
    ("assigned", "ask for adjustment without a reason", InvalidInput,
     lambda w, c: ps.assignment_request_adjustment(assignment=c.co, reason="", by=w.co_clerk)),
    ("assigned", "decide an adjustment nobody asked for", TransitionNotAllowed,
     lambda w, c: ps.assignment_decide_adjustment(assignment=c.co, approve=True, by=w.staff)),
    ("assigned", "close before any reply", InvalidInput,
     lambda w, c: ps.proposal_close(proposal=c.proposal, by=w.staff)),
    # signed for
    ("signed", "sign for it twice", TransitionNotAllowed,
     lambda w, c: ps.assignment_sign_for(assignment=c.lead, by=w.lead_clerk)),
    ("signed", "ask for adjustment after signing", TransitionNotAllowed,
     lambda w, c: ps.assignment_request_adjustment(assignment=c.lead, reason="晚了", by=w.lead_clerk)),
    ("signed", "the co-handler drafts the reply", InvalidInput,
     lambda w, c: rs.reply_draft(assignment=c.co, body="答复", by=w.co_clerk)),
    ("signed", "the lead submits a co-handling opinion", InvalidInput,
     lambda w, c: rs.opinion_submit(assignment=c.lead, body="意见", by=w.lead_clerk)),
    ("signed", "an empty opinion", InvalidInput,
     lambda w, c: rs.opinion_submit(assignment=c.co, body=" ", by=w.co_clerk)),
    ("signed", "an opinion by the lead agency's clerk", NotPermitted,
     lambda w, c: rs.opinion_submit(assignment=c.co, body="意见", by=w.lead_clerk)),
    ("signed", "the co-handler logs contact", InvalidInput,
     lambda w, c: rs.contact_log(assignment=c.co, contacted_on=TODAY, way="phone", people="甲",
                                 summary="电话", by=w.co_clerk)),
    ("signed", "contact dated tomorrow", InvalidInput,
     lambda w, c: rs.contact_log(assignment=c.lead, contacted_on=TODAY + datetime.timedelta(days=1),
                                 way="phone", people="甲", summary="电话", by=w.lead_clerk)),
    ("signed", "contact in an unknown way", InvalidInput,
     lambda w, c: rs.contact_log(assignment=c.lead, contacted_on=TODAY, way="pigeon", people="甲",
                                 summary="信鸽", by=w.lead_clerk)),
    ("signed", "re-handle before any reply", TransitionNotAllowed,
     lambda w, c: rs.assignment_rehandle(assignment=c.lead, by=w.staff)),
    ("signed", "withheld without a reason", InvalidInput,
     lambda w, c: rs.reply_draft(assignment=c.lead, body="答复", disclosure="withheld",
                                 by=w.lead_clerk)),
    ("signed", "an unknown disclosure", InvalidInput,
     lambda w, c: rs.reply_draft(assignment=c.lead, body="答复", disclosure="secret",
                                 by=w.lead_clerk)),
    # a drafted letter
    ("drafted", "approve a draft", TransitionNotAllowed,
     lambda w, c: rs.reply_approve(letter=c.letter, by=w.lead_leader)),
    ("drafted", "send a draft", TransitionNotAllowed,
     lambda w, c: rs.reply_send(letter=c.letter, by=w.lead_clerk)),
    ("drafted", "a second letter for the same round", InvalidInput,
     lambda w, c: rs.reply_draft(assignment=c.lead, body="又一稿", by=w.lead_clerk)),
    ("drafted", "save over someone else's newer version", EditConflict,
     lambda w, c: rs.reply_update(letter=c.letter, expected_version=0, body="旧稿", by=w.lead_clerk)),
    ("drafted", "another agency edits the letter", NotPermitted,
     lambda w, c: rs.reply_update(letter=c.letter, body="改", by=w.other_clerk)),
    ("drafted", "withhold without a reason", InvalidInput,
     lambda w, c: rs.reply_update(letter=c.letter, disclosure="withheld", by=w.lead_clerk)),
    ("drafted", "a category of the other body", InvalidInput,
     lambda w, c: rs.reply_update(letter=c.letter, by=w.lead_clerk,
                                  result_category=ResultCategory.objects.get(body="npc", code="A"))),
    # awaiting sign-off
    ("pending", "the clerk signs it off", NotPermitted,
     lambda w, c: rs.reply_approve(letter=c.letter, by=w.lead_clerk)),
    ("pending", "another agency's leader signs it off", NotPermitted,
     lambda w, c: rs.reply_approve(letter=c.letter, by=w.co_leader)),
    ("pending", "return without comments", InvalidInput,
     lambda w, c: rs.reply_return(letter=c.letter, comment="", by=w.lead_leader)),
    ("pending", "edit while awaiting sign-off", TransitionNotAllowed,
     lambda w, c: rs.reply_update(letter=c.letter, body="改", by=w.lead_clerk)),
    ("pending", "send before sign-off", TransitionNotAllowed,
     lambda w, c: rs.reply_send(letter=c.letter, by=w.lead_clerk)),
    ("pending_no_category", "sign off without a result category", InvalidInput,
     lambda w, c: rs.reply_approve(letter=c.letter, by=w.lead_leader)),
    # signed off
    ("approved", "another agency edits a signed letter", NotPermitted,
     lambda w, c: rs.reply_update(letter=c.letter, body="改", by=w.other_clerk)),
    ("approved", "sign off twice", TransitionNotAllowed,
     lambda w, c: rs.reply_approve(letter=c.letter, by=w.lead_leader)),
    ("approved", "another agency sends it", NotPermitted,
     lambda w, c: rs.reply_send(letter=c.letter, by=w.other_clerk)),
    ("approved", "rate before it is sent", TransitionNotAllowed,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="satisfied", by=w.lead_proposer_user)),
    # sent
    ("sent", "edit a sent letter", TransitionNotAllowed,
     lambda w, c: rs.reply_update(letter=c.letter, body="改", by=w.lead_clerk)),
    ("sent", "the agency rates its own reply", NotPermitted,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="satisfied", by=w.lead_clerk)),
    ("sent", "the agency enters a rating for the proposer", NotPermitted,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="satisfied", proposer=w.lead_proposer,
                                     by=w.lead_clerk)),
    ("sent", "a stranger rates", NotPermitted,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="satisfied", by=w.stranger)),
    ("sent", "staff enter a rating for someone not a proposer", InvalidInput,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="satisfied", proposer=w.other_proposer,
                                     by=w.staff)),
    ("sent", "dissatisfied without saying why", InvalidInput,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="dissatisfied", by=w.lead_proposer_user)),
    ("sent", "an unknown rating", InvalidInput,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="great", by=w.lead_proposer_user)),
    ("sent", "re-handle a reply nobody disliked", InvalidInput,
     lambda w, c: rs.assignment_rehandle(assignment=c.lead, by=w.staff)),
    ("sent", "the agency re-handles on its own", NotPermitted,
     lambda w, c: rs.assignment_rehandle(assignment=c.lead, by=w.lead_clerk)),
    ("sent", "send twice", TransitionNotAllowed,
     lambda w, c: rs.reply_send(letter=c.letter, by=w.lead_clerk)),
    ("sent", "close before the rating", InvalidInput,
     lambda w, c: ps.proposal_close(proposal=c.proposal, by=w.staff)),
    # closed
    ("closed", "close twice", TransitionNotAllowed,
     lambda w, c: ps.proposal_close(proposal=c.proposal, by=w.staff)),
    ("closed", "assign a closed item", TransitionNotAllowed,
     lambda w, c: ps.proposal_assign(proposal=c.proposal, lead=w.other_agency, by=w.staff)),
    ("closed", "rate twice", InvalidInput,
     lambda w, c: rs.feedback_submit(letter=c.letter, rating="dissatisfied", comment="改主意",
                                     by=w.lead_proposer_user)),
    ("closed", "re-handle a satisfied reply", InvalidInput,
     lambda w, c: rs.assignment_rehandle(assignment=c.lead, by=w.staff)),
]  # fmt: skip


@pytest.mark.parametrize(("stage", "action", "error", "call"), CASES, ids=[c[1] for c in CASES])
def test_refused_step_changes_nothing(world, stage, action, error, call):
    case = STAGES[stage](world)
    before = snapshot()
    with pytest.raises(error) as refused:
        call(world, case)
    assert refused.value.message, "a refusal must say why"
    assert snapshot() == before


def test_a_refusal_message_names_the_state(world):
    case = STAGES["drafted"](world)
    with pytest.raises(TransitionNotAllowed, match="当前状态为“草稿”,不能签发"):
        rs.reply_approve(letter=case.letter, by=world.lead_leader)
