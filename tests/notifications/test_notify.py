"""Steps that someone must hear of reach their inbox, and their e-mail, once."""

import datetime
from datetime import UTC

import time_machine
from django.core import mail

from notifications import services
from notifications.models import Notification
from proposals import services as ps
from proposals.models import Event, Verb
from tests import workflow as wf
from tests.mail import FlakyBackend


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_assignment_reaches_the_agencies_inboxes_and_mail(
    world, django_capture_on_commit_callbacks
):
    proposal = wf.accepted(world)
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_assign(
            proposal=proposal, lead=world.lead_agency, co_handlers=[world.co_agency], by=world.staff
        )
    for user in (world.lead_clerk, world.lead_leader, world.co_clerk, world.co_leader):
        assert inbox(user) == [f"新交办:{world.session.label}第1号提案《{proposal.title}》"]
    assert inbox(world.other_clerk) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (world.lead_clerk, world.lead_leader, world.co_clerk, world.co_leader)
    )
    assert "/proposals/" in mail.outbox[0].body


def test_delivering_the_same_event_twice_creates_nothing_more(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = wf.assigned(world)
    event = Event.objects.get(proposal=proposal, verb=Verb.ASSIGNED)
    first = Notification.objects.filter(event=event).count()
    assert first == 4
    assert services.notify_event(event) == []
    assert Notification.objects.filter(event=event).count() == first


def test_the_actor_is_not_told_of_their_own_step(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = wf.pending_approval(world)
    assert inbox(world.lead_leader)[0].startswith("待签发")
    assert not any(t.startswith("待签发") for t in inbox(world.lead_clerk))
    with django_capture_on_commit_callbacks(execute=True):
        from responses import services as rs

        rs.reply_return(letter=letter, comment="请补充数据。", by=world.lead_leader)
    assert inbox(world.lead_clerk)[0].startswith("答复函被退回修改")


def test_a_rejection_tells_the_proposers_why(world, django_capture_on_commit_callbacks):
    proposal = wf.submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_reject(proposal=proposal, reason="不属于政协提案范围。", by=world.staff)
    for user in (world.lead_proposer_user, world.cosigner_user):
        notice = Notification.objects.get(recipient=user)
        assert notice.title.startswith("不予立案") and "不属于政协提案范围" in notice.body


def test_mail_waits_out_an_outage_and_is_sent_once(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail.FlakyBackend"
    FlakyBackend.down = True
    try:
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
            proposal = wf.accepted(world)  # filed before the outage: only the assignment tells
            with django_capture_on_commit_callbacks(execute=True):
                # Delivery is tried at once, and fails.
                ps.proposal_assign(
                    proposal=proposal,
                    lead=world.lead_agency,
                    co_handlers=[world.co_agency],
                    by=world.staff,
                )
            notices = Notification.objects.filter(proposal=proposal, event__verb="assigned")
            assert notices.count() == 4
            assert all(n.email_attempts == 1 and n.emailed_at is None for n in notices)
            assert "mail server down" in notices[0].email_error
            assert services.deliver_emails().sent == 0  # still backing off
        FlakyBackend.down = False
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 1, tzinfo=UTC), tick=False):
            assert services.deliver_emails().sent == 4
            assert services.deliver_emails().sent == 0
    finally:
        FlakyBackend.down = False
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in notices)
    assert all(n.emailed_at is not None for n in notices.all())


def test_backoff_grows_and_is_capped():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 9)] == [30, 60, 120, 3600]


def test_users_who_want_a_daily_digest_get_one_message(world, django_capture_on_commit_callbacks):
    for user in (world.lead_clerk, world.lead_leader):
        user.email_notices = "daily"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        wf.assigned(world, title="甲")
        wf.assigned(world, title="乙")
    assert world.lead_clerk.email not in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    assert services.send_daily_digests().sent == 4
    digests = [m for m in mail.outbox if m.to == [world.lead_clerk.email]]
    assert len(digests) == 1 and "今日消息汇总(2条)" in digests[0].subject
    assert services.send_daily_digests().sent == 0
