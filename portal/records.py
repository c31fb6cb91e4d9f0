"""Records the handling process keeps: rows never deleted, and rows never changed either.

A model says what it keeps by its base, and in its own words why it refuses:

- ``KeptRecord``: may change, never goes (an assignment, a reply letter, a rating);
  ``delete_refused`` is the message.
- ``ImmutableRecord``: written once, never changed or deleted (a timeline event, a
  letter's saved version, a publication); ``change_refused`` is the message of a change.

Both refuse on the instance and in bulk on their querysets, with ``ProtectedFromDeletion``;
the API answers it with a 409. A model with a queryset of its own bases it on
``KeptQuerySet`` or ``ImmutableQuerySet``.
"""

from __future__ import annotations

from django.db import models


class ProtectedFromDeletion(Exception):
    """Raised when code tries to delete, or to rewrite, a record the process must keep."""


class KeptQuerySet(models.QuerySet):
    """Rows that are never deleted, not even in bulk."""

    def delete(self):
        raise ProtectedFromDeletion(self.model.delete_refused)


class ImmutableQuerySet(KeptQuerySet):
    """Rows that are never changed or deleted, not even in bulk."""

    def update(self, **kwargs):
        raise ProtectedFromDeletion(self.model.change_refused)


class KeptRecord(models.Model):
    """A record the process keeps: it may change, but it is never deleted."""

    delete_refused = "该记录不能删除。"

    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ProtectedFromDeletion(self.delete_refused)


class ImmutableRecord(KeptRecord):
    """A record written once and kept as written: never changed, never deleted."""

    change_refused = "该记录不能修改。"

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ProtectedFromDeletion(self.change_refused)
        # Always an insert: a new instance given the key of an existing row (a primary key
        # that is also a relation, say) fails instead of overwriting that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
