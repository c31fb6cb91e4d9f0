"""How long each step may take, counted from the assignment."""

from __future__ import annotations

from datetime import date

from .calendar import add_months, add_working_days

SIGN_FOR_WORKING_DAYS = 5
OPINION_MONTHS = 1
REPLY_MONTHS = 3
REHANDLING_MONTHS = 1


def assignment_due_dates(mode: str, assigned_on: date) -> dict[str, date | None]:
    """Return the due dates of a new assignment in ``mode``, keyed by the Assignment field."""
    from proposals.models import Assignment

    return {
        "sign_for_due": add_working_days(assigned_on, SIGN_FOR_WORKING_DAYS),
        "opinion_due": (
            add_months(assigned_on, OPINION_MONTHS) if mode == Assignment.Mode.CO else None
        ),
        "reply_due": (
            add_months(assigned_on, REPLY_MONTHS) if mode in Assignment.REPLYING_MODES else None
        ),
    }


def rehandling_due(started_on: date) -> date:
    """Return when a reply after re-handling is due."""
    return add_months(started_on, REHANDLING_MONTHS)
