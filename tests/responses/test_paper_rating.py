"""A rating given on the paper form (书面征询意见表), entered by committee staff: recorded as
the proposer's, on paper, with the date written on the form and who entered it."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from proposals.errors import InvalidInput, NotPermitted
from proposals.models import Event, Verb
from proposals.timeline import entries
from responses import services as rs
from responses.models import Feedback
from tests import workflow as wf

MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)
MARCH_16 = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def march_18():
    with time_machine.travel(MARCH_18, tick=False):
        yield


@pytest.fixture
def sent(world):
    """A reply sent on 10 March, its proposers yet to rate it."""
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        return wf.sent(world)


def timeline_texts(letter, reader, for_proposer: bool) -> list[str]:
    proposal = letter.assignment.proposal
    events = proposal.events.select_related("actor", "assignment__agency")
    return [e.text for e in entries(proposal, events, for_proposer=for_proposer, reader=reader)]


def test_staff_enter_a_paper_rating_with_its_date_and_the_timeline_says_who(world, sent):
    feedback = rs.feedback_submit(
        letter=sent,
        proposer=world.cosigner,
        rating="basically",
        comment="希望加快进度。",
        paper_dated_on=MARCH_16,
        by=world.staff,
    )
    assert (feedback.channel, feedback.entered_by, feedback.paper_dated_on) == (
        Feedback.Channel.PAPER,
        world.staff,
        MARCH_16,
    )
    assert feedback.proposer == world.cosigner
    event = Event.objects.get(verb=Verb.RATED)
    assert event.actor == world.staff
    assert event.data["entered_by_name"] == str(world.staff)
    said = (
        f"郭锦对市民政局的答复评价为“基本满意”(书面征询意见表,2026年3月16日;{world.staff}代为录入)"
    )
    assert said in timeline_texts(sent, world.staff, for_proposer=False)
    assert said in timeline_texts(sent, world.cosigner_user, for_proposer=True)


def test_a_second_rating_for_the_same_proposer_is_refused_clearly(world, sent):
    rs.feedback_submit(letter=sent, rating="satisfied", by=world.lead_proposer_user)
    with pytest.raises(InvalidInput) as refused:
        rs.feedback_submit(
            letter=sent,
            proposer=world.lead_proposer,
            rating="dissatisfied",
            comment="否",
            by=world.staff,
        )
    assert refused.value.message == (
        "戚敏敏已评价过这份答复(网上评价,2026年3月18日),每位提出人对每份答复只评价一次,"
        "不能重复录入。"
    )
    assert refused.value.field == "proposer"
    assert list(Feedback.objects.values_list("rating", "channel")) == [("satisfied", "online")]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2026, 3, 19), "征询意见表日期不能晚于今天。"),
        (datetime.date(2026, 3, 9), "征询意见表日期不能早于答复日期(2026年3月10日)。"),
    ],
)
def test_the_date_on_the_form_lies_between_the_reply_and_today(world, sent, day, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        rs.feedback_submit(
            letter=sent,
            proposer=world.cosigner,
            rating="satisfied",
            paper_dated_on=day,
            by=world.staff,
        )
    assert not Feedback.objects.exists()


def test_without_a_date_the_form_is_dated_the_day_it_is_entered(world, sent):
    feedback = rs.feedback_submit(
        letter=sent, proposer=world.cosigner, rating="satisfied", by=world.staff
    )
    assert feedback.paper_dated_on == datetime.date(2026, 3, 18)


def test_the_agency_never_enters_a_rating(world, sent):
    with pytest.raises(NotPermitted):
        rs.feedback_submit(
            letter=sent, proposer=world.cosigner, rating="satisfied", by=world.lead_clerk
        )
    with pytest.raises(InvalidInput, match="网上评价没有征询意见表日期"):
        rs.feedback_submit(
            letter=sent, rating="satisfied", paper_dated_on=MARCH_16, by=world.cosigner_user
        )
    assert not Feedback.objects.exists()


def test_the_staff_form_records_it_and_refuses_a_duplicate_with_the_reason(world, sent, client):
    proposal = sent.assignment.proposal
    client.force_login(world.staff)
    detail = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    url = reverse("responses:paper_rating", args=[sent.pk])
    assert url in detail and "录入书面征询意见表" in detail
    form = client.get(url).content.decode()
    assert "意见表日期" in form and "郭锦" in form and "2026-03-18" in form
    response = client.post(
        url,
        {
            "proposer": world.cosigner.pk,
            "rating": "satisfied",
            "comment": "",
            "paper_dated_on": "2026-03-16",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.channel, feedback.entered_by, feedback.paper_dated_on) == (
        "paper",
        world.staff,
        MARCH_16,
    )
    again = client.post(
        url,
        {
            "proposer": world.cosigner.pk,
            "rating": "dissatisfied",
            "comment": "重录",
            "paper_dated_on": "2026-03-17",
        },
    )
    text = again.content.decode()
    assert again.status_code == 200 and "郭锦已评价过这份答复(书面征询意见表" in text
    assert "重录" in text
    assert Feedback.objects.count() == 1
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "书面征询意见表 2026年3月16日" in page


def test_only_committee_staff_open_the_paper_form(world, sent, client):
    url = reverse("responses:paper_rating", args=[sent.pk])
    for who in (world.lead_clerk, world.lead_proposer_user):
        client.force_login(who)
        assert client.get(url).status_code == 403
    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404


def test_the_api_records_the_date_on_the_form(world, sent, client):
    client.force_login(world.staff)
    url = f"/api/v1/assignments/{sent.assignment_id}/rate/"
    body = {"rating": "satisfied", "proposer": world.cosigner.pk, "paper_dated_on": "2026-03-16"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content.decode()
    assert (response.json()["channel"], response.json()["paper_dated_on"]) == (
        "paper",
        "2026-03-16",
    )
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 400
    assert list(again.json()["error"]["fields"]) == ["proposer"]
    assert "已评价过这份答复" in again.json()["error"]["message"]
