"""公开: the replying agency publishes a sent reply on the disclosure portal.

Publishing freezes the public version of the letter (see ``redaction``) with its
disclosure metadata, gives it the next index number of the agency's year, writes
the event and meets the publication deadline, all in one transaction.

撤回公开: the agency's leader takes a published reply off the portal again, with a
reason; the publication and its index number stay on record, never reissued.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils import timezone

from deadlines import services as deadlines
from deadlines.models import Step
from portal import clock
from portal.chinese import chinese_date
from proposals.errors import InvalidInput, TransitionNotAllowed
from proposals.models import Verb
from proposals.workflow import locked, record, require, require_text
from responses.models import ReplyLetter

from . import search
from .models import (
    IndexSerial,
    Publication,
    PublicationWithdrawal,
    format_index_number,
    serial_digits,
)
from .redaction import public_version

Disclosure = ReplyLetter.Disclosure

# A reason is kept for the record and read by the committee staff: "错误" alone says little.
WITHDRAWAL_REASON_MIN = 4


def publication_title(letter: ReplyLetter) -> str:
    """The published title: 杭州市民政局关于市政协十二届二次会议第607号提案的答复."""
    assignment = letter.assignment
    proposal = assignment.proposal
    title = (
        f"{assignment.agency.name}关于{proposal.session.label}"
        f"第{proposal.number}号{proposal.get_kind_display()}的答复"
    )
    return title if letter.round == 1 else f"{title}(重新办理)"


def publication_refusal(letter: ReplyLetter) -> str | None:
    """Why ``letter`` cannot be published now, in words for the user; None when it can.

    Who publishes is checked separately (``disclosure.publish_reply``).
    """
    existing = (
        Publication.objects.filter(letter=letter).select_related("withdrawal__withdrawn_by").first()
    )
    withdrawal = getattr(existing, "withdrawal", None)
    if withdrawal is not None:
        return (
            f"该答复已于{chinese_date(existing.published_on)}公开(索引号{existing.index_number}),"
            f"{chinese_date(timezone.localdate(withdrawal.withdrawn_at))}"
            f"由{withdrawal.withdrawn_by}撤回公开(理由:{withdrawal.reason}),"
            "不能再次发布,其索引号也不再使用。"
        )
    if existing is not None:
        return (
            f"该答复已于{chinese_date(existing.published_on)}公开,"
            f"索引号{existing.index_number},不能重复发布。"
        )
    if letter.status != ReplyLetter.Status.SENT:
        return f"答复函当前为“{letter.get_status_display()}”,须发送提出人后才能公开。"
    if letter.disclosure == Disclosure.ON_REQUEST:
        return "该答复的公开方式为依申请公开,不主动发布;公众可依申请获取。"
    if letter.disclosure == Disclosure.WITHHELD:
        return f"该答复不予公开(理由:{letter.nondisclosure_reason}),不能发布。"
    if not letter.assignment.agency.org_code:
        return (
            f"{letter.assignment.agency.name}尚未登记组织机构代码,无法生成索引号;"
            "请系统管理员在承办单位中填写后再发布。"
        )
    return None


def publication_preview(letter: ReplyLetter, published_on: date | None = None) -> Publication:
    """The publication ``letter`` would make, unsaved and without its index number."""
    assignment = letter.assignment
    agency = assignment.agency
    published_on = published_on or clock.today()
    return Publication(
        letter=letter,
        agency=agency,
        year=published_on.year,
        title=publication_title(letter),
        body=public_version(letter),
        document_number=letter.document_number,
        written_on=letter.written_on,
        published_on=published_on,
        publisher=agency.name,
        topic=assignment.proposal.topic,
        genre=Publication.GENRE_LETTER,
        disclosure=letter.disclosure,
        kind=assignment.proposal.get_kind_display(),
        session_label=assignment.proposal.session.label,
        proposal_number=assignment.proposal.number,
        proposal_title=assignment.proposal.title,
        result_category=letter.result_category.name if letter.result_category else "",
        addressees=[p.name for p in assignment.proposal.proposers()],
        co_handlers=[
            a.agency.display_name
            for a in assignment.proposal.assignments.active()
            .filter(mode=assignment.Mode.CO)
            .select_related("agency")
        ],
        signed_on=letter.approved_at.date() if letter.approved_at else None,
        contact_name=agency.contact_name,
        contact_phone=agency.contact_phone,
    )


def _counter(agency, year: int) -> IndexSerial:
    """The agency's counter for ``year``, locked until the transaction ends.

    The first publication of a year creates it with INSERT … ON CONFLICT DO NOTHING,
    so two first publications at once make one row and then queue on its lock.
    """
    counter = IndexSerial.objects.select_for_update().filter(agency=agency, year=year).first()
    if counter is None:
        IndexSerial.objects.bulk_create(
            [IndexSerial(agency=agency, year=year, last=0)], ignore_conflicts=True
        )
        counter = IndexSerial.objects.select_for_update().get(agency=agency, year=year)
    return counter


def _take_next_serial(agency, year: int) -> int:
    counter = _counter(agency, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _take_given_serial(agency, year: int, index_number: str) -> int:
    """Check a recorded index number (an earlier publication's) and raise the counter to it."""
    digits = serial_digits()
    expected = f"{agency.org_code}/{year}-{'N' * digits}"
    match = re.fullmatch(
        rf"{re.escape(agency.org_code)}/(\d{{4}})-(\d{{{digits}}})", index_number.strip()
    )
    if match is None or int(match[2]) == 0:
        raise InvalidInput(f"索引号应为“{expected}”的格式。", field="index_number")
    if int(match[1]) != year:
        raise InvalidInput(f"索引号的年份应为发布日期所在的{year}年。", field="index_number")
    serial = int(match[2])
    counter = _counter(agency, year)
    if Publication.objects.filter(agency=agency, year=year, serial=serial).exists():
        raise InvalidInput(f"索引号{index_number.strip()}已被使用。", field="index_number")
    if serial > counter.last:
        counter.last = serial
        counter.save(update_fields=["last"])
    return serial


def _check_published_on(letter: ReplyLetter, published_on: date) -> None:
    sent_on = timezone.localdate(letter.sent_at) if letter.sent_at else None
    if sent_on and published_on < sent_on:
        raise InvalidInput(
            f"发布日期不能早于答复发送日期{chinese_date(sent_on)}。", field="published_on"
        )
    if published_on > clock.today():
        raise InvalidInput("发布日期不能晚于今天。", field="published_on")


@transaction.atomic
def reply_publish(
    *,
    letter: ReplyLetter,
    by,
    published_on: date | None = None,
    index_number: str | None = None,
) -> Publication:
    """Publish a sent, 主动公开 reply of the user's agency and return its publication.

    The index number is the agency's next serial of the publication year, unless
    ``index_number`` records one given earlier (a letter published before the portal
    took over): it must be the agency's, of that year and unused, and the counter
    is raised to at least its serial.
    """
    letter = locked(letter)
    require(by, "disclosure.publish_reply", letter, "公开答复")
    refusal = publication_refusal(letter)
    if refusal:
        raise TransitionNotAllowed(refusal)
    published_on = published_on or clock.today()
    _check_published_on(letter, published_on)
    assignment = letter.assignment
    agency = assignment.agency
    publication = publication_preview(letter, published_on)
    year = published_on.year
    if index_number:
        serial = _take_given_serial(agency, year, index_number)
    else:
        serial = _take_next_serial(agency, year)
    publication.serial = serial
    publication.index_number = format_index_number(agency.org_code, year, serial)
    publication.published_by = by
    publication.created_at = clock.now()
    publication.save()
    record(
        proposal=assignment.proposal,
        verb=Verb.REPLY_PUBLISHED,
        by=by,
        assignment=assignment,
        data={
            "reply": letter.pk,
            "round": letter.round,
            "publication": publication.pk,
            "index_number": publication.index_number,
            "published_on": published_on.isoformat(),
        },
    )
    deadlines.meet(assignment, [Step.PUBLICATION], round=letter.round)
    search.index_on_commit(publication)
    return publication


@transaction.atomic
def publication_withdraw(*, publication: Publication, by, reason: str) -> PublicationWithdrawal:
    """Take a published reply off the public portal and return the withdrawal.

    The publication itself stays as written, the record of what was public: its index
    number is never given again and its letter cannot be published a second time.
    From the commit on, no public page, feed, sitemap, export or search shows it
    (``Publication.objects.public()``) and the cached public pages are retired.
    """
    publication = locked(publication)
    require(by, "disclosure.withdraw_publication", publication, "撤回这份答复的公开")
    earlier = PublicationWithdrawal.objects.filter(publication=publication).first()
    if earlier is not None:
        raise TransitionNotAllowed(
            f"该答复已于{chinese_date(timezone.localdate(earlier.withdrawn_at))}撤回公开,"
            "不能重复撤回。"
        )
    reason = require_text(reason, field="reason", what="撤回理由")
    if len(reason) < WITHDRAWAL_REASON_MIN:
        raise InvalidInput(
            f"撤回理由至少写{WITHDRAWAL_REASON_MIN}个字,说明为什么撤回。", field="reason"
        )
    withdrawal = PublicationWithdrawal.objects.create(
        publication=publication, reason=reason, withdrawn_by=by, withdrawn_at=clock.now()
    )
    # An imported publication has no letter, hence no item whose timeline it belongs to.
    letter = (
        ReplyLetter.objects.select_related("assignment__proposal")
        .filter(pk=publication.letter_id)
        .first()
    )
    if letter is not None:
        record(
            proposal=letter.assignment.proposal,
            verb=Verb.REPLY_WITHDRAWN,
            by=by,
            assignment=letter.assignment,
            note=reason,
            data={
                "reply": letter.pk,
                "round": letter.round,
                "publication": publication.pk,
                "index_number": publication.index_number,
                "reason": reason,
            },
        )
    return withdrawal
