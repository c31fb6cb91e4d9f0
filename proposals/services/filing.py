"""提交: filing an item, co-signers confirming it, submitting or withdrawing it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from django.db import transaction

from accounts.roles import roles_of
from agencies.models import Body
from portal import clock

from ..errors import InvalidInput, NotPermitted
from ..models import Attachment, CoSigner, Proposal, Proposer, Session, Topic, Verb
from ..workflow import (
    locked,
    record,
    require,
    require_state,
    require_text,
    require_transition,
    take,
)


def check_signers(session: Session, lead: Proposer, co_signers: Sequence[Proposer]) -> None:
    """Refuse proposers of another body, and anyone signing twice."""
    if any(p.body != session.body for p in [lead, *co_signers]):
        raise InvalidInput("提出人须为本届会议的代表或委员。", field="lead_proposer")
    if lead in co_signers or len(set(co_signers)) != len(co_signers):
        raise InvalidInput("同一人不能重复联名。", field="co_signers")


@transaction.atomic
def proposal_create(
    *,
    session: Session,
    title: str,
    lead_proposer: Proposer,
    by,
    body: str = "",
    co_signers: Sequence[Proposer] = (),
    topic: Topic | None = None,
    filed_during: str = Proposal.FiledDuring.SESSION,
    number: str = "",
    is_key: bool = False,
) -> Proposal:
    """File a new item as a draft and return it.

    A proposer files their own; committee staff file on a proposer's behalf
    (paper filings), may give the number and mark key items, and their
    co-signers count as confirmed since staff hold the signed paper.
    """
    roles = roles_of(by)
    by_staff = roles.is_staff_of(session.body)
    if not by_staff and roles.proposer_id != lead_proposer.pk:
        raise NotPermitted("您没有权限为他人录入建议提案。")
    if (number or is_key) and not by_staff:
        raise NotPermitted("编号和重点件由委员会工作人员确定。")
    check_signers(session, lead_proposer, co_signers)
    number = (number or "").strip()
    if number and Proposal.objects.filter(session=session, number=number).exists():
        raise InvalidInput(f"本次会议已有第{number}号。", field="number")
    proposal = Proposal.objects.create(
        session=session,
        kind=Proposal.Kind.for_body(Body(session.body)),
        filed_during=filed_during,
        title=require_text(title, field="title", what="标题"),
        body=body.strip(),
        lead_proposer=lead_proposer,
        topic=topic,
        number=number,
        is_key=is_key,
        created_by=by,
    )
    confirmed_at = clock.now() if by_staff else None
    CoSigner.objects.bulk_create(
        CoSigner(proposal=proposal, proposer=p, position=i, confirmed_at=confirmed_at)
        for i, p in enumerate(co_signers, start=1)
    )
    record(proposal=proposal, verb=Verb.CREATED, by=by, to_state=proposal.status)
    return proposal


@transaction.atomic
def proposal_update_draft(
    *,
    proposal: Proposal,
    by,
    title: str | None = None,
    body: str | None = None,
    topic: Topic | None = None,
) -> Proposal:
    """Change a draft's text; submitted items are never edited."""
    proposal = locked(proposal)
    require(by, "proposals.edit_draft", proposal, "修改")
    if proposal.status != Proposal.Status.DRAFT:
        raise InvalidInput("已提交的建议提案不能修改。")
    if title is not None:
        proposal.title = require_text(title, field="title", what="标题")
    if body is not None:
        proposal.body = body.strip()
    if topic is not None:
        proposal.topic = topic
    proposal.save()
    return proposal


