"""重复提出: committee staff mark an item as a repeat of an earlier one, or take the mark off.

The link is one ``RepeatLink`` kept on both items; each mark and unmark is an event on
both timelines. The public page of a reply names the other item's published reply only
when both are published, so a mark between two published items retires the cached
public pages.
"""

from __future__ import annotations

from django.db import transaction

from portal import clock

from ..errors import InvalidInput, TransitionNotAllowed
from ..models import Proposal, RepeatLink, Verb
from ..similarity import HIDDEN, is_earlier, published_condition, visible_items
from ..workflow import locked, record, require, require_text

REASON_MIN = 4  # characters of a reason for taking a mark off


def _ref(proposal: Proposal) -> str:
    """An item by session and number, as the timelines name the other item of a mark."""
    return f"{proposal.session.label}第{proposal.number}号" if proposal.number else "一件建议提案"


def _name(proposal: Proposal) -> str:
    return f"{_ref(proposal)}《{proposal.title}》"


def _lock_pair(proposal: Proposal, earlier: Proposal) -> tuple[Proposal, Proposal]:
    """Both items under a row lock, the lower id first: two marks of the same pair queue."""
    rows = {p.pk: locked(p) for p in sorted([proposal, earlier], key=lambda p: p.pk)}
    return rows[proposal.pk], rows[earlier.pk]


def _retire_public_pages_if_shown(proposal: Proposal, earlier: Proposal) -> None:
    """The public pages show a link between two published replies: retire them if so."""
    from disclosure import caching

    both = Proposal.objects.filter(pk__in=[proposal.pk, earlier.pk]).filter(published_condition())
    if both.count() == 2:
        transaction.on_commit(caching.new_page_version)


def _check_earlier(proposal: Proposal, earlier: Proposal, by) -> None:
    if not visible_items(by).filter(pk=earlier.pk).exists():
        raise InvalidInput("没有这件建议提案,或您无权查看。", field="earlier")
    if not is_earlier(earlier, proposal):
        raise InvalidInput(
            f"{_name(earlier)}是在本件之后提出的;只能标记本件重复此前提出的件。",
            field="earlier",
        )


@transaction.atomic
def proposal_mark_repeat(
    *, proposal: Proposal, earlier: Proposal, by, note: str = ""
) -> RepeatLink:
    """Record that ``proposal`` repeats ``earlier``, an item submitted before it; return the link.

    Committee staff of the item's body mark it; the earlier item must be one they may find
    (their body's, or with a published reply). A pair is marked once while the mark stands.
    """
    proposal, earlier = _lock_pair(proposal, earlier)
    require(by, "proposals.mark_repeat", proposal, "标记重复提出")
    if proposal.status in HIDDEN:
        raise TransitionNotAllowed(
            f"当前状态为“{proposal.get_status_display()}”,不能标记重复提出。"
        )
    if earlier.pk == proposal.pk:
        raise InvalidInput("不能把本件标记为重复提出本件。", field="earlier")
    _check_earlier(proposal, earlier, by)
    if RepeatLink.objects.active().filter(proposal=proposal, earlier=earlier).exists():
        raise InvalidInput(f"本件已标记为重复提出{_name(earlier)},无需再标记。", field="earlier")
    note = (note or "").strip()
    link = RepeatLink.objects.create(proposal=proposal, earlier=earlier, note=note, marked_by=by)
    _record_on_both(link, proposal, earlier, Verb.MARKED_REPEAT, by=by, note=note)
    return link


@transaction.atomic
def proposal_unmark_repeat(*, proposal: Proposal, earlier: Proposal, by, reason: str) -> RepeatLink:
    """Take off the mark that ``proposal`` repeats ``earlier``, with the reason; return the
    link, kept with who took the mark off and why."""
    proposal, earlier = _lock_pair(proposal, earlier)
    require(by, "proposals.mark_repeat", proposal, "取消重复提出标记")
    reason = require_text(reason, field="reason", what="取消标记的理由")
    if len(reason) < REASON_MIN:
        raise InvalidInput(f"取消标记的理由至少写 {REASON_MIN} 个字。", field="reason")
    link = (
        RepeatLink.objects.active()
        .select_for_update()
        .filter(proposal=proposal, earlier=earlier)
        .first()
    )
    if link is None:
        raise InvalidInput(f"本件没有标记为重复提出{_name(earlier)}。", field="earlier")
    link.unmarked_by, link.unmarked_at, link.unmark_reason = by, clock.now(), reason
    link.save(update_fields=["unmarked_by", "unmarked_at", "unmark_reason"])
    _record_on_both(link, proposal, earlier, Verb.UNMARKED_REPEAT, by=by, note=reason)
    return link


def _record_on_both(
    link: RepeatLink, proposal: Proposal, earlier: Proposal, verb: str, *, by, note: str
) -> None:
    """The mark's step on the timelines of both items, each naming the other; and the public
    pages retired when both show it."""
    record(
        proposal=proposal,
        verb=verb,
        by=by,
        note=note,
        data={"link": link.pk, "earlier": earlier.pk, "earlier_name": _ref(earlier)},
    )
    record(
        proposal=earlier,
        verb=verb,
        by=by,
        note=note,
        data={"link": link.pk, "later": proposal.pk, "later_name": _ref(proposal)},
    )
    _retire_public_pages_if_shown(proposal, earlier)
