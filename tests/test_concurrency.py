"""Two people taking the same step at the same moment: the row locks make one of them wait."""

import threading

import pytest
from django.db import connection

from proposals import services as ps
from proposals.errors import WorkflowError
from proposals.models import Event, Proposal, Verb
from tests import workflow as wf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run ``calls`` in threads released at once; return each result or raised error."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_submissions_at_once_get_different_numbers(world):
    first, second = wf.draft(world, title="甲"), wf.draft(world, title="乙")
    for proposal in (first, second):
        ps.cosign_confirm(proposal=proposal, by=world.cosigner_user)
    results = run_together(
        lambda: ps.proposal_submit(proposal=first, by=world.lead_proposer_user),
        lambda: ps.proposal_submit(proposal=second, by=world.lead_proposer_user),
    )
    assert all(isinstance(r, Proposal) for r in results), results
    assert sorted(Proposal.objects.values_list("number", flat=True)) == ["1", "2"]


def test_the_same_step_taken_twice_at_once_happens_once(world):
    proposal = wf.submitted(world)
    results = run_together(
        lambda: ps.proposal_accept(proposal=proposal, by=world.staff),
        lambda: ps.proposal_accept(proposal=proposal, by=world.staff),
    )
    assert sum(isinstance(r, Proposal) for r in results) == 1
    assert sum(isinstance(r, WorkflowError) for r in results) == 1
    assert Event.objects.filter(proposal=proposal, verb=Verb.ACCEPTED).count() == 1
