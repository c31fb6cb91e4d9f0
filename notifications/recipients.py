"""Who hears of which step of the process, and what they are told."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from agencies.models import AgencyMembership, CommitteeStaff
from portal.chinese import chinese_date
from proposals.models import Assignment, Event, Proposal, Verb

from .models import item_name


@dataclass(frozen=True)
class Notice:
    title: str
    body: str


_item = item_name


def _agency_users(agency_ids: Iterable[int], role: str | None = None):
    memberships = AgencyMembership.objects.filter(agency_id__in=list(agency_ids))
    if role:
        memberships = memberships.filter(role=role)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"), is_active=True)


def _staff_users(proposal: Proposal):
    posts = CommitteeStaff.objects.filter(body=proposal.body_kind)
    return get_user_model().objects.filter(pk__in=posts.values("user_id"), is_active=True)


def _proposer_users(proposal: Proposal):
    ids = [p.user_id for p in proposal.proposers_with_merged() if p.user_id]
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def _reply(event: Event):
    from responses.models import ReplyLetter

    return ReplyLetter.objects.select_related("drafted_by").get(pk=event.data["reply"])


def _users_of_proposers(proposer_ids):
    from proposals.models import Proposer

    users = Proposer.objects.filter(pk__in=list(proposer_ids)).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True)


def _invited(event: Event):
    """Co-signers asked to confirm a draft: when invited, or again after its text changed."""
    invited = event.data.get("invited")
    if not invited:
        return None
    lead = event.proposal.lead_proposer.name
    if event.verb == Verb.COSIGN_RESET:
        title = f"请重新确认联名:{_item(event.proposal)}"
        body = f"{lead}修改了标题或正文,请阅读后重新确认或谢绝联名。"
    else:
        title = f"联名邀请:{lead}邀请您联名{_item(event.proposal)}"
        body = "请在“我的建议提案”中阅读草稿,确认或谢绝联名。"
    return _users_of_proposers(invited), Notice(title, body)


def _cosign_declined(event: Event):
    proposal = event.proposal
    ids = [proposal.created_by_id]
    if proposal.lead_proposer.user_id:
        ids.append(proposal.lead_proposer.user_id)
    users = get_user_model().objects.filter(pk__in=ids, is_active=True)
    who = event.data.get("proposer_name", "联名人")
    reason = f"理由:{event.note}" if event.note else "未说明理由。"
    return users, Notice(
        f"谢绝联名:{who}谢绝联名{_item(proposal)}", f"{reason}提交前请将其移出联名人。"
    )


def _assigned(event: Event):
    ids = [row["assignment"] for row in event.data.get("assignments", [])]
    agencies = Assignment.objects.filter(pk__in=ids).values_list("agency_id", flat=True)
    return _agency_users(agencies), Notice(
        f"新交办:{_item(event.proposal)}", "请在签收期限内签收,或说明理由申请调整。"
    )


def _adjustment_requested(event: Event):
    return _staff_users(event.proposal), Notice(
        f"调整申请:{event.assignment.agency.display_name}申请调整{_item(event.proposal)}",
        f"理由:{event.note}",
    )


def _adjustment_decided(event: Event):
    outcome = "同意" if event.verb == Verb.ADJUSTMENT_APPROVED else "不同意"
    return _agency_users([event.assignment.agency_id]), Notice(
        f"调整申请结果:{outcome}调整{_item(event.proposal)}", event.note
    )


def _opinion_submitted(event: Event):
    replying = event.proposal.assignments.replying().values_list("agency_id", flat=True)
    return _agency_users(replying), Notice(
        f"会办意见:{event.assignment.agency.display_name}已提交{_item(event.proposal)}的会办意见",
        "",
    )


def _reply_submitted(event: Event):
    return _agency_users([event.assignment.agency_id], AgencyMembership.Role.LEADER), Notice(
        f"待签发:{_item(event.proposal)}的答复函", "请审核签发或退回修改。"
    )


def _reply_reviewed(event: Event):
    outcome = "已签发" if event.verb == Verb.REPLY_APPROVED else "被退回修改"
    drafter = _reply(event).drafted_by
    users = get_user_model().objects.filter(pk=drafter.pk, is_active=True)
    return users, Notice(f"答复函{outcome}:{_item(event.proposal)}", event.note)


def _reply_sent(event: Event):
    return _proposer_users(event.proposal), Notice(
        f"已答复:{event.assignment.agency.display_name}答复了您的{_item(event.proposal)}",
        "请登录查看答复并评价。",
    )


def _rejected(event: Event):
    return _proposer_users(event.proposal), Notice(
        f"不予立案:{_item(event.proposal)}", f"理由:{event.note}"
    )


def _merged(event: Event):
    if "into" not in event.data:
        return None
    return _proposer_users(event.proposal), Notice(
        f"并案:{_item(event.proposal)}", f"已并入第{event.data['into_number']}号办理。"
    )


def _rated(event: Event):
    from responses.models import Feedback

    if event.data.get("rating") != Feedback.Rating.DISSATISFIED:
        return None
    users = _agency_users([event.assignment.agency_id]) | _staff_users(event.proposal)
    return users, Notice(f"不满意:{_item(event.proposal)}", f"意见:{event.note}")


def _rehandling(event: Event):
    from deadlines.models import Deadline, Step

    assignment = event.assignment
    deadline = Deadline.objects.filter(
        assignment=assignment, step=Step.REHANDLING, round=assignment.round
    ).first()
    when = f"请于{chinese_date(deadline.effective_due_on)}前重新答复。" if deadline else ""
    return _agency_users([assignment.agency_id]), Notice(
        f"重新办理:{_item(event.proposal)}", f"{when}提出人意见:{event.note}".strip(":")
    )


def _extension_requested(event: Event):
    return _staff_users(event.proposal), Notice(
        f"延期申请:{event.assignment.agency.display_name}申请延期办理{_item(event.proposal)}",
        event.note,
    )


def _extension_decided(event: Event):
    outcome = "同意" if event.verb == Verb.EXTENSION_APPROVED else "不同意"
    return _agency_users([event.assignment.agency_id]), Notice(
        f"延期申请结果:{outcome}延期办理{_item(event.proposal)}", event.note
    )


NOTIFIERS: dict[str, Callable] = {
    Verb.COSIGN_INVITED: _invited,
    Verb.COSIGN_RESET: _invited,
    Verb.COSIGN_DECLINED: _cosign_declined,
    Verb.ASSIGNED: _assigned,
    Verb.ADJUSTMENT_REQUESTED: _adjustment_requested,
    Verb.ADJUSTMENT_APPROVED: _adjustment_decided,
    Verb.ADJUSTMENT_REFUSED: _adjustment_decided,
    Verb.OPINION_SUBMITTED: _opinion_submitted,
    Verb.REPLY_SUBMITTED: _reply_submitted,
    Verb.REPLY_RETURNED: _reply_reviewed,
    Verb.REPLY_APPROVED: _reply_reviewed,
    Verb.REPLY_SENT: _reply_sent,
    Verb.REJECTED: _rejected,
    Verb.MERGED: _merged,
    Verb.RATED: _rated,
    Verb.REHANDLING: _rehandling,
    Verb.EXTENSION_REQUESTED: _extension_requested,
    Verb.EXTENSION_APPROVED: _extension_decided,
    Verb.EXTENSION_REFUSED: _extension_decided,
}
NOTIFIED_VERBS = frozenset(NOTIFIERS)


def recipients_of(event: Event):
    """Return ``(users, notice)`` for ``event``, or ``None`` when nobody is told."""
    notifier = NOTIFIERS.get(event.verb)
    return notifier(event) if notifier else None
