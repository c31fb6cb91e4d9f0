"""答复: the lead (or split) agency drafts its reply letter, its leader signs it off, it is sent.

A letter can be edited only as a draft or when returned; once signed off it
is frozen. Sending it marks the assignment replied and, when every agency
that owes a reply has sent one, the item.
"""

from __future__ import annotations

from django.db import transaction

from deadlines import services as deadlines
from deadlines.models import Step
from portal import clock, outbox
from proposals.errors import EditConflict, InvalidInput, TransitionNotAllowed
from proposals.models import Assignment, Proposal, Verb
from proposals.workflow import (
    locked,
    record,
    require,
    require_state,
    require_text,
    require_transition,
    take,
)

from .. import richtext
from ..models import LetterRevision, ReplyLetter, ResultCategory

Disclosure = ReplyLetter.Disclosure
Generation = ReplyLetter.Generation


def _keep_revision(letter: ReplyLetter, by, note: str = "") -> LetterRevision:
    """Keep the letter as it now stands as its current version."""
    return LetterRevision.objects.create(
        letter=letter,
        version=letter.version,
        body=letter.body,
        result_category_id=letter.result_category_id,
        disclosure=letter.disclosure,
        saved_by=by,
        saved_at=letter.updated_at,
        note=note,
    )


def _check_category(assignment: Assignment, category: ResultCategory | None) -> None:
    if category is not None and (
        category.body != assignment.proposal.body_kind or not category.is_active
    ):
        raise InvalidInput("办理结果分类不属于本类别。", field="result_category")


def _check_disclosure(disclosure: str, reason: str) -> str:
    if disclosure not in Disclosure.values:
        raise InvalidInput("请选择公开方式。", field="disclosure")
    reason = (reason or "").strip()
    if disclosure == Disclosure.WITHHELD and not reason:
        raise InvalidInput("不予公开须说明理由。", field="nondisclosure_reason")
    return reason


@transaction.atomic
def reply_draft(
    *,
    assignment: Assignment,
    by,
    body: str = "",
    result_category: ResultCategory | None = None,
    disclosure: str = Disclosure.PUBLIC,
    nondisclosure_reason: str = "",
    generate: bool = False,
) -> ReplyLetter:
    """Start the reply letter of the assignment's current round and return it.

    With ``generate`` the draft is written from the agency's reply template by a
    background task once this transaction commits; the clerk's page follows it.
    """
    assignment = locked(assignment)
    require(by, "responses.draft_reply", assignment, "起草答复")
    if not assignment.owes_reply:
        raise InvalidInput(f"{assignment.get_mode_display()}单位不直接答复提出人。")
    require_state(assignment, [Assignment.Status.HANDLING], "起草答复")
    if ReplyLetter.objects.filter(assignment=assignment, round=assignment.round).exists():
        raise InvalidInput("本轮答复已起草,请在原稿上修改。")
    _check_category(assignment, result_category)
    reason = _check_disclosure(disclosure, nondisclosure_reason)
    now = clock.now()
    letter = ReplyLetter.objects.create(
        assignment=assignment,
        round=assignment.round,
        body=richtext.normalise(body),
        result_category=result_category,
        disclosure=disclosure,
        nondisclosure_reason=reason,
        drafted_by=by,
        created_at=now,
        updated_at=now,
        generation=Generation.QUEUED if generate else Generation.NONE,
    )
    _keep_revision(letter, by, "起草")
    if generate:
        from ..tasks import generate_draft

        outbox.send_on_commit(generate_draft, letter.pk)
    record(
        proposal=assignment.proposal,
        verb=Verb.REPLY_DRAFTED,
        by=by,
        assignment=assignment,
        to_state=letter.status,
        data={"reply": letter.pk, "round": letter.round},
    )
    return letter


@transaction.atomic
def reply_update(
    *,
    letter: ReplyLetter,
    by,
    expected_version: int | None = None,
    body: str | None = None,
    result_category: ResultCategory | None = None,
    disclosure: str | None = None,
    nondisclosure_reason: str | None = None,
    document_number: str | None = None,
) -> ReplyLetter:
    """Save changes to a letter, refusing if someone saved since ``expected_version``.

    A draft or a returned letter changes in place, keeping each version. A signed
    letter not yet sent is frozen: changing it makes a new draft version that needs
    a new signature (签发后修改). A sent letter cannot change.
    """
    letter = locked(letter)
    require(by, "responses.draft_reply", letter, "修改答复")
    if not letter.is_changeable:
        raise TransitionNotAllowed(f"答复函当前状态为“{letter.get_status_display()}”,不能修改。")
    if expected_version is not None and expected_version != letter.version:
        raise EditConflict("答复函已被他人修改,您的修改未保存。请对照最新版本后再保存。")
    if letter.status == ReplyLetter.Status.APPROVED:
        assignment = letter.assignment
        take(
            letter,
            "reopen",
            by=by,
            verb=Verb.REPLY_REOPENED,
            proposal=assignment.proposal,
            assignment=assignment,
            note="已签发的答复函被修改,须重新审核签发。",
            data={"reply": letter.pk, "version": letter.version},
        )
    if body is not None:
        letter.body = richtext.normalise(body)
    if result_category is not None:
        _check_category(letter.assignment, result_category)
        letter.result_category = result_category
    if disclosure is not None or nondisclosure_reason is not None:
        letter.nondisclosure_reason = _check_disclosure(
            disclosure or letter.disclosure,
            letter.nondisclosure_reason if nondisclosure_reason is None else nondisclosure_reason,
        )
        letter.disclosure = disclosure or letter.disclosure
    if document_number is not None:
        letter.document_number = document_number.strip()
    letter.version += 1
    letter.updated_at = clock.now()
    if letter.generation == Generation.QUEUED:
        letter.generation = Generation.NONE  # the clerk's own text wins over a pending draft
    letter.save()
    _keep_revision(letter, by)
    return letter


