"""Starting, meeting, extending and recomputing deadlines.

The workflow services call ``start_*``, ``meet`` and ``cancel_open`` as an
assignment moves; staff and agencies call the extension services; editing
the working calendar calls ``recompute_open``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from portal import clock, outbox
from portal.chinese import chinese_date
from proposals.errors import InvalidInput, TransitionNotAllowed
from proposals.models import Assignment, Event, Verb
from proposals.workflow import locked, record, require, require_text
from stats import facts as stats_facts

from .calendar import Period, Unit, WorkingCalendar, add_months
from .models import Deadline, DeadlineRule, ExtensionRequest, Step

DEFAULT_RULES = {
    Step.SIGN_FOR: Period(Unit.WORKING_DAYS, 5),
    Step.OPINION: Period(Unit.MONTHS, 1),
    Step.REPLY: Period(Unit.MONTHS, 3),
    Step.REHANDLING: Period(Unit.MONTHS, 1),
    Step.PUBLICATION: Period(Unit.WORKING_DAYS, 20),
}
EXTENSION_CAP_MONTHS = 6
EXTENDABLE_STEPS = (Step.OPINION, Step.REPLY, Step.REHANDLING)


def rule_for(body: str, step: str) -> Period:
    """The period for ``step`` in ``body``: its own rule, else the shared one, else the default."""
    rules = {r.body: r.period for r in DeadlineRule.objects.filter(step=step, body__in=[body, ""])}
    return rules.get(body) or rules.get("") or DEFAULT_RULES[step]


def _open(
    assignment: Assignment,
    step: str,
    start: date,
    *,
    round: int = 1,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    period = rule_for(assignment.proposal.body_kind, step)
    due = (calendar or WorkingCalendar.load()).due(start, period)
    return Deadline.objects.create(
        assignment=assignment,
        step=step,
        round=round,
        starts_on=start,
        unit=period.unit,
        amount=period.amount,
        due_on=due.due_on,
        provisional=due.provisional,
        explanation=due.as_dict(),
    )


def start_assignment_clock(assignment: Assignment) -> list[Deadline]:
    """Open the deadlines of a new assignment, counted from the day it was assigned."""
    start = timezone.localdate(assignment.assigned_at)
    calendar = WorkingCalendar.load()
    deadlines = [_open(assignment, Step.SIGN_FOR, start, calendar=calendar)]
    if assignment.mode == Assignment.Mode.CO:
        deadlines.append(_open(assignment, Step.OPINION, start, calendar=calendar))
    elif assignment.owes_reply:
        deadlines.append(_open(assignment, Step.REPLY, start, calendar=calendar))
    return deadlines


def start_rehandling_clock(assignment: Assignment) -> Deadline:
    """Open the deadline of a reply after re-handling, counted from today."""
    return _open(assignment, Step.REHANDLING, clock.today(), round=assignment.round)


def start_publication_clock(assignment: Assignment, round: int) -> Deadline:
    """Open the deadline to publish a sent reply, counted from the day it was sent."""
    return _open(assignment, Step.PUBLICATION, clock.today(), round=round)


def meet(assignment: Assignment, steps: Iterable[str], round: int | None = None) -> int:
    """Mark the open deadlines of ``steps`` met now; return how many."""
    deadlines = Deadline.objects.open().filter(assignment=assignment, step__in=list(steps))
    if round is not None:
        deadlines = deadlines.filter(round=round)
    return deadlines.update(status=Deadline.Status.MET, met_at=clock.now())


def cancel_open(assignment: Assignment, steps: Iterable[str] | None = None) -> int:
    """Cancel the open deadlines of an assignment that no longer owes them."""
    deadlines = Deadline.objects.open().filter(assignment=assignment)
    if steps is not None:
        deadlines = deadlines.filter(step__in=list(steps))
    return deadlines.update(status=Deadline.Status.CANCELLED)


def extension_cap(deadline: Deadline) -> date:
    """The latest date an extension may reach: six months from the assignment."""
    assigned_on = timezone.localdate(deadline.assignment.assigned_at)
    return add_months(assigned_on, EXTENSION_CAP_MONTHS)


@transaction.atomic
def extension_request(
    *, deadline: Deadline, proposed_date: date, reason: str, by
) -> ExtensionRequest:
    """Ask committee staff for more time on an open opinion or reply deadline (延期申请)."""
    deadline = locked(deadline)
    assignment = deadline.assignment
    require(by, "deadlines.request_extension", deadline, "申请延期")
    if deadline.status != Deadline.Status.OPEN:
        raise TransitionNotAllowed(f"该期限{deadline.get_status_display()},不能申请延期。")
    if deadline.step not in EXTENDABLE_STEPS:
        raise InvalidInput(f"{deadline.get_step_display()}期限不能延期。")
    if deadline.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise InvalidInput("已有待审批的延期申请。")
    reason = require_text(reason, field="reason", what="延期理由")
    _check_extension_date(deadline, proposed_date, field="proposed_date")
    request = ExtensionRequest.objects.create(
        deadline=deadline,
        reason=reason,
        proposed_date=proposed_date,
        requested_by=by,
        requested_at=clock.now(),
    )
    record(
        proposal=assignment.proposal,
        verb=Verb.EXTENSION_REQUESTED,
        by=by,
        assignment=assignment,
        note=f"{deadline.get_step_display()}期限申请延至{chinese_date(proposed_date)}:{reason}",
        data={
            "deadline": deadline.pk,
            "request": request.pk,
            "proposed": proposed_date.isoformat(),
        },
    )
    return request


def _check_extension_date(deadline: Deadline, proposed: date | None, *, field: str) -> None:
    if proposed is None:
        raise InvalidInput("请填写延期后的日期。", field=field)
    if proposed <= deadline.effective_due_on:
        raise InvalidInput(
            f"延期后的日期须晚于现截止日{chinese_date(deadline.effective_due_on)}。", field=field
        )
    cap = extension_cap(deadline)
    if proposed > cap:
        raise InvalidInput(
            f"延期不能超过交办之日起{EXTENSION_CAP_MONTHS}个月,即最晚{chinese_date(cap)}。",
            field=field,
        )


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    approve: bool,
    by,
    note: str = "",
    granted_date: date | None = None,
) -> ExtensionRequest:
    """Approve (to the proposed or another date) or refuse an extension request."""
    request = locked(request)
    deadline = locked(request.deadline)
    assignment = deadline.assignment
    require(by, "deadlines.decide_extension", deadline, "审批延期申请")
    if request.status != ExtensionRequest.Status.PENDING:
        raise TransitionNotAllowed(f"该申请{request.get_status_display()},不能再审批。")
    if deadline.status != Deadline.Status.OPEN:
        raise TransitionNotAllowed(f"该期限{deadline.get_status_display()},无需延期。")
    note = note.strip()
    if approve:
        granted = granted_date or request.proposed_date
        _check_extension_date(deadline, granted, field="granted_date")
        before = deadline.effective_due_on
        deadline.extended_to = granted
        deadline.save()
        request.status, request.granted_date = ExtensionRequest.Status.APPROVED, granted
        verb = Verb.EXTENSION_APPROVED
        step = deadline.get_step_display()
        text = f"{step}期限由{chinese_date(before)}延至{chinese_date(granted)}。"
    else:
        note = require_text(note, field="note", what="不同意延期的理由")
        request.status = ExtensionRequest.Status.REFUSED
        verb, text = Verb.EXTENSION_REFUSED, ""
    request.decided_by, request.decided_at, request.decision_note = by, clock.now(), note
    request.save()
    record(
        proposal=assignment.proposal,
        verb=verb,
        by=by,
        assignment=assignment,
        from_state=ExtensionRequest.Status.PENDING,
        to_state=request.status,
        note=text + note,
        data={"deadline": deadline.pk, "request": request.pk},
    )
    return request


@transaction.atomic
def recompute_open(*, first: date, last: date, by=None) -> int:
    """Recompute the open deadlines whose period touches ``first``..``last``.

    Called after the working calendar changed on those days. Each deadline
    whose date moves (or stops being provisional) is saved with its new
    explanation and an event on its item's timeline. Returns how many moved.
    """
    calendar = WorkingCalendar.load()
    affected = (
        Deadline.objects.open()
        .filter(starts_on__lt=last, due_on__gte=first)
        .select_related("assignment")
        .select_for_update(of=("self",))
    )
    changed, events = [], []
    for deadline in affected:
        due = calendar.due(deadline.starts_on, deadline.period)
        if due.due_on == deadline.due_on and due.provisional == deadline.provisional:
            continue
        before = deadline.due_on
        deadline.due_on, deadline.provisional = due.due_on, due.provisional
        deadline.explanation = due.as_dict()
        deadline.effective_due_on = deadline.extended_to or deadline.due_on
        changed.append(deadline)
        if before != due.due_on:
            events.append(
                Event(
                    proposal_id=deadline.assignment.proposal_id,
                    assignment=deadline.assignment,
                    verb=Verb.DEADLINE_RECOMPUTED,
                    actor=by if by is not None and by.is_authenticated else None,
                    at=clock.now(),
                    note=(
                        f"节假日安排调整,{deadline.get_step_display()}期限由"
                        f"{chinese_date(before)}改为{chinese_date(due.due_on)}。"
                    ),
                    data={"deadline": deadline.pk},
                )
            )
    Deadline.objects.bulk_update(
        changed, ["due_on", "provisional", "explanation", "effective_due_on"], batch_size=500
    )
    Event.objects.bulk_create(events, batch_size=500)
    stats_facts.mark(d.assignment.proposal_id for d in changed)
    return len(events)


def calendar_changed(*, first: date, last: date, by=None) -> None:
    """After the working calendar changed between ``first`` and ``last``, recompute the open
    deadlines it touches once the change is committed."""
    from .tasks import recompute_deadlines

    user_id = by.pk if by is not None and by.is_authenticated else None
    outbox.send_on_commit(recompute_deadlines, first.isoformat(), last.isoformat(), user_id)
