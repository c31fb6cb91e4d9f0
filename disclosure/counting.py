"""How often each published reply is read, without a database write per visit.

Each process counts visits in memory and adds them to the database in one statement
per reply at most every ``FLUSH_SECONDS`` (or every ``FLUSH_VISITS`` visits). A
process that stops loses at most its last few seconds of counts.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.db import transaction
from django.db.models import F

FLUSH_SECONDS = 30
FLUSH_VISITS = 500

_lock = threading.Lock()
_pending: Counter[int] = Counter()
_last_flush = time.monotonic()


def seen(publication_id: int) -> None:
    global _last_flush
    with _lock:
        _pending[publication_id] += 1
        due = (
            sum(_pending.values()) >= FLUSH_VISITS
            or time.monotonic() - _last_flush >= FLUSH_SECONDS
        )
    if due:
        flush()


def flush() -> int:
    """Write the counted visits; return how many were written."""
    global _last_flush
    with _lock:
        counts = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not counts:
        return 0
    from .models import Publication, PublicationStats

    with transaction.atomic():
        # A reply read and then withdrawn is not counted: its page is gone.
        present = set(
            Publication.objects.public().filter(pk__in=counts).values_list("pk", flat=True)
        )
        counts = {pk: n for pk, n in counts.items() if pk in present}
        existing = set(
            PublicationStats.objects.filter(publication_id__in=counts).values_list(
                "publication_id", flat=True
            )
        )
        PublicationStats.objects.bulk_create(
            [PublicationStats(publication_id=pk, views=0) for pk in counts if pk not in existing],
            ignore_conflicts=True,
        )
        for pk, n in counts.items():
            PublicationStats.objects.filter(publication_id=pk).update(views=F("views") + n)
    return sum(counts.values())


def pending(publication_id: int) -> int:
    with _lock:
        return _pending.get(publication_id, 0)


def reset() -> None:
    """Forget the counts not yet written (for tests, which roll their data back)."""
    global _last_flush
    with _lock:
        _pending.clear()
        _last_flush = time.monotonic()
