from celery import shared_task

from . import services


@shared_task
def generate_draft(letter_id: int) -> bool:
    """Write a reply draft from the agency's template; False when there was nothing to write."""
    return services.reply_generate(letter_id) is not None
