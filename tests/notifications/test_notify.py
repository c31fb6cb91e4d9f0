"""Steps that someone must hear of reach their inbox, and their e-mail, once."""

import smtplib

import pytest
from django.core import mail

from notifications import services
from notifications.models import Notification
from proposals import services as ps
from proposals.models import Event, Verb
from tests import workflow as wf


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


def test_mail_is_sent_once_and_a_failure_releases_the_claim(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = wf.assigned(world)
    notice = Notification.objects.filter(proposal=proposal).first()
    Notification.objects.filter(pk=notice.pk).update(emailed_at=None)
    mail.outbox.clear()

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.email_notification(notice.pk)
    notice.refresh_from_db()
    assert notice.emailed_at is None

    monkeypatch.undo()
    assert services.email_notification(notice.pk) is True
    assert services.email_notification(notice.pk) is False
    assert len(mail.outbox) == 1
