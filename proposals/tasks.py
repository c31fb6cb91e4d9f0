from celery import shared_task

from . import services
from .models import ImportJob


@shared_task
def run_import(job_id: int) -> dict:
    """Import a confirmed assignment list in the background; return how many rows made it."""
    job = services.import_run(job=ImportJob.objects.get(pk=job_id))
    return {"created": job.created_count, "failed": job.failed_count}
