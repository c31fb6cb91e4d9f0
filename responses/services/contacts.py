"""沟通联系: the replying agency logs its contact with the proposer before it replies."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from portal import clock
from proposals.errors import InvalidInput
from proposals.models import Assignment, Verb
from proposals.workflow import locked, record, require, require_state, require_text

from ..models import ContactLog


@transaction.atomic
def contact_log(
    *, assignment: Assignment, contacted_on: date, way: str, people: str, summary: str, by
) -> ContactLog:
    """Record one contact with the proposer and put it on the timeline."""
    assignment = locked(assignment)
    require(by, "responses.log_contact", assignment, "记录沟通情况")
    if not assignment.owes_reply:
        raise InvalidInput("沟通情况由主办或分办单位记录。")
    require_state(assignment, [Assignment.Status.HANDLING], "记录沟通情况")
    if way not in ContactLog.Way.values:
        raise InvalidInput("请选择沟通方式。", field="way")
    if contacted_on is None or contacted_on > clock.today():
        raise InvalidInput("沟通日期不能晚于今天。", field="contacted_on")
    if contacted_on < timezone.localdate(assignment.assigned_at):
        raise InvalidInput("沟通日期不能早于交办日期。", field="contacted_on")
    contact = ContactLog.objects.create(
        assignment=assignment,
        contacted_on=contacted_on,
        way=way,
        people=require_text(people, field="people", what="参加人员"),
        summary=require_text(summary, field="summary", what="沟通情况"),
        logged_by=by,
        logged_at=clock.now(),
    )
    record(
        proposal=assignment.proposal,
        verb=Verb.CONTACT_LOGGED,
        by=by,
        assignment=assignment,
        note=f"{contacted_on:%Y-%m-%d} {contact.get_way_display()}",
        data={"contact": contact.pk},
    )
    return contact
