"""The inbox: one's own messages only, an unread count, reading marks them read."""

import datetime

import time_machine
from django.urls import reverse

from deadlines import reminders
from notifications.models import Notification
from tests import workflow as wf


def test_the_inbox_shows_event_and_reminder_messages_with_constant_queries(
    world, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with time_machine.travel(datetime.datetime(2026, 3, 18, 9, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(3):
                wf.assigned(world, title=f"关于第{n}件事的建议")
        reminders.sweep()
    client.force_login(world.lead_clerk)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("notifications:inbox"))
    page = response.content.decode()
    assert page.count("新交办") == 3 and page.count("5个工作日后到期") == 3
    assert '<span class="badge">6' in page


def test_reading_a_message_marks_it_and_leads_to_the_item(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = wf.assigned(world)
    notice = Notification.objects.get(recipient=world.lead_clerk)
    client.force_login(world.lead_clerk)
    response = client.post(reverse("notifications:read", args=[notice.pk]))
    assert response.status_code == 302 and response.url.endswith(f"/proposals/{proposal.pk}/")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.post(reverse("notifications:read_all")).status_code == 302


def test_nobody_reads_anothers_messages(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wf.assigned(world)
    notice = Notification.objects.get(recipient=world.lead_clerk)
    client.force_login(world.other_clerk)
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    assert "新交办" not in client.get(reverse("notifications:inbox")).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


def test_reading_refuses_a_foreign_redirect(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wf.assigned(world)
    notice = Notification.objects.get(recipient=world.lead_clerk)
    client.force_login(world.lead_clerk)
    response = client.post(
        reverse("notifications:read", args=[notice.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("notifications:inbox")
