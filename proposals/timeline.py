"""An item's timeline in plain Chinese, e.g. "2026年3月18日 交办市民政局(主办)、市卫生健康委(会办)".

Proposers see the steps that concern them; committee staff and agencies see
every step, internal ones (drafts, returns, adjustment requests) included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import rules
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import roles_of
from portal.chinese import chinese_date

from .models import Assignment, Event, Proposal, Verb

MODES = dict(Assignment.Mode.choices)
RATINGS = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}

PROPOSER_VERBS = {
    Verb.CREATED,
    Verb.COSIGN_INVITED,
    Verb.COSIGN_CONFIRMED,
    Verb.COSIGN_DECLINED,
    Verb.COSIGN_REMOVED,
    Verb.COSIGN_RESET,
    Verb.SUBMITTED,
    Verb.WITHDRAWN,
    Verb.ACCEPTED,
    Verb.MERGED,
    Verb.REJECTED,
    Verb.MARKED_KEY,
    Verb.ASSIGNED,
    Verb.SIGNED_FOR,
    Verb.ADJUSTMENT_APPROVED,
    Verb.CONTACT_LOGGED,
    Verb.REPLY_SENT,
    Verb.REPLY_PUBLISHED,
    Verb.REPLY_WITHDRAWN,
    Verb.ALL_REPLIED,
    Verb.RATED,
    Verb.REHANDLING,
    Verb.EXTENSION_APPROVED,
    Verb.CLOSED,
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    text: str
    actor: str
    note: str
    event: Event | None = field(default=None, compare=False, repr=False)

    @property
    def date_text(self) -> str:
        return chinese_date(timezone.localdate(self.at))


def for_proposer(user, proposal: Proposal, agency_ids: Iterable[int]) -> bool:
    """Whether ``user`` reads ``proposal``'s timeline as its proposers do: they are neither
    committee staff of its body nor in one of the agencies it went to (``agency_ids``)."""
    roles = roles_of(user)
    if roles.is_staff_of(proposal.body_kind):
        return False
    return not any(roles.is_member_of(agency_id) for agency_id in agency_ids)


def proposer_events(events: QuerySet) -> QuerySet:
    """The events of the proposer's timeline, as ``entries`` shows them, in the database:
    the steps that concern them, and not the other items merged into theirs."""
    return events.filter(verb__in=PROPOSER_VERBS).exclude(
        verb=Verb.MERGED, data__has_key="source_number"
    )


def _agency(event: Event) -> str:
    return event.assignment.agency.display_name if event.assignment_id else ""


def describe(event: Event, proposal: Proposal) -> str:
    """One event as a sentence of the timeline."""
    verb, agency, data = event.verb, _agency(event), event.data
    if verb == Verb.ACCEPTED:
        return "立案" if proposal.body_kind in ("cppcc",) else "登记"
    if verb == Verb.MERGED:
        if "into_number" in data:
            return f"并入第{data['into_number']}号办理"
        return f"第{data.get('source_number', '')}号并入本件办理"
    if verb == Verb.REJECTED:
        return "不予立案" + ("并转有关部门参考" if data.get("forwarded") else "")
    if verb == Verb.ASSIGNED:
        rows = data.get("assignments", [])
        return "交办" + "、".join(f"{r['agency']}({MODES.get(r['mode'], '')})" for r in rows)
    if verb == Verb.ADJUSTMENT_APPROVED:
        moved = data.get("new_agency")
        return f"同意{agency}的调整申请" + (f",改由{moved}承办" if moved else "")
    if verb == Verb.ADJUSTMENT_REFUSED:
        return f"不同意{agency}的调整申请"
    if verb == Verb.CONTACT_LOGGED:
        return f"{agency}与提出人沟通({event.note.split(' ')[-1]})" if event.note else "沟通"
    if verb == Verb.RATED:
        rating = RATINGS.get(data.get("rating"), "")
        who = data.get("proposer_name", "提出人")
        text = f"{who}对{agency}的答复评价为“{rating}”"
        if data.get("channel") == "paper":
            text += "(书面征询意见表"
            if data.get("paper_dated_on"):
                text += f",{chinese_date(date.fromisoformat(data['paper_dated_on']))}"
            if data.get("entered_by_name"):
                text += f";{data['entered_by_name']}代为录入"
            text += ")"
        return text
    if verb == Verb.REPLY_PUBLISHED:
        return f"{agency}的答复已公开,索引号{data.get('index_number', '')}"
    if verb == Verb.REPLY_WITHDRAWN:
        return f"{agency}的答复已撤回公开,索引号{data.get('index_number', '')}不再使用"
    if verb == Verb.COSIGN_CONFIRMED:
        return f"{event.note}确认联名" + ("(书面)" if data.get("channel") == "paper" else "")
    if verb == Verb.COSIGN_INVITED:
        if data.get("channel") == "paper":
            return f"增加联名人{event.note}(书面签名)"
        return f"邀请{event.note}联名"
    if verb == Verb.COSIGN_DECLINED:
        return f"{data.get('proposer_name', '联名人')}谢绝联名"
    if verb == Verb.COSIGN_REMOVED:
        return f"{event.note}移出联名人"
    if verb in (Verb.MARKED_REPEAT, Verb.UNMARKED_REPEAT):
        return _repeat(verb, data)
    if verb in (Verb.CLOSED, Verb.ALL_REPLIED, Verb.SUBMITTED, Verb.CREATED, Verb.WITHDRAWN):
        return event.get_verb_display()
    if verb in (Verb.MARKED_KEY, Verb.UNMARKED_KEY, Verb.DEADLINE_RECOMPUTED):
        return event.get_verb_display()
    return f"{agency}{event.get_verb_display()}" if agency else event.get_verb_display()


def _repeat(verb: Verb, data: dict) -> str:
    """A repeat mark, naming the other item by session and number only (its title is for
    those who may open it, on the item's page)."""
    if "earlier_name" in data:
        text = f"本件重复提出{data['earlier_name']}"
    else:
        text = f"{data.get('later_name', '')}重复提出本件"
    return f"标记{text}" if verb == Verb.MARKED_REPEAT else f"取消“{text}”的标记"


# The notes proposers read on their timeline: the reasons given to them or by them.
PROPOSER_NOTES = {
    Verb.REJECTED,
    Verb.RATED,
    Verb.REHANDLING,
    Verb.WITHDRAWN,
    Verb.COSIGN_DECLINED,
    Verb.COSIGN_RESET,
}


def _note(event: Event, for_proposer: bool, reader) -> str:
    if event.verb in (
        Verb.CONTACT_LOGGED,
        Verb.COSIGN_CONFIRMED,
        Verb.COSIGN_INVITED,
        Verb.COSIGN_REMOVED,
    ):
        return ""  # the sentence already names them
    if for_proposer and event.verb not in PROPOSER_NOTES:
        return ""
    if (
        event.verb == Verb.EXTENSION_REQUESTED
        and reader is not None
        and not rules.has_perm("deadlines.read_extension_reason", reader, event.assignment)
    ):
        return ""  # the note is the request's reason
    return event.note


def entries(proposal: Proposal, events, *, for_proposer: bool, reader=None) -> list[Entry]:
    """The timeline entries of ``proposal`` from its ``events`` (with actor, assignment,
    its agency and its proposal loaded), as ``reader`` may read them: an extension
    request's reason only for those who may read it (``deadlines/rules.py``)."""
    shown = []
    for event in events:
        if for_proposer and event.verb not in PROPOSER_VERBS:
            continue
        if for_proposer and event.verb == Verb.MERGED and "source_number" in event.data:
            continue
        actor = "" if for_proposer or event.actor is None else str(event.actor)
        shown.append(
            Entry(
                at=event.at,
                text=describe(event, proposal),
                actor=actor,
                note=_note(event, for_proposer, reader),
                event=event,
            )
        )
    return shown
