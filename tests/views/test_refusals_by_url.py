"""Typing the address of another's object: a 404 as if it did not exist, and nothing changes.

Every kind of object reachable by URL is tried by people outside it — a clerk of an
uninvolved agency, another proposer, the other body's committee staff and a signed-in
user without a role — with GET and with POST.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deadlines import services as ds
from deadlines.models import Deadline
from proposals import services as ps
from proposals.models import Event
from responses.models import ReplyLetter
from tests import workflow as wf

OUTSIDERS = ["other_clerk", "other_proposer_user", "npc_staff", "stranger"]


@pytest.fixture
def case(world):
    """One item with something of every kind: attachment, letters, requests, deadlines."""
    letter = wf.sent(world)
    proposal = letter.assignment.proposal
    attachment = ps.proposal_attach(
        proposal=proposal,
        upload=SimpleUploadedFile("调研报告.pdf", b"%PDF-1.7\n...", "application/pdf"),
        by=world.staff,
    )
    # A second item, still being handled, carries the open requests and a draft letter.
    handling = wf.signed(world, title="关于加强社区食堂建设的建议")
    lead, co = wf.lead_of(handling), wf.co_of(handling)
    reply_deadline = Deadline.objects.get(assignment=lead, step="reply")
    extension = ds.extension_request(
        deadline=reply_deadline,
        proposed_date=reply_deadline.due_on + datetime.timedelta(days=30),
        reason="需要跨部门协调。",
        by=world.lead_clerk,
    )
    draft = wf.rs.reply_draft(
        assignment=lead, body=wf.REPLY_TEXT, result_category=wf.category(), by=world.lead_clerk
    )
    pending = wf.assigned(world, title="关于优化公交线路的建议")
    adjusting = wf.lead_of(pending)
    ps.assignment_request_adjustment(assignment=adjusting, reason="职责不符。", by=world.lead_clerk)
    return {
        "proposal": proposal.pk,
        "handling": handling.pk,
        "attachment": attachment.pk,
        "letter": letter.pk,
        "draft": draft.pk,
        "lead": lead.pk,
        "co": co.pk,
        "sent_assignment": letter.assignment_id,
        "adjusting": adjusting.pk,
        "extension": extension.pk,
        "deadline": reply_deadline.pk,
    }


OBJECT_URLS = [
    ("proposals:detail", "proposal"),
    ("proposals:submit", "proposal"),
    ("proposals:accept", "proposal"),
    ("proposals:reject", "proposal"),
    ("proposals:merge", "proposal"),
    ("proposals:mark_key", "proposal"),
    ("proposals:assign", "handling"),
    ("proposals:close", "proposal"),
    ("proposals:draft_edit", "proposal"),
    ("proposals:cosigners", "proposal"),
    ("proposals:confirm_cosign", "proposal"),
    ("proposals:decline_cosign", "proposal"),
    ("proposals:withdraw", "proposal"),
    ("proposals:attachment", "attachment"),
    ("proposals:sign_for", "lead"),
    ("proposals:request_adjustment", "lead"),
    ("proposals:decide_adjustment", "adjusting"),
    ("proposals:decide_extension", "extension"),
    ("deadlines:request_extension", "deadline"),
    ("responses:opinion", "co"),
    ("responses:contact", "lead"),
    ("responses:new", "lead"),
    ("responses:rehandle", "sent_assignment"),
    ("responses:detail", "letter"),
    ("responses:edit", "draft"),
    ("responses:submit", "draft"),
    ("responses:approve", "draft"),
    ("responses:return", "draft"),
    ("responses:send", "draft"),
    ("responses:rate", "letter"),
    ("responses:paper_rating", "letter"),
    ("disclosure:preview", "letter"),
    ("disclosure:publish", "letter"),
]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("name", "key"), OBJECT_URLS)
def test_an_outsider_gets_404_for_every_object_and_changes_nothing(
    world, case, client, who, name, key
):
    client.force_login(getattr(world, who))
    url = reverse(name, args=[case[key]])
    events = Event.objects.count()
    letters = list(ReplyLetter.objects.values_list("pk", "status", "version"))
    assert client.get(url).status_code in (404, 405)
    response = client.post(url, {"reason": "x", "body": "x", "rating": "satisfied"})
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert Event.objects.count() == events
    assert list(ReplyLetter.objects.values_list("pk", "status", "version")) == letters


STAFF_PAGES = [
    "proposals:review_queue",
    "proposals:board",
    "proposals:requests",
    "proposals:bulk_assign",
    "proposals:file",
]


@pytest.mark.parametrize("who", ["lead_clerk", "lead_leader", "lead_proposer_user", "stranger"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_committee_pages_are_forbidden_to_everyone_else(world, client, who, name):
    client.force_login(getattr(world, who))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("who", ["lead_proposer_user", "stranger"])
def test_the_register_is_for_committee_and_agency_people(world, client, who):
    # An agency's members read its own items there, where its statistics lead.
    client.force_login(getattr(world, who))
    response = client.get(reverse("proposals:register"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "lead_proposer_user", "stranger"])
def test_the_agency_workspace_is_for_agency_people(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("agencies:workspace")).status_code == 403


def test_a_co_handler_cannot_take_the_leads_steps(world, case, client):
    """The co-handler sees the shared item, not the lead's unsent draft, nor its steps."""
    client.force_login(world.co_clerk)
    events = Event.objects.count()
    assert client.get(reverse("proposals:detail", args=[case["handling"]])).status_code == 200
    assert client.get(reverse("responses:new", args=[case["lead"]])).status_code == 403
    assert client.get(reverse("responses:edit", args=[case["draft"]])).status_code == 404
    assert client.post(reverse("responses:submit", args=[case["draft"]])).status_code == 404
    response = client.post(reverse("proposals:sign_for", args=[case["lead"]]), follow=True)
    assert response.status_code == 200 and "message error" in response.content.decode()
    assert Event.objects.count() == events
    assert ReplyLetter.objects.get(pk=case["draft"]).status == ReplyLetter.Status.DRAFT


def test_a_clerk_cannot_sign_off_their_own_letter(world, case, client):
    client.force_login(world.lead_clerk)
    client.post(reverse("responses:submit", args=[case["draft"]]))
    response = client.post(reverse("responses:approve", args=[case["draft"]]), follow=True)
    assert "负责人" in response.content.decode()
    assert ReplyLetter.objects.get(pk=case["draft"]).status == ReplyLetter.Status.PENDING_APPROVAL


def test_anonymous_visitors_are_asked_to_sign_in_everywhere(world, case, client):
    for name, key in OBJECT_URLS:
        response = client.get(reverse(name, args=[case[key]]))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response.url.startswith(reverse("login"))
