"""How urgent a due date is, for colouring lists: overdue, due today, soon, near, or not yet."""

from __future__ import annotations

from datetime import date

from .calendar import WorkingCalendar

SOON_WORKING_DAYS = 3
NEAR_WORKING_DAYS = 10


def urgency(due: date, today: date, calendar: WorkingCalendar) -> tuple[str, str]:
    """Return ``(css class, words)`` for a due date seen on ``today``."""
    if due < today:
        return "overdue", f"已超期{(today - due).days}天"
    if due == today:
        return "today", "今天到期"
    left = calendar.working_days_between(today, due)
    if left <= SOON_WORKING_DAYS:
        return "soon", f"剩{left}个工作日"
    if left <= NEAR_WORKING_DAYS:
        return "near", f"剩{left}个工作日"
    return "ok", f"剩{left}个工作日"


def mark(deadlines, today: date, calendar: WorkingCalendar | None = None) -> None:
    """Set ``urgency`` and ``urgency_text`` on each open deadline (others get empty ones)."""
    calendar = calendar or WorkingCalendar.load()
    for deadline in deadlines:
        if deadline is None:
            continue
        if deadline.status == deadline.Status.OPEN:
            deadline.urgency, deadline.urgency_text = urgency(
                deadline.effective_due_on, today, calendar
            )
        else:
            deadline.urgency, deadline.urgency_text = "done", deadline.state_label(today)
