"""交办 and 签收: staff hand an item to agencies; agencies sign for it or ask for a change.

Agencies never pass an item on themselves: they ask, and staff decide.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from agencies.models import Agency
from deadlines import services as deadlines
from deadlines.models import Step
from portal import clock

from ..errors import InvalidInput
from ..models import Assignment, Proposal, Verb
from ..workflow import locked, record, require, require_text, require_transition, take

Mode = Assignment.Mode


def _new_assignment(proposal: Proposal, agency: Agency, mode: str, by) -> Assignment:
    assignment = Assignment.objects.create(
        proposal=proposal, agency=agency, mode=mode, assigned_at=clock.now(), assigned_by=by
    )
    deadlines.start_assignment_clock(assignment)
    return assignment


def _describe(assignments: Sequence[Assignment]) -> list[dict]:
    return [
        {"assignment": a.pk, "agency": a.agency.display_name, "mode": a.mode} for a in assignments
    ]


def assignment_plan(
    *,
    lead: Agency | None = None,
    co_handlers: Sequence[Agency] = (),
    split: Sequence[Agency] = (),
    reference: Sequence[Agency] = (),
) -> list[tuple[Agency, str]]:
    """Return the agencies to assign with their modes, or refuse a plan the rules do not allow.

    Either one lead agency (主办) with any co-handlers (会办), or two or more
    agencies that each reply separately (分办); agencies for reference (参阅)
    may be added to either, or stand alone when no reply is owed.
    """
    plan = [(lead, Mode.LEAD)] if lead else []
    plan += [(a, Mode.CO) for a in co_handlers]
    plan += [(a, Mode.SPLIT) for a in split]
    plan += [(a, Mode.REFERENCE) for a in reference]
    if not plan:
        raise InvalidInput("请选择承办单位。", field="lead")
    if lead and split:
        raise InvalidInput("主办和分办不能同时使用。", field="split")
    if co_handlers and not lead:
        raise InvalidInput("有会办单位时须确定一个主办单位。", field="lead")
    if len(split) == 1:
        raise InvalidInput("分办须有两个及以上单位;只有一个单位时请设为主办。", field="split")
    agencies = [a for a, _ in plan]
    if len({a.pk for a in agencies}) != len(agencies):
        raise InvalidInput("同一单位不能重复交办。", field="co_handlers")
    inactive = [a.name for a in agencies if not a.is_active]
    if inactive:
        raise InvalidInput(f"单位已停用:{'、'.join(inactive)}。", field="lead")
    return plan


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    by,
    lead: Agency | None = None,
    co_handlers: Sequence[Agency] = (),
    split: Sequence[Agency] = (),
    reference: Sequence[Agency] = (),
    note: str = "",
) -> list[Assignment]:
    """Assign an accepted item as ``assignment_plan`` allows and return the new assignments."""
    proposal = locked(proposal)
    require(by, "proposals.assign_proposal", proposal, "交办")
    require_transition(proposal, "assign", "交办")
    plan = assignment_plan(lead=lead, co_handlers=co_handlers, split=split, reference=reference)
    assignments = [_new_assignment(proposal, agency, mode, by) for agency, mode in plan]
    take(
        proposal,
        "assign",
        by=by,
        verb=Verb.ASSIGNED,
        proposal=proposal,
        note=note.strip(),
        data={"assignments": _describe(assignments)},
    )
    return assignments


@transaction.atomic
def assignment_sign_for(*, assignment: Assignment, by) -> Assignment:
    """Sign for an assignment (签收); for one sent for reference, this is 签阅 and ends it."""
    assignment = locked(assignment)
    require(by, "proposals.sign_for_assignment", assignment, "签收")
    if assignment.mode == Mode.REFERENCE:
        method, verb = "acknowledge", Verb.ACKNOWLEDGED
    else:
        method, verb = "sign_for", Verb.SIGNED_FOR
    take(
        assignment,
        method,
        by,
        by=by,
        verb=verb,
        proposal=assignment.proposal,
        assignment=assignment,
    )
    deadlines.meet(assignment, [Step.SIGN_FOR])
    return assignment


@transaction.atomic
def assignment_request_adjustment(*, assignment: Assignment, reason: str, by) -> Assignment:
    """Ask committee staff to move an assignment elsewhere (申请调整), giving the reason."""
    assignment = locked(assignment)
    require(by, "proposals.request_adjustment", assignment, "申请调整")
    require_transition(assignment, "request_adjustment", "申请调整")
    reason = require_text(reason, field="reason", what="申请调整的理由")
    take(
        assignment,
        "request_adjustment",
        reason,
        by=by,
        verb=Verb.ADJUSTMENT_REQUESTED,
        proposal=assignment.proposal,
        assignment=assignment,
        note=reason,
    )
    return assignment


@transaction.atomic
def assignment_decide_adjustment(
    *,
    assignment: Assignment,
    approve: bool,
    by,
    new_agency: Agency | None = None,
    note: str = "",
) -> Assignment:
    """Decide a request for adjustment and return the assignment that now stands.

    Approving withdraws this assignment and, where a new agency is given,
    assigns the item to it in the same mode, with its own clock; an agency
    that owes a reply (主办, 分办) must be replaced. Refusing, with a reason,
    sends the assignment back to the agency to sign for.
    """
    assignment = locked(assignment)
    proposal = assignment.proposal
    require(by, "proposals.decide_adjustment", assignment, "审批调整申请")
    if not approve:
        require_transition(assignment, "keep_after_adjustment_refused", "不同意调整")
        note = require_text(note, field="note", what="不同意调整的理由")
        take(
            assignment,
            "keep_after_adjustment_refused",
            by=by,
            verb=Verb.ADJUSTMENT_REFUSED,
            proposal=proposal,
            assignment=assignment,
            note=note,
        )
        return assignment
    require_transition(assignment, "withdraw_for_adjustment", "同意调整")
    if new_agency is None and assignment.owes_reply:
        raise InvalidInput(
            f"{assignment.get_mode_display()}单位调整时须指定新的承办单位。", field="new_agency"
        )
    if new_agency is not None:
        if not new_agency.is_active:
            raise InvalidInput(f"单位已停用:{new_agency.name}。", field="new_agency")
        taken = proposal.assignments.active().filter(agency=new_agency).exclude(pk=assignment.pk)
        if new_agency.pk == assignment.agency_id or taken.exists():
            raise InvalidInput(f"{new_agency.display_name}已承办本件。", field="new_agency")
    # Withdraw first: the constraints allow one active lead and one active assignment per agency.
    take(
        assignment,
        "withdraw_for_adjustment",
        None,
        by=by,
        verb=Verb.ADJUSTMENT_APPROVED,
        proposal=proposal,
        assignment=assignment,
        note=note.strip(),
        data={"new_agency": new_agency.display_name if new_agency else None},
    )
    deadlines.cancel_open(assignment)
    if new_agency is None:
        return assignment
    replacement = _new_assignment(proposal, new_agency, assignment.mode, by)
    Assignment.objects.filter(pk=assignment.pk).update(replaced_by=replacement)
    assignment.replaced_by = replacement
    record(
        proposal=proposal,
        verb=Verb.ASSIGNED,
        by=by,
        assignment=replacement,
        to_state=replacement.status,
        note=f"由{assignment.agency.display_name}调整为{new_agency.display_name}。",
        data={"assignments": _describe([replacement])},
    )
    return replacement
