"""提交: filing an item, inviting co-signers who confirm or decline, editing the draft,
submitting or withdrawing it.

A proposer drafts online and invites co-signers, who each confirm or decline in their own
workspace; committee staff enter items received on paper, whose co-signers signed the paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone

from accounts.roles import roles_of
from agencies.models import Body
from portal import clock

from .. import similarity
from ..errors import EditConflict, InvalidInput, NotPermitted, TransitionNotAllowed
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

# The longest title and text an item may have; a real one is a few thousand characters.
TITLE_MAX_CHARS = 300
BODY_MAX_CHARS = 20_000
REASON_MAX_CHARS = 2_000
# The rule a draft is submitted by, as the proposer's page states it.
COSIGN_RULE = "提交前,邀请的每位联名人都须确认联名;谢绝联名的,请先将其移出联名人。"
# ``proposal_update_draft``: a field not given is left as it is (a topic may be cleared).
UNCHANGED = object()


def check_length(value: str, *, limit: int, field: str, what: str) -> str:
    """Return ``value``, or refuse it when longer than ``limit`` characters, saying by how much."""
    if len(value) > limit:
        raise InvalidInput(f"{what}不能超过{limit}字,现有{len(value)}字。", field=field)
    return value


def check_title(title: str) -> str:
    title = require_text(title, field="title", what="标题")
    return check_length(title, limit=TITLE_MAX_CHARS, field="title", what="标题")


def check_body(body: str) -> str:
    return check_length((body or "").strip(), limit=BODY_MAX_CHARS, field="body", what="正文")


def check_signers(session: Session, lead: Proposer, co_signers: Sequence[Proposer]) -> None:
    """Refuse proposers of another body, and anyone signing twice."""
    strangers = [p for p in [lead, *co_signers] if p.body != session.body]
    if strangers:
        title = Body(session.body).member_title
        names = "、".join(p.name for p in strangers)
        raise InvalidInput(
            f"提出人须为本届会议的{title}:{names}不是。",
            field="lead_proposer" if lead in strangers else "co_signers",
        )
    if lead in co_signers or len(set(co_signers)) != len(co_signers):
        raise InvalidInput("同一人不能重复联名。", field="co_signers")


def _record_invitation(
    proposal: Proposal, proposers: Sequence[Proposer], by, *, by_staff: bool
) -> None:
    """Note the co-signers added to the timeline; those invited online are told."""
    record(
        proposal=proposal,
        verb=Verb.COSIGN_INVITED,
        by=by,
        note="、".join(p.name for p in proposers),
        data={
            "proposers": [p.pk for p in proposers],
            "invited": [] if by_staff else [p.pk for p in proposers],
            "channel": "paper" if by_staff else "online",
        },
    )


def _add_cosigners(
    proposal: Proposal, proposers: Sequence[Proposer], *, start: int, confirmed: bool
) -> list[CoSigner]:
    now = clock.now()
    return CoSigner.objects.bulk_create(
        CoSigner(
            proposal=proposal,
            proposer=p,
            position=position,
            invited_at=now,
            confirmed_at=now if confirmed else None,
        )
        for position, p in enumerate(proposers, start=start)
    )


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
    co-signers count as confirmed since staff hold the signed paper. The
    co-signers a proposer names are invited (on the timeline) and told so, to
    confirm or decline.
    """
    roles = roles_of(by)
    by_staff = roles.is_staff_of(session.body)
    if not by_staff and roles.proposer_id != lead_proposer.pk:
        raise NotPermitted("您没有权限为他人录入建议提案。")
    if (number or is_key) and not by_staff:
        raise NotPermitted("编号和重点件由委员会工作人员确定。")
    check_signers(session, lead_proposer, co_signers)
    title, body = check_title(title), check_body(body)
    if filed_during not in Proposal.FiledDuring.values:
        raise InvalidInput("请选择提出时间:大会期间或闭会期间。", field="filed_during")
    number = (number or "").strip()
    if number and Proposal.objects.filter(session=session, number=number).exists():
        raise InvalidInput(f"本次会议已有第{number}号。", field="number")
    proposal = Proposal.objects.create(
        session=session,
        kind=Proposal.Kind.for_body(Body(session.body)),
        filed_during=filed_during,
        title=title,
        body=body,
        lead_proposer=lead_proposer,
        topic=topic,
        number=number,
        is_key=is_key,
        created_by=by,
    )
    _add_cosigners(proposal, co_signers, start=1, confirmed=by_staff)
    record(proposal=proposal, verb=Verb.CREATED, by=by, to_state=proposal.status)
    if co_signers and not by_staff:
        _record_invitation(proposal, co_signers, by, by_staff=False)
    similarity.index_on_commit(proposal)
    return proposal


