"""A proposal walks the whole process through the services, from filing to closing."""

import datetime

import time_machine

from deadlines.models import Deadline
from proposals import services as ps
from proposals.models import Assignment, Event, Proposal, Verb
from responses import services as rs
from responses.models import Feedback, ReplyLetter
from tests import factories
from tests import workflow as wf


def due(assignment, step, round=1):
    return Deadline.objects.get(assignment=assignment, step=step, round=round).effective_due_on


def verbs(proposal):
    return list(Event.objects.filter(proposal=proposal).values_list("verb", flat=True))


@time_machine.travel(datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_whole_lifecycle_with_adjustment_return_and_rehandling(world):
    w = world
    proposal = wf.draft(w)
    assert proposal.status == Proposal.Status.DRAFT and proposal.number == ""

    ps.cosign_confirm(proposal=proposal, by=w.cosigner_user)
    proposal = ps.proposal_submit(proposal=proposal, by=w.lead_proposer_user)
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.number == "1"

    proposal = ps.proposal_accept(proposal=proposal, by=w.staff)
    assignments = ps.proposal_assign(
        proposal=proposal, lead=w.lead_agency, co_handlers=[w.co_agency], by=w.staff
    )
    lead, co = assignments
    assert (lead.mode, co.mode) == (Assignment.Mode.LEAD, Assignment.Mode.CO)
    # 2026-03-18 is a Wednesday: five working days later is the next Wednesday.
    assert due(lead, "sign_for") == datetime.date(2026, 3, 25)
    assert due(lead, "reply") == datetime.date(2026, 6, 18)
    assert due(co, "opinion") == datetime.date(2026, 4, 20)  # 04-18 is a Saturday

    # The co-handler asks to be moved; staff move the co-handling to another agency.
    ps.assignment_request_adjustment(assignment=co, reason="不属于我委职责。", by=w.co_clerk)
    co = ps.assignment_decide_adjustment(
        assignment=co, approve=True, new_agency=w.other_agency, by=w.staff
    )
    assert co.agency == w.other_agency and co.status == Assignment.Status.PENDING
    assert Assignment.objects.get(agency=w.co_agency).status == Assignment.Status.WITHDRAWN

    ps.assignment_sign_for(assignment=lead, by=w.lead_clerk)
    ps.assignment_sign_for(assignment=co, by=w.other_clerk)
    rs.opinion_submit(assignment=co, body="同意主办单位意见。", by=w.other_clerk)
    rs.contact_log(
        assignment=lead,
        contacted_on=datetime.date(2026, 3, 18),
        way="face",
        people="吴强、戚敏敏",
        summary="面商。",
        by=w.lead_clerk,
    )

    letter = rs.reply_draft(assignment=lead, body=wf.REPLY_TEXT, by=w.lead_clerk)
    letter = rs.reply_update(
        letter=letter, expected_version=1, result_category=wf.category("B"), by=w.lead_clerk
    )
    letter = rs.reply_submit(letter=letter, by=w.lead_clerk)
    letter = rs.reply_return(letter=letter, comment="请逐条答复。", by=w.lead_leader)
    assert letter.status == ReplyLetter.Status.RETURNED
    letter = rs.reply_update(letter=letter, body=wf.REPLY_TEXT + "二、……", by=w.lead_clerk)
    letter = rs.reply_submit(letter=letter, by=w.lead_clerk)
    letter = rs.reply_approve(letter=letter, by=w.lead_leader)
    assert letter.approved_by == w.lead_leader and letter.written_on == datetime.date(2026, 3, 18)
    letter = rs.reply_send(letter=letter, by=w.lead_clerk)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REPLIED

    # Dissatisfied: the proposer asks for re-handling; a new round starts.
    rs.feedback_submit(
        letter=letter, rating="dissatisfied", comment="未解决。", by=w.lead_proposer_user
    )
    assert ps.closing_blockers(proposal) == ["市民政局的答复有不满意评价,应重新办理。"]
    lead = rs.assignment_rehandle(assignment=lead, by=w.lead_proposer_user)
    assert lead.round == 2 and lead.status == Assignment.Status.HANDLING
    assert due(lead, "rehandling", round=2) == datetime.date(2026, 4, 20)
    assert Deadline.objects.get(assignment=lead, step="reply").status == "met"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED

    second = rs.reply_draft(
        assignment=lead, body="再次答复。", result_category=wf.category("A"), by=w.lead_clerk
    )
    rs.reply_submit(letter=second, by=w.lead_clerk)
    rs.reply_approve(letter=second, by=w.lead_leader)
    rs.reply_send(letter=second, by=w.lead_clerk)
    rs.feedback_submit(letter=second, rating="basically", by=w.cosigner_user)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REPLIED  # the lead proposer has not rated yet

    rs.feedback_submit(letter=second, rating="satisfied", by=w.lead_proposer_user)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CLOSED
    assert proposal.closed_at is not None

    assert verbs(proposal) == [
        Verb.CREATED,
        Verb.COSIGN_INVITED,
        Verb.COSIGN_CONFIRMED,
        Verb.SUBMITTED,
        Verb.ACCEPTED,
        Verb.ASSIGNED,
        Verb.ADJUSTMENT_REQUESTED,
        Verb.ADJUSTMENT_APPROVED,
        Verb.ASSIGNED,
        Verb.SIGNED_FOR,
        Verb.SIGNED_FOR,
        Verb.OPINION_SUBMITTED,
        Verb.CONTACT_LOGGED,
        Verb.REPLY_DRAFTED,
        Verb.REPLY_SUBMITTED,
        Verb.REPLY_RETURNED,
        Verb.REPLY_SUBMITTED,
        Verb.REPLY_APPROVED,
        Verb.REPLY_SENT,
        Verb.ALL_REPLIED,
        Verb.RATED,
        Verb.REHANDLING,
        Verb.REPLY_DRAFTED,
        Verb.REPLY_SUBMITTED,
        Verb.REPLY_APPROVED,
        Verb.REPLY_SENT,
        Verb.ALL_REPLIED,
        Verb.RATED,
        Verb.RATED,
        Verb.CLOSED,
    ]
    closed = Event.objects.get(proposal=proposal, verb=Verb.CLOSED)
    assert (closed.from_state, closed.to_state, closed.actor) == ("replied", "closed", None)
    submitted = Event.objects.get(proposal=proposal, verb=Verb.SUBMITTED)
    assert submitted.actor == w.lead_proposer_user
    assert (submitted.from_state, submitted.to_state) == ("draft", "submitted")
    assert Feedback.objects.filter(reply__assignment=lead).count() == 3


def test_rejection_tells_the_reason_and_ends_the_item(world):
    proposal = wf.submitted(world)
    proposal = ps.proposal_reject(
        proposal=proposal, reason="属于个人诉求,不符合立案条件。", forward=True, by=world.staff
    )
    assert proposal.status == Proposal.Status.REJECTED
    assert proposal.rejection_reason == "属于个人诉求,不符合立案条件。"
    assert proposal.forwarded_as_opinion
    event = proposal.events.get(verb=Verb.REJECTED)
    assert event.note == proposal.rejection_reason and event.actor == world.staff


def test_merge_keeps_the_item_and_its_proposers_follow_the_main_one(world):
    main = wf.accepted(world, title="关于加快养老服务体系建设的建议")
    other = ps.proposal_create(
        session=world.session,
        title="关于增加养老床位的建议",
        lead_proposer=world.other_proposer,
        by=world.other_proposer_user,
    )
    other = ps.proposal_submit(proposal=other, by=world.other_proposer_user)
    other = ps.proposal_merge(proposal=other, into=main, by=world.staff)
    assert other.status == Proposal.Status.MERGED and other.merged_into == main
    assert main.events.filter(verb=Verb.MERGED).exists()
    # The merged item's proposer can follow the main item and rate its reply.
    assert Proposal.objects.visible_to(world.other_proposer_user).filter(pk=main.pk).exists()
    assert world.other_proposer in main.proposers_with_merged()


def test_refused_adjustment_sends_the_assignment_back_to_be_signed_for(world):
    proposal = wf.assigned(world)
    co = wf.co_of(proposal)
    ps.assignment_request_adjustment(assignment=co, reason="职责不符。", by=world.co_clerk)
    co = ps.assignment_decide_adjustment(
        assignment=co, approve=False, note="该事项涉及卫生健康职责。", by=world.staff
    )
    assert co.status == Assignment.Status.PENDING and co.agency == world.co_agency
    ps.assignment_sign_for(assignment=co, by=world.co_clerk)
    co.refresh_from_db()
    assert co.status == Assignment.Status.HANDLING


def test_split_assignment_is_replied_when_every_agency_has_replied(world):
    proposal = wf.accepted(world)
    first, second = ps.proposal_assign(
        proposal=proposal, split=[world.lead_agency, world.co_agency], by=world.staff
    )
    for assignment, clerk, leader in [
        (first, world.lead_clerk, world.lead_leader),
        (second, world.co_clerk, world.co_leader),
    ]:
        ps.assignment_sign_for(assignment=assignment, by=clerk)
        letter = rs.reply_draft(
            assignment=assignment, body="答复。", result_category=wf.category(), by=clerk
        )
        rs.reply_submit(letter=letter, by=clerk)
        rs.reply_approve(letter=letter, by=leader)
        rs.reply_send(letter=letter, by=clerk)
        proposal.refresh_from_db()
        expected = Proposal.Status.REPLIED if assignment == second else Proposal.Status.ASSIGNED
        assert proposal.status == expected


def test_item_sent_only_for_reference_closes_once_read(world):
    proposal = wf.accepted(world)
    (reference,) = ps.proposal_assign(
        proposal=proposal, reference=[world.co_agency], by=world.staff
    )
    assert list(reference.deadlines.values_list("step", flat=True)) == ["sign_for"]
    ps.assignment_sign_for(assignment=reference, by=world.co_clerk)
    reference.refresh_from_db()
    assert reference.status == Assignment.Status.READ
    proposal = ps.proposal_close(proposal=proposal, by=world.staff)
    assert proposal.status == Proposal.Status.CLOSED


def test_staff_enter_a_paper_rating_for_a_proposer_without_an_account(world):
    letter = wf.sent(world)
    feedback = rs.feedback_submit(
        letter=letter, rating="satisfied", proposer=world.lead_proposer, by=world.staff
    )
    assert feedback.channel == Feedback.Channel.PAPER and feedback.entered_by == world.staff
    proposal = letter.assignment.proposal
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CLOSED


def test_npc_suggestion_is_registered_and_numbered_by_the_session_pattern(world):
    session = world.npc_session
    session.number_pattern = "{year}{n:04d}"
    session.next_serial = 549
    session.save()
    deputy = factories.ProposerFactory(body="npc", name="张钜", user=world.stranger)
    suggestion = ps.proposal_create(
        session=session,
        title="关于打造我市智慧康养新格局的建议",
        lead_proposer=deputy,
        by=world.stranger,
    )
    suggestion = ps.proposal_submit(proposal=suggestion, by=world.stranger)
    assert suggestion.kind == Proposal.Kind.SUGGESTION
    assert suggestion.number == "20260549"
    suggestion = ps.proposal_accept(proposal=suggestion, by=world.npc_staff)
    assert suggestion.status == Proposal.Status.ACCEPTED
