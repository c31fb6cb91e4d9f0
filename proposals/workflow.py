"""The steps every service takes: check the actor, check the state, change it, record it.

A service reads as the rule it enforces; the bookkeeping shared by all of them
is here, so that no service can forget the event or the lock.
"""

from __future__ import annotations

from typing import TypeVar

import rules
from django.db import models
from django_fsm import can_proceed

from portal import outbox

from .errors import InvalidInput, NotPermitted, TransitionNotAllowed
from .models import Assignment, Event, Proposal, Verb

M = TypeVar("M", bound=models.Model)


def locked(obj: M) -> M:
    """Re-read ``obj`` under a row lock, so two requests cannot both take the same step."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def require(user, permission: str, obj, action: str) -> None:
    """Raise ``NotPermitted`` unless ``user`` holds ``permission`` on ``obj``."""
    if user is None or not user.is_authenticated or not rules.has_perm(permission, user, obj):
        raise NotPermitted(f"您没有权限{action}。")


def require_text(value: str, *, field: str, what: str) -> str:
    """Return ``value`` stripped, or refuse when nothing was written."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"请填写{what}。", field=field)
    return value


def require_transition(obj, method_name: str, action: str) -> None:
    """Raise ``TransitionNotAllowed`` unless the state machine allows ``method_name`` now."""
    if not can_proceed(getattr(obj, method_name)):
        raise TransitionNotAllowed(f"当前状态为“{obj.get_status_display()}”,不能{action}。")


def require_state(obj, allowed, action: str) -> None:
    """Raise ``TransitionNotAllowed`` unless ``obj`` is in one of the ``allowed`` states.

    For steps that act beside an object without moving its state (logging a
    contact, starting a letter).
    """
    if obj.status not in allowed:
        raise TransitionNotAllowed(f"当前状态为“{obj.get_status_display()}”,不能{action}。")


def take(
    obj: Proposal | Assignment | models.Model,
    method_name: str,
    *args,
    by,
    verb: Verb,
    proposal: Proposal,
    assignment: Assignment | None = None,
    note: str = "",
    data: dict | None = None,
    **kwargs,
) -> Event:
    """Take the transition ``method_name`` on ``obj``, save it and record the event.

    The caller has checked permissions and locked ``obj``; this checks the state.
    """
    require_transition(obj, method_name, verb.label)
    before = obj.status
    getattr(obj, method_name)(*args, **kwargs)
    obj.save()
    return record(
        proposal=proposal,
        verb=verb,
        by=by,
        assignment=assignment,
        from_state=before,
        to_state=obj.status,
        note=note,
        data=data,
    )


def record(*, proposal: Proposal, verb: Verb, by, **fields) -> Event:
    """Write a timeline event, mark the item's statistics for refreshing, and once the
    transaction commits, tell whoever must hear of it."""
    from notifications.recipients import NOTIFIED_VERBS
    from notifications.tasks import notify_event
    from stats import facts

    event = Event.objects.record(proposal=proposal, verb=verb, actor=by, **fields)
    facts.mark([proposal.pk])
    if verb in NOTIFIED_VERBS:
        outbox.send_on_commit(notify_event, event.pk)
    return event