@transaction.atomic
def proposal_update_draft(
    *,
    proposal: Proposal,
    by,
    expected_version: int | None = None,
    title: str | None = None,
    body: str | None = None,
    topic: Topic | object | None = UNCHANGED,
    filed_during: str | None = None,
) -> Proposal:
    """Save changes to a draft, refusing if it was saved elsewhere since ``expected_version``.

    Submitted items are never edited. When a proposer changes the title or text that
    co-signers already confirmed, those co-signers must confirm again, and are told so.
    """
    proposal = locked(proposal)
    require(by, "proposals.edit_draft", proposal, "修改草稿")
    require_state(proposal, [Proposal.Status.DRAFT], "修改")
    if expected_version is not None and expected_version != proposal.version:
        raise EditConflict(
            f"草稿已在别处保存过(现为第{proposal.version}版),您这次的修改未保存。"
            "请对照最新内容后再保存。"
        )
    before = (proposal.title, proposal.body)
    if title is not None:
        proposal.title = check_title(title)
    if body is not None:
        proposal.body = check_body(body)
    if topic is not UNCHANGED:
        proposal.topic = topic
    if filed_during is not None:
        if filed_during not in Proposal.FiledDuring.values:
            raise InvalidInput("请选择提出时间:大会期间或闭会期间。", field="filed_during")
        proposal.filed_during = filed_during
    proposal.version += 1
    proposal.save()
    if (proposal.title, proposal.body) != before:
        similarity.index_on_commit(proposal)
    if (proposal.title, proposal.body) != before and not roles_of(by).is_staff_of(
        proposal.body_kind
    ):
        _ask_to_confirm_again(proposal, by)
    return proposal


def _ask_to_confirm_again(proposal: Proposal, by) -> None:
    """The text changed: the co-signers who confirmed the old one confirm again."""
    confirmed = list(
        proposal.cosignatures.filter(confirmed_at__isnull=False).select_related("proposer")
    )
    if not confirmed:
        return
    CoSigner.objects.filter(pk__in=[c.pk for c in confirmed]).update(confirmed_at=None)
    names = "、".join(c.proposer.name for c in confirmed)
    record(
        proposal=proposal,
        verb=Verb.COSIGN_RESET,
        by=by,
        note=f"标题或正文已修改,{names}须重新确认联名。",
        data={"invited": [c.proposer_id for c in confirmed], "version": proposal.version},
    )


@transaction.atomic
def cosign_invite(*, proposal: Proposal, proposers: Sequence[Proposer], by) -> list[CoSigner]:
    """Add co-signers to a draft after those already listed, and return the new ones.

    They must be serving members of the session's body, each listed once. Those a
    proposer invites are told and confirm or decline themselves; those committee staff
    add signed the paper form and count as confirmed.
    """
    proposal = locked(proposal)
    require(by, "proposals.edit_draft", proposal, "邀请联名")
    require_state(proposal, [Proposal.Status.DRAFT], "邀请联名")
    proposers = list(proposers)
    if not proposers:
        raise InvalidInput("请填写要邀请的联名人。", field="co_signers")
    listed = list(proposal.cosignatures.select_related("proposer"))
    already = [p.name for p in proposers if any(c.proposer_id == p.pk for c in listed)]
    if already:
        raise InvalidInput(f"{'、'.join(already)}已在联名人中。", field="co_signers")
    retired = [p.name for p in proposers if not p.is_active]
    if retired:
        raise InvalidInput(f"{'、'.join(retired)}已不在任,不能联名。", field="co_signers")
    already_signed = [c.proposer for c in listed]
    check_signers(proposal.session, proposal.lead_proposer, already_signed + proposers)
    by_staff = roles_of(by).is_staff_of(proposal.body_kind)
    start = max((c.position for c in listed), default=0) + 1
    added = _add_cosigners(proposal, proposers, start=start, confirmed=by_staff)
    _record_invitation(proposal, proposers, by, by_staff=by_staff)
    return added


