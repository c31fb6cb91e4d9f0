"""征询意见 and 重新办理: proposers rate each reply; a 不满意 leads to handling it again."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.roles import roles_of
from deadlines import services as deadlines
from portal import clock
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import Assignment, Proposal, Proposer, Verb
from proposals.services.closing import close_if_complete
from proposals.workflow import locked, record, require, require_transition, take

from ..models import Feedback, ReplyLetter

Rating = Feedback.Rating


@transaction.atomic
def feedback_submit(
    *,
    letter: ReplyLetter,
    rating: str,
    by,
    comment: str = "",
    proposer: Proposer | None = None,
    paper_dated_on: datetime.date | None = None,
) -> Feedback:
    """Record a proposer's rating of a sent reply and return it.

    A proposer rates for themself online. Committee staff may enter the
    rating a proposer returned on the paper form (书面征询意见表), naming the
    proposer and the date written on the form (the day it is entered when not
    given); the timeline shows who entered it. The agency that replied never can.
    """
    letter = locked(letter)
    own_proposer_id = roles_of(by).proposer_id
    if proposer is None or proposer.pk == own_proposer_id:
        require(by, "responses.rate_reply", letter, "评价答复")
        proposer_id, channel = own_proposer_id, Feedback.Channel.ONLINE
    else:
        require(by, "responses.record_paper_rating", letter, "代为录入评价")
        proposer_id, channel = proposer.pk, Feedback.Channel.PAPER
    proposal = letter.assignment.proposal
    signers = {p.pk: p for p in proposal.proposers_with_merged()}
    if proposer_id not in signers:
        raise InvalidInput("评价人须为本件的提出人。", field="proposer")
    if letter.status != ReplyLetter.Status.SENT:
        raise TransitionNotAllowed("答复尚未送达,不能评价。")
    if rating not in Rating.values:
        raise InvalidInput("请选择满意、基本满意或不满意。", field="rating")
    comment = (comment or "").strip()
    if rating == Rating.DISSATISFIED and not comment:
        raise InvalidInput("评价为不满意时,请写明不满意的原因。", field="comment")
    paper_dated_on = _paper_date(letter, channel, paper_dated_on)
    earlier = Feedback.objects.filter(reply=letter, proposer_id=proposer_id).first()
    if earlier is not None:
        if channel == Feedback.Channel.ONLINE:
            raise InvalidInput("您已评价过这份答复。", field="rating")
        raise InvalidInput(
            f"{signers[proposer_id].name}已评价过这份答复"
            f"({earlier.get_channel_display()},{_day(earlier.rated_at)}),"
            "每位提出人对每份答复只评价一次,不能重复录入。",
            field="proposer",
        )
    feedback = Feedback.objects.create(
        reply=letter,
        proposer_id=proposer_id,
        rating=rating,
        comment=comment,
        channel=channel,
        entered_by=by,
        rated_at=clock.now(),
        paper_dated_on=paper_dated_on,
    )
    data = {
        "reply": letter.pk,
        "rating": rating,
        "proposer": proposer_id,
        "proposer_name": feedback.proposer.name,
        "channel": channel,
    }
    if channel == Feedback.Channel.PAPER:
        data |= {"paper_dated_on": paper_dated_on.isoformat(), "entered_by_name": str(by)}
    record(
        proposal=proposal,
        verb=Verb.RATED,
        by=by,
        assignment=letter.assignment,
        note=comment,
        data=data,
    )
    close_if_complete(proposal)
    return feedback


def _day(moment: datetime.datetime) -> str:
    day = timezone.localdate(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _paper_date(letter: ReplyLetter, channel: str, given: datetime.date | None):
    """The date on the paper form: given, else today; never after today nor before the
    reply was sent. An online rating has none."""
    if channel == Feedback.Channel.ONLINE:
        if given is not None:
            raise InvalidInput("网上评价没有征询意见表日期。", field="paper_dated_on")
        return None
    today = clock.today()
    day = given or today
    if day > today:
        raise InvalidInput("征询意见表日期不能晚于今天。", field="paper_dated_on")
    sent_on = timezone.localdate(letter.sent_at) if letter.sent_at else None
    if sent_on is not None and day < sent_on:
        raise InvalidInput(
            f"征询意见表日期不能早于答复日期({_day(letter.sent_at)})。", field="paper_dated_on"
        )
    return day


@transaction.atomic
def assignment_rehandle(*, assignment: Assignment, by, note: str = "") -> Assignment:
    """Handle a replied assignment again after a 不满意 rating (重新办理).

    The proposer who rated 不满意, or committee staff, starts it; the agency
    gets a new round with its own deadline and writes a new reply.
    """
    assignment = locked(assignment)
    letter = ReplyLetter.objects.filter(assignment=assignment, round=assignment.round).first()
    if letter is None:
        raise TransitionNotAllowed("尚未答复,不能重新办理。")
    require(by, "responses.rehandle", letter, "申请重新办理")
    require_transition(assignment, "rehandle", "重新办理")
    dissatisfied = letter.feedback.filter(rating=Rating.DISSATISFIED)
    if not dissatisfied.exists():
        raise InvalidInput("只有评价为不满意的答复才能重新办理。")
    roles = roles_of(by)
    if (
        not roles.is_staff_of(assignment.proposal.body_kind)
        and not dissatisfied.filter(proposer_id=roles.proposer_id).exists()
    ):
        raise NotPermitted("只有评价为不满意的提出人可以申请重新办理。")
    if assignment.round > settings.PORTAL["MAX_REHANDLING_ROUNDS"]:
        raise InvalidInput("已重新办理过,不能再次重新办理。")
    proposal = locked(assignment.proposal)
    proposal_before = proposal.status
    if proposal.status == Proposal.Status.REPLIED:
        proposal.reopen_for_rehandling()
        proposal.save()
    take(
        assignment,
        "rehandle",
        by=by,
        verb=Verb.REHANDLING,
        proposal=proposal,
        assignment=assignment,
        note=note.strip(),
        data={"proposal_status": [proposal_before, proposal.status]},
    )
    deadlines.start_rehandling_clock(assignment)
    return assignment
