from celery import shared_task
from django.db import OperationalError

from . import services
from .models import ImportJob, Proposal


@shared_task
def run_import(job_id: int) -> dict:
    """Import a confirmed assignment list in the background; return how many rows made it."""
    job = services.import_run(job=ImportJob.objects.get(pk=job_id))
    return {"created": job.created_count, "failed": job.failed_count}


@shared_task(autoretry_for=(OperationalError,), max_retries=3, retry_backoff=True)
def index_proposal(proposal_id: int) -> int | None:
    """Write the similarity index of one item (its words and their counts); return its id.

    A deadlock between two items counting the same words at once is retried.
    """
    from .similarity import index

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None:  # a draft deleted before its turn came
        return None
    index(proposal)
    return proposal.pk