@transaction.atomic
def cosign_remove(*, proposal: Proposal, proposer: Proposer, by) -> Proposal:
    """Take a co-signer off a draft (one who declined, or was invited by mistake)."""
    proposal = locked(proposal)
    require(by, "proposals.edit_draft", proposal, "移出联名人")
    require_state(proposal, [Proposal.Status.DRAFT], "移出联名人")
    cosigner = proposal.cosignatures.filter(proposer=proposer).first()
    if cosigner is None:
        raise InvalidInput(f"{proposer.name}不是本件的联名人。", field="proposer")
    state = cosigner.get_state_display()
    cosigner.delete()
    # Those after it move up, so the order stays 1, 2, 3…
    for later in proposal.cosignatures.filter(position__gt=cosigner.position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    record(
        proposal=proposal,
        verb=Verb.COSIGN_REMOVED,
        by=by,
        note=proposer.name,
        data={"proposer": proposer.pk, "state": state},
    )
    return proposal


@transaction.atomic
def cosign_confirm(*, proposal: Proposal, by, proposer: Proposer | None = None) -> CoSigner:
    """Record a co-signer's confirmation of a draft.

    A co-signer confirms for themself online (also after declining, having changed
    their mind); committee staff record the confirmation of a co-signer who signed on
    paper, naming them.
    """
    proposal = locked(proposal)
    if proposer is None:
        require(by, "proposals.confirm_cosign", proposal, "确认联名")
        proposer_id, channel = roles_of(by).proposer_id, "online"
    else:
        require(by, "proposals.review_proposal", proposal, "代为确认联名")
        proposer_id, channel = proposer.pk, "paper"
    require_state(proposal, [Proposal.Status.DRAFT], "确认联名")
    cosigner = proposal.cosignatures.select_related("proposer").filter(proposer_id=proposer_id)
    cosigner = cosigner.first()
    if cosigner is None:
        raise InvalidInput("该提出人不是本件的联名人。", field="proposer")
    if cosigner.confirmed_at is None:
        cosigner.confirmed_at = clock.now()
        cosigner.declined_at, cosigner.decline_reason = None, ""
        cosigner.save(update_fields=["confirmed_at", "declined_at", "decline_reason"])
        record(
            proposal=proposal,
            verb=Verb.COSIGN_CONFIRMED,
            by=by,
            note=cosigner.proposer.name,
            data={"proposer": proposer_id, "channel": channel},
        )
    return cosigner


@transaction.atomic
def cosign_decline(*, proposal: Proposal, by, reason: str = "") -> CoSigner:
    """Record a co-signer's refusal to sign a draft, with their reason if they give one.

    A co-signer who confirmed may still decline before the item is submitted. The lead
    proposer is told, and must take them off the co-signers before submitting.
    """
    proposal = locked(proposal)
    require(by, "proposals.decline_cosign", proposal, "谢绝联名")
    require_state(proposal, [Proposal.Status.DRAFT], "谢绝联名")
    reason = check_length(
        (reason or "").strip(), limit=REASON_MAX_CHARS, field="reason", what="谢绝理由"
    )
    proposer_id = roles_of(by).proposer_id
    cosigner = proposal.cosignatures.select_related("proposer").get(proposer_id=proposer_id)
    if cosigner.declined_at is None:
        cosigner.confirmed_at, cosigner.declined_at = None, clock.now()
        cosigner.decline_reason = reason
        cosigner.save(update_fields=["confirmed_at", "declined_at", "decline_reason"])
        record(
            proposal=proposal,
            verb=Verb.COSIGN_DECLINED,
            by=by,
            note=reason,
            data={"proposer": proposer_id, "proposer_name": cosigner.proposer.name},
        )
    return cosigner


def cosign_blockers(cosigners: Iterable[CoSigner]) -> list[str]:
    """Why a draft with these co-signers (their proposers loaded) cannot be submitted yet;
    empty when it can."""
    pending, declined = [], []
    for cosigner in cosigners:
        state = cosigner.state
        if state == CoSigner.State.PENDING:
            pending.append(cosigner.proposer.name)
        elif state == CoSigner.State.DECLINED:
            declined.append(cosigner.proposer.name)
    blockers = []
    if pending:
        blockers.append(f"尚有联名人未确认:{'、'.join(pending)}。")
    if declined:
        blockers.append(f"已谢绝联名:{'、'.join(declined)},请先将其移出联名人。")
    return blockers


def filing_deadline_passed(proposal: Proposal, by) -> str:
    """Why ``by`` may no longer submit the draft as filed during the session; empty if they may.

    The deadline binds proposers filing online; staff enter paper filings received in time.
    """
    session = proposal.session
    if (
        proposal.filed_during != Proposal.FiledDuring.SESSION
        or not session.filing_closed()
        or roles_of(by).is_staff_of(proposal.body_kind)
    ):
        return ""
    closes = timezone.localtime(session.filing_closes_at)
    return (
        f"{session}大会期间的{proposal.get_kind_display()}已于"
        f"{closes.year}年{closes.month}月{closes.day}日{closes:%H:%M}截止提交;"
        f"此后提出的,请将提出时间改为“闭会期间”。"
    )


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> Proposal:
    """Submit a draft once every co-signer confirmed; number it now if it has no number.

    A proposer submits an item filed during the session before the session's deadline.
    """
    proposal = locked(proposal)
    require(by, "proposals.submit_proposal", proposal, "提交")
    require_transition(proposal, "submit", "提交")
    late = filing_deadline_passed(proposal, by)
    if late:
        raise TransitionNotAllowed(late)
    blockers = cosign_blockers(proposal.cosignatures.select_related("proposer"))
    if blockers:
        raise InvalidInput("".join(blockers) + f"({COSIGN_RULE})", field="co_signers")
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
    """Withdraw a submitted item before it is reviewed, saying why."""
    proposal = locked(proposal)
    require(by, "proposals.withdraw_proposal", proposal, "撤回")
    require_transition(proposal, "withdraw", "撤回")
    note = require_text(note, field="note", what="撤回理由")
    note = check_length(note, limit=REASON_MAX_CHARS, field="note", what="撤回理由")
    take(proposal, "withdraw", by=by, verb=Verb.WITHDRAWN, proposal=proposal, note=note)
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
