"""The portal's notion of "now".

Services read the time from here so that records of past handling (the demo
data, imported letters) can be written with the moment they really happened:
``with clock.at(moment): service(...)``. Everywhere else it is ``timezone.now()``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("portal_clock", default=None)


def now() -> datetime:
    """Return the current moment, or the one fixed by ``at``."""
    return _fixed.get() or timezone.now()


def today() -> date:
    """Return today's date in the portal's time zone."""
    return timezone.localdate(now())


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
