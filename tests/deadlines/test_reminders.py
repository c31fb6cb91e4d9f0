"""The daily sweep reminds each deadline once per step, and escalates when overdue."""

import datetime

import pytest
import time_machine

from deadlines import reminders
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline, Reminder
from notifications.models import Notification
from tests import workflow as wf

D = datetime.date


def at(day: D):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 8, tzinfo=datetime.UTC), tick=False
    )


@pytest.fixture
def assigned(world):
    # Assigned on Wednesday 18 March 2026: both sign-for deadlines fall on Wednesday 25 March.
    with at(D(2026, 3, 18)):
        return wf.assigned(world)


def sweep(day: D):
    with at(day):
        return reminders.sweep()


def notices(user):
    return [
        n.display_title
        for n in Notification.objects.for_display().filter(recipient=user, reminder__isnull=False)
    ]


@pytest.mark.django_db
def test_bands_start_today_and_follow_working_days():
    calendar = WorkingCalendar.load()
    bands = reminders.before_bands(D(2026, 9, 29), calendar, [5, 1, 0])
    assert bands == [
        (0, D(2026, 9, 28), D(2026, 9, 29)),
        (1, D(2026, 9, 29), D(2026, 9, 30)),
        (5, D(2026, 9, 30), D(2026, 10, 12)),
    ]


def test_each_step_is_reminded_once(world, assigned):
    result = sweep(D(2026, 3, 18))  # sign-for due in 5 working days
    assert (result.reminders, result.notifications) == (2, 2)
    assert notices(world.lead_clerk) == [
        f"【5个工作日后到期】市民政局签收期限 2026-03-25:{world.session.label}第1号提案"
        f"《{assigned.title}》"
    ]
    assert notices(world.lead_leader) == []  # leaders hear only of overdue items
    assert sweep(D(2026, 3, 18)).reminders == 0  # the same day again: nothing new
    assert sweep(D(2026, 3, 19)).reminders == 0  # still in the same band
    assert sweep(D(2026, 3, 24)).reminders == 2  # one working day left
    assert sweep(D(2026, 3, 25)).reminders == 2  # the day itself
    labels = [
        r.label for r in Reminder.objects.filter(deadline__assignment__agency=world.lead_agency)
    ]
    assert sorted(labels) == ["1个工作日后到期", "5个工作日后到期", "今天到期"]


def test_overdue_escalates_to_leaders_and_staff_then_weekly(world, assigned):
    sweep(D(2026, 3, 26))
    assert notices(world.lead_leader) and notices(world.staff)
    assert notices(world.lead_clerk)[0].startswith("【已超期】市民政局签收期限")
    assert notices(world.npc_staff) == []
    assert notices(world.other_clerk) == []
    for day in (27, 30, 31):
        assert sweep(D(2026, 3, day)).reminders == 0
    assert sweep(D(2026, 4, 1)).reminders == 2  # a week after the due date
    assert notices(world.lead_clerk)[0].startswith("【已超期1周】")


def test_a_deadline_met_in_time_is_not_chased(world, assigned):
    with at(D(2026, 3, 20)):
        from proposals import services as ps

        ps.assignment_sign_for(assignment=wf.lead_of(assigned), by=world.lead_clerk)
    sweep(D(2026, 3, 26))
    assert notices(world.lead_clerk) == []
    assert len(notices(world.co_clerk)) == 1


def test_no_reminders_on_a_rest_day(world, assigned):
    result = sweep(D(2026, 3, 28))  # a Saturday
    assert result.reminders == 0 and "休息日" in result.skipped
    assert sweep(D(2026, 3, 30)).reminders == 2


def test_an_extended_deadline_is_not_chased_as_overdue(world, assigned):
    deadline = Deadline.objects.get(assignment=wf.lead_of(assigned), step="reply")
    deadline.extended_to = D(2026, 8, 31)
    deadline.save()
    sweep(D(2026, 6, 22))  # past the original 18 June
    assert Reminder.objects.filter(deadline=deadline).count() == 0


def test_a_sweep_that_fails_midway_claims_nothing(world, assigned, monkeypatch):
    def die(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(reminders, "_write_notices", die)
    with pytest.raises(RuntimeError):
        sweep(D(2026, 3, 26))
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    monkeypatch.undo()
    assert sweep(D(2026, 3, 26)).reminders == 2


def test_reminder_mail_carries_the_explanation_and_a_link(
    world, assigned, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sweep(D(2026, 3, 26))
    to_clerk = [m for m in mailoutbox if m.to == [world.lead_clerk.email]]
    assert len(to_clerk) == 1
    assert "已超过办理期限" in to_clerk[0].body
    assert "自2026年3月18日起算" in to_clerk[0].body
    assert f"/proposals/{assigned.pk}/" in to_clerk[0].body
