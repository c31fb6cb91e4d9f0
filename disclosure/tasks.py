from celery import shared_task
from celery.signals import worker_process_init

from . import search
from .models import Publication


@worker_process_init.connect
def load_dictionary(**kwargs) -> None:
    """Load jieba and the portal's words when a worker process starts, not on its first task."""
    search.tokenizer()


@shared_task(autoretry_for=(Publication.DoesNotExist,), max_retries=3, retry_backoff=True)
def index_publication(publication_id: int) -> int:
    """Write the search index of one publication; return its id."""
    publication = Publication.objects.select_related("agency").get(pk=publication_id)
    search.index(publication)
    return publication.pk
