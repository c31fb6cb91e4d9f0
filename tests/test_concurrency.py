"""Two people taking the same step at the same moment: the row locks make one of them wait."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from deadlines import reminders
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline, Reminder
from notifications import services as notices
from notifications.models import Notification
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


def test_two_reminder_sweeps_at_once_remind_everything_exactly_once(world, monkeypatch):
    for n in range(6):
        with time_machine.travel(datetime.datetime(2026, 3, 2 + n, 9, tzinfo=datetime.UTC)):
            wf.assigned(world, title=f"关于第{n}件事的建议")
    # Deliver the e-mails below, two deliveries at once, rather than as each sweep commits.
    monkeypatch.setattr("notifications.services.schedule_delivery", lambda: None)
    Notification.objects.update(emailed_at=None)
    mail.outbox.clear()
    with time_machine.travel(datetime.datetime(2026, 3, 30, 8, tzinfo=datetime.UTC), tick=False):
        results = run_together(reminders.sweep, reminders.sweep)
        assert all(isinstance(r, reminders.SweepResult) for r in results), results
        # Every open deadline that is due soon or overdue got its one reminder.
        today = datetime.date(2026, 3, 30)
        soon = WorkingCalendar.load().add_working_days(today, 5)
        expected = Deadline.objects.open().filter(effective_due_on__lte=soon).count()
        assert expected > 6
        assert sum(r.reminders for r in results) == Reminder.objects.count() == expected
        assert (
            sum(r.notifications for r in results)
            == Notification.objects.filter(reminder__isnull=False).count()
        )
        deliveries = run_together(notices.deliver_emails, notices.deliver_emails)
    assert all(isinstance(d, notices.Delivery) for d in deliveries), deliveries
    everything = Notification.objects.count()
    assert sum(d.sent for d in deliveries) == len(mail.outbox) == everything
    sent_to = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent_to) == len(set(sent_to)), "an e-mail was sent twice"
    assert not Notification.objects.filter(emailed_at=None).exists()
    assert reminders.sweep(today=datetime.date(2026, 3, 30)).reminders == 0
