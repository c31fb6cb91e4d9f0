"""Why an agency asks for more time is read by those who ask and those who decide, on the
item page, its timeline and through the API alike (``deadlines.read_extension_reason``)."""

import datetime

import pytest
import rules
import time_machine
from django.urls import reverse

from deadlines import services
from deadlines.models import Deadline
from tests import workflow as wf

MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)
REASON = "需待年度预算批复后答复。"
READERS = ["staff", "lead_clerk", "lead_leader"]
OTHERS = ["co_clerk", "lead_proposer_user", "cosigner_user", "npc_staff", "stranger"]


@pytest.fixture
def lead(world):
    """The lead assignment of an item being handled, with an extension of its reply pending."""
    with time_machine.travel(MARCH_18, tick=False):
        proposal = wf.signed(world)
        assignment = wf.lead_of(proposal)
        services.extension_request(
            deadline=Deadline.objects.get(assignment=assignment, step="reply"),
            proposed_date=datetime.date(2026, 8, 18),
            reason=REASON,
            by=world.lead_clerk,
        )
    return assignment


@pytest.mark.parametrize("who", READERS + OTHERS)
def test_those_who_ask_and_those_who_decide_read_the_reason(world, lead, who):
    may = rules.has_perm("deadlines.read_extension_reason", getattr(world, who), lead)
    assert may == (who in READERS)


@pytest.mark.parametrize("who", ["staff", "lead_clerk", "co_clerk", "lead_proposer_user"])
def test_the_item_page_shows_the_reason_to_those_who_may_read_it(world, client, lead, who):
    client.force_login(getattr(world, who))
    page = client.get(reverse("proposals:detail", args=[lead.proposal_id])).content.decode()
    assert "待委员会审批" in page
    assert (REASON in page) == (who in READERS)


@pytest.mark.parametrize("who", ["staff", "lead_clerk", "co_clerk", "lead_proposer_user"])
def test_the_api_shows_the_reason_to_those_who_may_read_it(world, client, lead, who):
    client.force_login(getattr(world, who))
    body = client.get(reverse("assignment-detail", args=[lead.pk])).json()
    reason = body["pending_extension"]["reason"]
    assert reason == (REASON if who in READERS else None)
    events = client.get(reverse("proposal-events", args=[lead.proposal_id])).json()
    notes = " ".join(e["note"] for e in events["results"])
    assert (REASON in notes) == (who in READERS)
