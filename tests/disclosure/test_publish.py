"""Publishing a reply freezes its public version with the disclosure metadata, writes the
event and meets the publication deadline."""

import datetime

import pytest
import time_machine

from deadlines.models import Deadline
from disclosure.models import Publication
from disclosure.services import reply_publish
from proposals import timeline
from proposals.models import Event, ProtectedFromDeletion, Topic, Verb

from . import cases

SENT = datetime.datetime(2026, 5, 26, 2, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 6, 12, 1, tzinfo=datetime.UTC)


@pytest.fixture
def letter(world):
    topic = Topic.objects.get(name="民政、扶贫、救灾", parent=None)
    with time_machine.travel(SENT, tick=False):
        return cases.sent(world, document_number="杭民函〔2026〕12号", topic=topic)


def test_the_publication_carries_the_disclosure_metadata(world, letter):
    with time_machine.travel(LATER, tick=False):
        publication = reply_publish(letter=letter, by=world.lead_clerk)
    proposal = letter.assignment.proposal
    assert publication.title == (
        f"杭州市民政局关于{proposal.session.label}第{proposal.number}号提案的答复"
    )
    assert publication.document_number == "杭民函〔2026〕12号"
    assert publication.written_on == datetime.date(2026, 5, 26)
    assert publication.published_on == datetime.date(2026, 6, 12)
    assert publication.publisher == "杭州市民政局"
    assert publication.agency == world.lead_agency
    assert str(publication.topic) == "民政、扶贫、救灾"
    assert publication.genre == "函"
    assert publication.get_disclosure_display() == "主动公开"
    assert publication.published_by == world.lead_clerk
    assert "现答复如下" in publication.body
    assert letter.publication == publication


def test_the_event_is_written_with_the_index_number(world, letter):
    with time_machine.travel(LATER, tick=False):
        publication = reply_publish(letter=letter, by=world.lead_leader)
    event = Event.objects.get(verb=Verb.REPLY_PUBLISHED)
    assert event.proposal == letter.assignment.proposal
    assert event.assignment == letter.assignment
    assert event.actor == world.lead_leader
    assert event.data["index_number"] == publication.index_number
    assert event.data["published_on"] == "2026-06-12"


def test_the_proposers_timeline_tells_them_where_it_is_published(world, letter):
    with time_machine.travel(LATER, tick=False):
        publication = reply_publish(letter=letter, by=world.lead_clerk)
    proposal = letter.assignment.proposal
    events = proposal.events.select_related("assignment__agency")
    texts = [e.text for e in timeline.entries(proposal, events, for_proposer=True)]
    assert f"市民政局的答复已公开,索引号{publication.index_number}" in texts


def test_publishing_meets_the_publication_deadline(world, letter):
    deadline = Deadline.objects.get(assignment=letter.assignment, step="publication")
    assert deadline.status == Deadline.Status.OPEN
    with time_machine.travel(LATER, tick=False):
        reply_publish(letter=letter, by=world.lead_clerk)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.MET
    assert deadline.met_at == LATER


def test_a_publication_cannot_be_changed_or_deleted(world, letter):
    with time_machine.travel(LATER, tick=False):
        publication = reply_publish(letter=letter, by=world.lead_clerk)
    publication.title = "改写"
    with pytest.raises(ProtectedFromDeletion):
        publication.save()
    with pytest.raises(ProtectedFromDeletion):
        publication.delete()
    with pytest.raises(ProtectedFromDeletion):
        Publication.objects.filter(pk=publication.pk).update(title="改写")
    with pytest.raises(ProtectedFromDeletion):
        Publication.objects.all().delete()
    assert Publication.objects.get(pk=publication.pk).title != "改写"