def reply_generate(letter_id: int) -> ReplyLetter | None:
    """Write a queued draft from the agency's reply template (the background task's work).

    Only a letter still waiting for its draft is written, with a conditional update: a
    clerk who saved text meanwhile keeps it, and a task delivered twice writes once.
    """
    from .. import drafting

    letter = (
        ReplyLetter.objects.select_related(
            "assignment__agency",
            "assignment__proposal__session",
            "assignment__proposal__lead_proposer",
        )
        .filter(pk=letter_id, generation=Generation.QUEUED)
        .first()
    )
    if letter is None:
        return None
    template = drafting.template_for(letter.assignment)
    content = template.content if template else drafting.DEFAULT_TEMPLATE
    try:
        body = drafting.render_draft(
            content, drafting.DraftContext.for_assignment(letter.assignment)
        )
    except drafting.TemplateError as error:
        ReplyLetter.objects.filter(pk=letter.pk, generation=Generation.QUEUED).update(
            generation=Generation.FAILED, generation_error=str(error)[:300]
        )
        return None
    with transaction.atomic():
        now = clock.now()
        written = ReplyLetter.objects.filter(
            pk=letter.pk, generation=Generation.QUEUED, version=letter.version
        ).update(body=body, version=letter.version + 1, updated_at=now, generation=Generation.DONE)
        if not written:
            return None
        letter.refresh_from_db()
        _keep_revision(letter, None, "按模板生成")
    return letter


@transaction.atomic
def reply_submit(*, letter: ReplyLetter, by) -> ReplyLetter:
    """Submit a letter to the agency's leader for sign-off."""
    letter = locked(letter)
    require(by, "responses.submit_reply", letter, "提交审核")
    require_transition(letter, "submit_for_approval", "提交审核")
    require_text(letter.body, field="body", what="答复正文")
    _check_disclosure(letter.disclosure, letter.nondisclosure_reason)
    assignment = letter.assignment
    take(
        letter,
        "submit_for_approval",
        by=by,
        verb=Verb.REPLY_SUBMITTED,
        proposal=assignment.proposal,
        assignment=assignment,
        data={"reply": letter.pk, "version": letter.version},
    )
    return letter


@transaction.atomic
def reply_return(*, letter: ReplyLetter, comment: str, by) -> ReplyLetter:
    """Send a letter back to the clerk with the leader's comments."""
    letter = locked(letter)
    require(by, "responses.approve_reply", letter, "退回答复")
    require_transition(letter, "return_for_changes", "退回修改")
    comment = require_text(comment, field="comment", what="退回意见")
    assignment = letter.assignment
    take(
        letter,
        "return_for_changes",
        comment,
        by=by,
        verb=Verb.REPLY_RETURNED,
        proposal=assignment.proposal,
        assignment=assignment,
        note=comment,
        data={"reply": letter.pk},
    )
    return letter


@transaction.atomic
def reply_approve(*, letter: ReplyLetter, by) -> ReplyLetter:
    """Sign a letter off (签发): a leader of the replying agency, once a category is set."""
    letter = locked(letter)
    require(by, "responses.approve_reply", letter, "签发答复")
    require_transition(letter, "approve", "签发")
    if letter.result_category_id is None:
        raise InvalidInput("签发前须确定办理结果分类。", field="result_category")
    assignment = letter.assignment
    take(
        letter,
        "approve",
        by,
        by=by,
        verb=Verb.REPLY_APPROVED,
        proposal=assignment.proposal,
        assignment=assignment,
        data={"reply": letter.pk, "version": letter.version},
    )
    return letter


@transaction.atomic
def reply_send(*, letter: ReplyLetter, by) -> ReplyLetter:
    """Send a signed letter to the proposers; the item is replied once every reply owed is sent."""
    letter = locked(letter)
    require(by, "responses.send_reply", letter, "发送答复")
    require_transition(letter, "send", "发送答复")
    assignment = locked(letter.assignment)
    proposal = locked(assignment.proposal)
    require_transition(assignment, "mark_replied", "发送答复")
    assignment_before = assignment.status
    assignment.mark_replied()
    assignment.save()
    take(
        letter,
        "send",
        by=by,
        verb=Verb.REPLY_SENT,
        proposal=proposal,
        assignment=assignment,
        data={
            "reply": letter.pk,
            "round": letter.round,
            "assignment_status": [assignment_before, assignment.status],
        },
    )
    deadlines.meet(assignment, [Step.REPLY, Step.REHANDLING], round=letter.round)
    if letter.disclosure == Disclosure.PUBLIC:
        deadlines.start_publication_clock(assignment, letter.round)
    outstanding = proposal.assignments.replying().exclude(status=Assignment.Status.REPLIED)
    if proposal.status == Proposal.Status.ASSIGNED and not outstanding.exists():
        take(proposal, "mark_replied", by=by, verb=Verb.ALL_REPLIED, proposal=proposal)
    return letter
