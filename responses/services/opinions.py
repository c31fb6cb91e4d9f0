"""会办意见: a co-handling agency sends its written opinion to the lead agency."""

from __future__ import annotations

from django.db import transaction

from deadlines import services as deadlines
from deadlines.models import Step
from portal import clock
from proposals.errors import InvalidInput
from proposals.models import Assignment, Verb
from proposals.workflow import locked, require, require_text, require_transition, take

from ..models import CoHandlingOpinion


@transaction.atomic
def opinion_submit(*, assignment: Assignment, body: str, by) -> CoHandlingOpinion:
    """Submit the co-handling opinion of a signed-for 会办 assignment."""
    assignment = locked(assignment)
    require(by, "responses.submit_opinion", assignment, "提交会办意见")
    if assignment.mode != Assignment.Mode.CO:
        raise InvalidInput("只有会办单位提交会办意见。")
    require_transition(assignment, "send_opinion", "提交会办意见")
    body = require_text(body, field="body", what="会办意见")
    opinion = CoHandlingOpinion.objects.create(
        assignment=assignment,
        round=assignment.round,
        body=body,
        author=by,
        submitted_at=clock.now(),
    )
    take(
        assignment,
        "send_opinion",
        by=by,
        verb=Verb.OPINION_SUBMITTED,
        proposal=assignment.proposal,
        assignment=assignment,
    )
    deadlines.meet(assignment, [Step.OPINION])
    return opinion
