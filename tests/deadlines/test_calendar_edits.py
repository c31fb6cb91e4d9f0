"""Editing the working calendar in the admin recomputes the open deadlines it touches."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from deadlines.models import CalendarDay, CalendarYear, Deadline
from proposals.models import Event, Verb
from tests import factories
from tests import workflow as wf

D = datetime.date


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def at(year, month, day):
    return time_machine.travel(
        datetime.datetime(year, month, day, 9, tzinfo=datetime.UTC), tick=False
    )


def test_a_holiday_entered_in_the_admin_moves_an_open_deadline(
    world, admin_client, django_capture_on_commit_callbacks
):
    with at(2026, 3, 18):
        proposal = wf.assigned(world)
    sign_for = Deadline.objects.get(assignment=wf.lead_of(proposal), step="sign_for")
    assert sign_for.due_on == D(2026, 3, 25)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:deadlines_calendarday_add"),
            {"date": "2026-03-20", "kind": "holiday", "name": "临时放假"},
        )
    assert response.status_code == 302
    sign_for.refresh_from_db()
    assert sign_for.due_on == D(2026, 3, 26)
    assert "临时放假放假3月20日(星期五)" in sign_for.explanation["text"]
    events = Event.objects.filter(proposal=proposal, verb=Verb.DEADLINE_RECOMPUTED)
    # Both agencies' sign-for deadlines moved; the reply deadlines (18 June) did not.
    assert events.count() == 2
    assert "签收期限由2026年3月25日改为2026年3月26日" in events.first().note
    assert Deadline.objects.get(assignment=wf.lead_of(proposal), step="reply").due_on == D(
        2026, 6, 18
    )

    # Taking the day off the calendar again moves the deadline back.
    holiday = CalendarDay.objects.get(date=D(2026, 3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:deadlines_calendarday_delete", args=[holiday.pk]), {"post": "yes"}
        )
    sign_for.refresh_from_db()
    assert sign_for.due_on == D(2026, 3, 25)


def test_publishing_next_years_schedule_firms_up_provisional_deadlines(
    world, admin_client, django_capture_on_commit_callbacks
):
    with at(2026, 12, 10):
        proposal = wf.assigned(world)
    opinion = Deadline.objects.get(assignment=wf.co_of(proposal), step="opinion")
    assert (opinion.due_on, opinion.provisional) == (D(2027, 1, 11), True)
    assert opinion.state_label() == "暂定"

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:deadlines_calendarday_add"),
            {"date": "2027-01-11", "kind": "holiday", "name": "假设的假日"},
        )
        admin_client.post(
            reverse("admin:deadlines_calendaryear_add"),
            {"year": "2027", "notice": "国务院办公厅关于2027年部分节假日安排的通知"},
        )
    opinion.refresh_from_db()
    assert (opinion.due_on, opinion.provisional) == (D(2027, 1, 12), False)
    assert CalendarYear.objects.filter(year=2027).exists()


def test_a_met_deadline_is_not_recomputed(world, admin_client, django_capture_on_commit_callbacks):
    with at(2026, 3, 18):
        proposal = wf.signed(world)
    sign_for = Deadline.objects.get(assignment=wf.lead_of(proposal), step="sign_for")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:deadlines_calendarday_add"),
            {"date": "2026-03-20", "kind": "holiday", "name": "临时放假"},
        )
    sign_for.refresh_from_db()
    assert (sign_for.status, sign_for.due_on) == ("met", D(2026, 3, 25))
