"""Deadlines open, close and move as the assignment moves through the process."""

import datetime

import time_machine

from deadlines.models import Deadline
from proposals import services as ps
from responses import services as rs
from tests import workflow as wf

MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)


def steps(assignment):
    return {
        (d.step, d.round): (d.status, d.effective_due_on)
        for d in Deadline.objects.filter(assignment=assignment)
    }


@time_machine.travel(MARCH_18, tick=False)
def test_an_assignment_gets_its_deadlines_from_the_day_it_is_assigned(world):
    proposal = wf.assigned(world)
    lead, co = wf.lead_of(proposal), wf.co_of(proposal)
    assert steps(lead) == {
        ("sign_for", 1): ("open", datetime.date(2026, 3, 25)),
        ("reply", 1): ("open", datetime.date(2026, 6, 18)),
    }
    assert steps(co) == {
        ("sign_for", 1): ("open", datetime.date(2026, 3, 25)),
        ("opinion", 1): ("open", datetime.date(2026, 4, 20)),
    }
    deadline = Deadline.objects.get(assignment=lead, step="reply")
    assert deadline.explanation["text"].startswith("自2026年3月18日起算(当日不计入),期限3个月")


def test_each_step_done_meets_its_deadline(world):
    letter = wf.sent(world)
    lead = letter.assignment
    co = wf.co_of(lead.proposal)
    assert {k: v[0] for k, v in steps(lead).items()} == {
        ("sign_for", 1): "met",
        ("reply", 1): "met",
        ("publication", 1): "open",
    }
    assert {k: v[0] for k, v in steps(co).items()} == {
        ("sign_for", 1): "met",
        ("opinion", 1): "met",
    }


def test_a_reply_not_to_be_published_has_no_publication_deadline(world):
    proposal = wf.signed(world)
    letter = rs.reply_draft(
        assignment=wf.lead_of(proposal),
        body="答复。",
        result_category=wf.category(),
        disclosure="withheld",
        nondisclosure_reason="涉及个人隐私。",
        by=world.lead_clerk,
    )
    rs.reply_submit(letter=letter, by=world.lead_clerk)
    rs.reply_approve(letter=letter, by=world.lead_leader)
    rs.reply_send(letter=letter, by=world.lead_clerk)
    assert not Deadline.objects.filter(step="publication").exists()


def test_rehandling_opens_a_new_reply_deadline(world):
    letter = wf.sent(world)
    rs.feedback_submit(
        letter=letter, rating="dissatisfied", comment="未解决", by=world.lead_proposer_user
    )
    with time_machine.travel(datetime.datetime(2026, 9, 18, 9, tzinfo=datetime.UTC), tick=False):
        lead = rs.assignment_rehandle(assignment=letter.assignment, by=world.staff)
    assert steps(lead)[("rehandling", 2)] == ("open", datetime.date(2026, 10, 19))


def test_moving_an_assignment_cancels_its_deadlines_and_starts_the_new_agencys(world):
    proposal = wf.assigned(world)
    co = wf.co_of(proposal)
    ps.assignment_request_adjustment(assignment=co, reason="职责不符。", by=world.co_clerk)
    new = ps.assignment_decide_adjustment(
        assignment=co, approve=True, new_agency=world.other_agency, by=world.staff
    )
    assert {v[0] for v in steps(co).values()} == {"cancelled"}
    assert {v[0] for v in steps(new).values()} == {"open"}


def test_closing_cancels_what_is_no_longer_owed(world):
    proposal = wf.accepted(world)
    (reference,) = ps.proposal_assign(
        proposal=proposal, reference=[world.co_agency], by=world.staff
    )
    ps.assignment_sign_for(assignment=reference, by=world.co_clerk)
    ps.proposal_close(proposal=proposal, by=world.staff)
    assert steps(reference)[("sign_for", 1)][0] == "met"


def test_the_item_page_shows_each_due_date_with_its_explanation(world, client):
    with time_machine.travel(MARCH_18, tick=False):
        proposal = wf.assigned(world)
    client.force_login(world.lead_clerk)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert '<time datetime="2026-06-18">2026-06-18</time>' in page
    assert "计算依据" in page and "自2026年3月18日起算(当日不计入),期限3个月" in page
