"""Readers refreshing the statistics' facts at the same moment, and a change committed while
they do: the marks are taken under a row lock, so the facts end as the records say."""

import pytest

from proposals.models import Proposal
from responses import services as rs
from stats import facts
from stats.models import AssignmentFacts, ItemToRefresh
from tests import workflow as wf
from tests.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_readers_refreshing_at_once_leave_the_facts_right(world, seeded):
    letters = [wf.sent(world, title=f"关于第{n}件事的提案") for n in range(4)]
    assert ItemToRefresh.objects.count() == 4
    results = run_together(facts.settle, facts.settle, facts.settle)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 4  # each item refreshed by one of them
    assert not ItemToRefresh.objects.exists()
    assert facts.is_current()
    assert AssignmentFacts.objects.filter(is_replied=True).count() == len(letters)


def test_a_change_while_readers_refresh_is_refreshed_by_the_next(world, seeded):
    letter = wf.sent(world)
    facts.settle()
    results = run_together(
        facts.settle,
        lambda: rs.feedback_submit(letter=letter, rating="satisfied", by=world.lead_proposer_user),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    facts.settle()
    assert facts.is_current()
    item = Proposal.objects.get(pk=letter.assignment.proposal_id)
    assert item.stats_facts.is_satisfied
