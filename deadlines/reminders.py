"""The reminder sweep: who must be told today about which deadline.

Each open deadline falls in at most one band today: so many working days
before its date (the configured steps, e.g. 5 and 1, and 0 for the day
itself), or overdue by a number of whole weeks. A reminder is the pair
(deadline, band); the unique key on that pair is what makes each one happen
once. The sweep claims all of today's pairs with one ``INSERT … SELECT … ON
CONFLICT DO NOTHING`` per band, and writes the inbox messages for exactly
the pairs it claimed, all in one transaction: two sweeps at once claim
disjoint pairs, a retried sweep finds nothing left, and a sweep that dies
claims nothing. The number of queries does not depend on how many
deadlines are open.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction

from accounts.models import User
from agencies.models import AgencyMembership, CommitteeStaff
from notifications.models import Notification
from portal import clock
from proposals.models import Assignment, Proposal

from .calendar import WorkingCalendar
from .models import Deadline, Reminder


@dataclass
class SweepResult:
    reminders: int
    notifications: int
    skipped: str = ""


def before_bands(today: date, calendar: WorkingCalendar, steps) -> list[tuple[int, date, date]]:
    """Return ``(step, after, until)``: deadlines due in ``(after, until]`` are ``step`` working
    days away. The first band starts with today itself."""
    bands, after = [], today - timedelta(days=1)
    for step in sorted(set(steps)):
        until = today if step == 0 else calendar.add_working_days(today, step)
        if until > after:
            bands.append((step, after, until))
            after = until
    return bands


def _tables() -> dict[str, str]:
    return {
        "reminder": Reminder._meta.db_table,
        "deadline": Deadline._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "proposal": Proposal._meta.db_table,
        "membership": AgencyMembership._meta.db_table,
        "staff": CommitteeStaff._meta.db_table,
        "user": User._meta.db_table,
        "notification": Notification._meta.db_table,
    }


def _weeks_overdue_sql() -> str:
    if connection.vendor == "postgresql":
        return "((%(today)s::date - d.effective_due_on) / 7)"
    return "CAST((julianday(%(today)s) - julianday(d.effective_due_on)) / 7 AS INTEGER)"


def _claim(cursor, sql: str, params: dict) -> int:
    cursor.execute(sql.format(**_tables()), params)
    return max(cursor.rowcount, 0)


def _claim_reminders(cursor, *, today, bands, sweep, now) -> int:
    ops = connection.ops
    common = {"sweep": sweep, "now": ops.adapt_datetimefield_value(now)}
    claimed = 0
    for step, after, until in bands:
        claimed += _claim(
            cursor,
            "INSERT INTO {reminder} (deadline_id, kind, n, sweep, created_at) "
            "SELECT d.id, 'before', %(step)s, %(sweep)s, %(now)s FROM {deadline} d "
            "WHERE d.status = 'open' AND d.effective_due_on > %(after)s "
            "AND d.effective_due_on <= %(until)s "
            "ON CONFLICT DO NOTHING",
            {
                **common,
                "step": step,
                "after": ops.adapt_datefield_value(after),
                "until": ops.adapt_datefield_value(until),
            },
        )
    claimed += _claim(
        cursor,
        "INSERT INTO {reminder} (deadline_id, kind, n, sweep, created_at) "
        f"SELECT d.id, 'overdue', {_weeks_overdue_sql()}, %(sweep)s, %(now)s FROM {{deadline}} d "
        "WHERE d.status = 'open' AND d.effective_due_on < %(today)s "
        "ON CONFLICT DO NOTHING",
        {**common, "today": ops.adapt_datefield_value(today)},
    )
    return claimed


def _write_notices(cursor, *, sweep, now) -> int:
    """Inbox messages for the reminders of this sweep: the agency's clerks always; its
    leaders and the committee staff of the item's body once a deadline is overdue."""
    return _claim(
        cursor,
        "INSERT INTO {notification} (recipient_id, reminder_id, proposal_id, event_id, title, "
        "body, url, created_at, email_claim, email_attempts, email_error) "
        "SELECT fan.recipient_id, fan.reminder_id, fan.proposal_id, NULL, '', '', '', %(now)s, "
        "'', 0, '' FROM ("
        "  SELECT m.user_id AS recipient_id, r.id AS reminder_id, a.proposal_id AS proposal_id"
        "  FROM {reminder} r JOIN {deadline} d ON d.id = r.deadline_id"
        "  JOIN {assignment} a ON a.id = d.assignment_id"
        "  JOIN {membership} m ON m.agency_id = a.agency_id"
        "  WHERE r.sweep = %(sweep)s AND (m.role = 'clerk' OR r.kind = 'overdue')"
        "  UNION"
        "  SELECT s.user_id, r.id, a.proposal_id"
        "  FROM {reminder} r JOIN {deadline} d ON d.id = r.deadline_id"
        "  JOIN {assignment} a ON a.id = d.assignment_id"
        "  JOIN {proposal} p ON p.id = a.proposal_id"
        "  JOIN {staff} s ON s.body = CASE p.kind WHEN 'suggestion' THEN 'npc' ELSE 'cppcc' END"
        "  WHERE r.sweep = %(sweep)s AND r.kind = 'overdue'"
        ") fan JOIN {user} u ON u.id = fan.recipient_id "
        "WHERE u.is_active "
        "ON CONFLICT DO NOTHING",
        {"sweep": sweep, "now": connection.ops.adapt_datetimefield_value(now)},
    )


def sweep(*, today: date | None = None, force: bool = False) -> SweepResult:
    """Claim today's reminders and write their inbox messages; e-mail follows after commit.

    On a rest day nothing is sent unless ``force`` is given or the portal is
    set to remind on rest days: reminders wait for the next working day.
    """
    today = today or clock.today()
    calendar = WorkingCalendar.load()
    if not (force or settings.PORTAL["REMIND_ON_REST_DAYS"] or calendar.is_working_day(today)):
        return SweepResult(0, 0, skipped=f"{today.isoformat()} 为休息日,不发送提醒。")
    bands = before_bands(today, calendar, settings.PORTAL["REMINDER_DAYS_BEFORE"])
    token, now = uuid.uuid4().hex, clock.now()
    with transaction.atomic(), connection.cursor() as cursor:
        reminders = _claim_reminders(cursor, today=today, bands=bands, sweep=token, now=now)
        notices = _write_notices(cursor, sweep=token, now=now) if reminders else 0
        if notices:
            from notifications.services import schedule_delivery

            schedule_delivery()
    return SweepResult(reminders, notices)