@transaction.atomic
def cosign_confirm(*, proposal: Proposal, by, proposer: Proposer | None = None) -> CoSigner:
    """Record a co-signer's confirmation of a draft.

    A co-signer confirms for themself online; committee staff record the
    confirmation of a co-signer who signed on paper, naming them.
    """
    proposal = locked(proposal)
    if proposer is None:
        require(by, "proposals.confirm_cosign", proposal, "确认联名")
        proposer_id, channel = roles_of(by).proposer_id, "online"
    else:
        require(by, "proposals.review_proposal", proposal, "代为确认联名")
        proposer_id, channel = proposer.pk, "paper"
    if proposal.status != Proposal.Status.DRAFT:
        raise InvalidInput("建议提案已提交,无需再确认联名。")
    cosigner = proposal.cosignatures.select_related("proposer").filter(proposer_id=proposer_id)
    cosigner = cosigner.first()
    if cosigner is None:
        raise InvalidInput("该提出人不是本件的联名人。", field="proposer")
    if cosigner.confirmed_at is None:
        cosigner.confirmed_at = clock.now()
        cosigner.save(update_fields=["confirmed_at"])
        record(
            proposal=proposal,
            verb=Verb.COSIGN_CONFIRMED,
            by=by,
            note=cosigner.proposer.name,
            data={"proposer": proposer_id, "channel": channel},
        )
    return cosigner


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> Proposal:
    """Submit a draft once every co-signer confirmed; number it now if it has no number."""
    proposal = locked(proposal)
    require(by, "proposals.submit_proposal", proposal, "提交")
    require_transition(proposal, "submit", "提交")
    unconfirmed = [
        c.proposer.name
        for c in proposal.cosignatures.select_related("proposer")
        if c.confirmed_at is None
    ]
    if unconfirmed:
        raise InvalidInput(f"尚有联名人未确认:{'、'.join(unconfirmed)}。", field="co_signers")
    if not proposal.number:
        session = locked(proposal.session)
        number = session.format_number(session.next_serial)
        while Proposal.objects.filter(session=session, number=number).exists():
            session.next_serial += 1
            number = session.format_number(session.next_serial)
        session.next_serial += 1
        session.save(update_fields=["next_serial"])
        proposal.number = number
    take(proposal, "submit", by=by, verb=Verb.SUBMITTED, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by, note: str = "") -> Proposal:
    """Withdraw a submitted item before it is reviewed."""
    proposal = locked(proposal)
    require(by, "proposals.withdraw_proposal", proposal, "撤回")
    take(proposal, "withdraw", by=by, verb=Verb.WITHDRAWN, proposal=proposal, note=note.strip())
    return proposal


ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", [b"%PDF"]),
    ".doc": ("application/msword", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [b"PK\x03\x04"],
    ),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
}
# An item takes files while it is in the process; one withdrawn, merged, rejected or
# closed is a finished record.
ATTACHABLE = (
    Proposal.Status.DRAFT,
    Proposal.Status.SUBMITTED,
    Proposal.Status.ACCEPTED,
    Proposal.Status.ASSIGNED,
    Proposal.Status.REPLIED,
)


@transaction.atomic
def proposal_attach(*, proposal: Proposal, upload, by) -> Attachment:
    """Keep a file with an item: PDF, Word or an image, no larger than the configured limit.

    A draft takes files from those who may edit it, an item in handling from committee
    staff; a finished item (withdrawn, merged, rejected, closed) takes none. The type is
    judged by the file's first bytes as well as its name, so a renamed program is refused.
    """
    from django.conf import settings

    proposal = locked(proposal)
    if proposal.status == Proposal.Status.DRAFT:
        require(by, "proposals.edit_draft", proposal, "上传附件")
    else:
        require(by, "proposals.review_proposal", proposal, "上传附件")
    require_state(proposal, ATTACHABLE, "上传附件")
    name = PurePath(upload.name or "").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise InvalidInput(
            f"“{name}”不是允许的文件类型;请上传 PDF、Word(.doc/.docx)或 JPG、PNG 图片。",
            field="attachments",
        )
    limit = settings.PORTAL["ATTACHMENT_MAX_MB"] * 1024 * 1024
    if upload.size > limit:
        raise InvalidInput(
            f"“{name}”超过 {settings.PORTAL['ATTACHMENT_MAX_MB']} MB,请压缩后再上传。",
            field="attachments",
        )
    if upload.size == 0:
        raise InvalidInput(f"“{name}”是空文件。", field="attachments")
    content_type, signatures = ATTACHMENT_TYPES[suffix]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise InvalidInput(f"“{name}”的内容与扩展名不符,无法上传。", field="attachments")
    attachment = Attachment.objects.create(
        proposal=proposal,
        file=upload,
        name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    record(proposal=proposal, verb=Verb.ATTACHED, by=by, note=name)
    return attachment
