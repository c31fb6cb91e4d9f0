from datetime import date

from celery import shared_task

from . import reminders, services


@shared_task
def sweep_reminders(today: str | None = None) -> dict:
    """The daily sweep: claim today's reminders and write their messages."""
    result = reminders.sweep(today=date.fromisoformat(today) if today else None)
    return {"reminders": result.reminders, "notifications": result.notifications}


@shared_task
def recompute_deadlines(first: str, last: str, user_id: int | None = None) -> int:
    """Recompute the open deadlines touched by a calendar change between two dates."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return services.recompute_open(
        first=date.fromisoformat(first), last=date.fromisoformat(last), by=user
    )
