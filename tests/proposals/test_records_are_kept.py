"""Nothing is deleted once submitted, and the timeline cannot be rewritten."""

import pytest

from proposals.models import Assignment, Event, Proposal, ProtectedFromDeletion
from tests import workflow as wf


def test_a_submitted_proposal_cannot_be_deleted(world):
    proposal = wf.submitted(world)
    with pytest.raises(ProtectedFromDeletion):
        proposal.delete()
    with pytest.raises(ProtectedFromDeletion):
        Proposal.objects.filter(pk=proposal.pk).delete()
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_assignments_cannot_be_deleted(world):
    proposal = wf.assigned(world)
    with pytest.raises(ProtectedFromDeletion):
        wf.lead_of(proposal).delete()
    with pytest.raises(ProtectedFromDeletion):
        Assignment.objects.all().delete()
    assert proposal.assignments.count() == 2


def test_events_cannot_be_changed_or_deleted(world):
    proposal = wf.submitted(world)
    event = proposal.events.get(verb="submitted")
    event.note = "改写历史"
    with pytest.raises(ProtectedFromDeletion):
        event.save()
    with pytest.raises(ProtectedFromDeletion):
        event.delete()
    with pytest.raises(ProtectedFromDeletion):
        Event.objects.filter(pk=event.pk).update(note="改写历史")
    with pytest.raises(ProtectedFromDeletion):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).note == ""


def test_state_cannot_be_set_directly(world):
    proposal = wf.submitted(world)
    with pytest.raises(AttributeError):
        proposal.status = Proposal.Status.CLOSED
