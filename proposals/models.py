"""Proposals from filing to assignment, and the timeline of everything done to them.

The state graphs live here as django-fsm transitions; who may take a
transition, and what else happens with it, lives in ``proposals.services``
and ``responses.services``. Nothing is deleted once submitted: items that
leave the process change state (withdrawn, merged, rejected, reassigned).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django_fsm import FSMField, FSMModelMixin, transition

from agencies.models import Agency, Body
from portal import clock
from portal.chinese import chinese_numeral
from portal.records import (
    ImmutableQuerySet,
    ImmutableRecord,
    KeptQuerySet,
    KeptRecord,
    ProtectedFromDeletion,
)


class Session(models.Model):
    """A session of a people's congress or a CPPCC committee, e.g. 市政协十一届四次会议."""

    body = models.CharField("所属", max_length=10, choices=Body.choices)
    region = models.CharField("地区", max_length=50, blank=True, help_text="如“杭州市”。")
    level_name = models.CharField("机关简称", max_length=20, help_text="如“市人大”“市政协”。")
    term = models.PositiveSmallIntegerField("届")
    number = models.PositiveSmallIntegerField("次")
    label = models.CharField(
        "会议名称",
        max_length=100,
        blank=True,
        help_text="留空则按届次生成,如“市政协十一届四次会议”。",
    )
    opens_on = models.DateField("开幕日期", null=True, blank=True)
    closes_on = models.DateField("闭幕日期", null=True, blank=True)
    number_pattern = models.CharField(
        "编号格式",
        max_length=30,
        default="{n}",
        help_text=(
            "自动编号的格式:{n} 为序号,{year} 为年份;如 {n:04d} 得 0238,{year}{n:04d} 得 20210549。"
        ),
    )
    next_serial = models.PositiveIntegerField("下一序号", default=1)
    filing_closes_at = models.DateTimeField(
        "大会期间提交截止时间",
        null=True,
        blank=True,
        help_text=(
            "提出人在网上提交“大会期间”建议提案的截止时间;此后提出的须选“闭会期间”。"
            "留空则不设截止;委员会工作人员据纸质件录入的不受此限。"
        ),
    )

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = [models.F("opens_on").desc(nulls_last=True), "-term", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "body", "level_name", "term", "number"], name="unique_session"
            ),
        ]

    def __str__(self) -> str:
        """The full name, the level the region and label share written once: 杭州市政协…"""
        if not self.region:
            return self.label
        label = self.label
        if label[:1] in "省市区县州盟旗" and self.region.endswith(label[:1]):
            label = label[1:]
        return f"{self.region}{label}"

    def save(self, *args, **kwargs):
        if not self.label:
            self.label = self.default_label()
        super().save(*args, **kwargs)

    def default_label(self) -> str:
        """Name the session the way letters do: 市政协十一届四次会议, 市十五届人大五次会议."""
        term, number = chinese_numeral(self.term), chinese_numeral(self.number)
        if self.body == Body.NPC and self.level_name.endswith("人大"):
            place = self.level_name.removesuffix("人大")
            if place == "全国":
                return f"{term}届全国人大{number}次会议"
            return f"{place}{term}届人大{number}次会议"
        return f"{self.level_name}{term}届{number}次会议"

    def format_number(self, serial: int) -> str:
        year = self.opens_on.year if self.opens_on else clock.today().year
        return self.number_pattern.format(n=serial, year=year)

    def filing_closed(self) -> bool:
        """Whether the deadline for filing online during the session has passed."""
        return self.filing_closes_at is not None and clock.now() > self.filing_closes_at


class Topic(models.Model):
    """A subject heading, used for proposals and as a published reply's 主题分类."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_topic_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="unique_top_level_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class Proposer(models.Model):
    """Who files items: a deputy or member, or a group (党派, 界别, 委员小组, 专门委员会)."""

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        GROUP = "group", "集体"

    class GroupKind(models.TextChoices):
        PARTY = "party", "党派"
        SECTOR = "sector", "界别"
        MEMBER_GROUP = "member_group", "委员小组/工作站"
        COMMITTEE = "committee", "专门委员会"
        DELEGATION = "delegation", "代表团"
        OTHER = "other", "其他"

    body = models.CharField("所属", max_length=10, choices=Body.choices)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField("姓名/名称", max_length=100)
    constituency = models.CharField("代表团/界别", max_length=100, blank=True)
    group_kind = models.CharField("集体类型", max_length=20, choices=GroupKind.choices, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposer",
    )
    is_active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "提出人"
        verbose_name_plural = "提出人"
        ordering = ["body", "name"]
        indexes = [models.Index(fields=["body", "name"], name="proposer_body_name")]

    def __str__(self) -> str:
        return f"{self.name}{self.title}"

    @property
    def title(self) -> str:
        """How the person is addressed after the name (代表, 委员); nothing for a group."""
        if self.kind == self.Kind.GROUP:
            return ""
        return Body(self.body).member_title


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProposalQuerySet:
        """Return the proposals ``user`` may see in the working portal.

        Committee staff see their body's items (and drafts they started);
        agency members see items assigned to their agency; proposers see the
        items they signed and those merged with them. Everyone else sees none.
        """
        from accounts.roles import roles_of

        if not user.is_authenticated:
            return self.none()
        roles = roles_of(user)
        visible = Q(pk__in=[])
        if roles.staff_bodies:
            bodies = [Body(b) for b in roles.staff_bodies]
            kinds = [Proposal.Kind.for_body(b) for b in bodies]
            visible |= Q(kind__in=kinds) & (~Q(status=Proposal.Status.DRAFT) | Q(created_by=user))
        if roles.agency_ids:
            visible |= Exists(
                Assignment.objects.filter(proposal=OuterRef("pk"), agency_id__in=roles.agency_ids)
            )
        if roles.proposer_id:
            visible |= self.proposer_condition(roles.proposer_id)
        return self.filter(visible)

    def on_topic(self, topic_id: int) -> ProposalQuerySet:
        """The items of a topic, a class's subclasses included."""
        return self.filter(Q(topic_id=topic_id) | Q(topic__parent_id=topic_id))

    def of_proposer(self, proposer_id: int) -> ProposalQuerySet:
        """The items a proposer signed (as lead or co-signer), and those merged with them."""
        return self.filter(self.proposer_condition(proposer_id))

    @staticmethod
    def proposer_condition(proposer_id: int) -> Q:
        def signed_by():
            return Q(lead_proposer_id=proposer_id) | Exists(
                CoSigner.objects.filter(proposal=OuterRef("pk"), proposer_id=proposer_id)
            )

        merged_from_own = Exists(Proposal.objects.filter(signed_by(), merged_into=OuterRef("pk")))
        return signed_by() | merged_from_own

    def delete(self):
        if self.exclude(status=Proposal.Status.DRAFT).exists():
            raise ProtectedFromDeletion("提案/建议提交后不能删除。")
        return super().delete()


def _parse_serial(number: str) -> int | None:
    digits = re.findall(r"\d+", number)
    return int(digits[-1]) if digits else None


class Proposal(FSMModelMixin, models.Model):
    """An NPC deputy's suggestion (建议) or a CPPCC proposal (提案)."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", "建议"
        PROPOSAL = "proposal", "提案"

        @classmethod
        def for_body(cls, body: Body) -> Proposal.Kind:
            return cls.SUGGESTION if body == Body.NPC else cls.PROPOSAL

    class FiledDuring(models.TextChoices):
        SESSION = "session", "大会期间"
        INTERIM = "interim", "闭会期间"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审查"
        WITHDRAWN = "withdrawn", "已撤回"
        ACCEPTED = "accepted", "已立案"
        MERGED = "merged", "已并案"
        REJECTED = "rejected", "不予立案"
        ASSIGNED = "assigned", "办理中"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    session = models.ForeignKey(
        Session, verbose_name="会议", on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.CharField("编号", max_length=30, blank=True)
    serial = models.PositiveIntegerField("序号", null=True, blank=True, editable=False)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    filed_during = models.CharField(
        "提出时间", max_length=10, choices=FiledDuring.choices, default=FiledDuring.SESSION
    )
    title = models.CharField("标题", max_length=300)
    body = models.TextField("正文", blank=True)
    lead_proposer = models.ForeignKey(
        Proposer,
        verbose_name="领衔人",
        on_delete=models.PROTECT,
        related_name="led_proposals",
    )
    co_signers = models.ManyToManyField(
        Proposer,
        verbose_name="联名人",
        through="CoSigner",
        related_name="cosigned_proposals",
        blank=True,
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name="主题分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    is_key = models.BooleanField("重点", default=False, help_text="重点督办件。")
    status = FSMField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_sources",
    )
    rejection_reason = models.TextField("不予立案理由", blank=True)
    forwarded_as_opinion = models.BooleanField(
        "转为意见建议", default=False, help_text="不予立案时转有关部门作为意见建议/社情民意参考。"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=clock.now, editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField(
        "版本", default=1, help_text="草稿每保存一次加 1:保存时据此发现他人在别处的修改。"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "建议提案"
        verbose_name_plural = "建议提案"
        ordering = [
            models.F("session__opens_on").desc(nulls_last=True),
            "session_id",
            "serial",
            "number",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=~Q(number=""),
                name="unique_number_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="proposal_session_status"),
            models.Index(fields=["status"], name="proposal_status"),
            models.Index(fields=["kind", "status"], name="proposal_kind_status"),
            models.Index(fields=["topic"], name="proposal_topic"),
            models.Index(fields=["is_key"], condition=Q(is_key=True), name="proposal_key_items"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}号 {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        self.serial = _parse_serial(self.number) if self.number else None
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise ProtectedFromDeletion("提案/建议提交后不能删除。")
        return super().delete(*args, **kwargs)

    @property
    def body_kind(self) -> Body:
        """The body the item belongs to: 人大 for 建议, 政协 for 提案."""
        return Body.NPC if self.kind == self.Kind.SUGGESTION else Body.CPPCC

    def proposers(self) -> list[Proposer]:
        """The lead proposer followed by the co-signers in their order."""
        cosigners = [c.proposer for c in self.cosignatures.select_related("proposer")]
        return [self.lead_proposer, *cosigners]

    def proposers_with_merged(self) -> list[Proposer]:
        """Everyone answered by this item's reply: its own proposers, then those merged into it."""
        people = self.proposers()
        for source in self.merged_sources.select_related("lead_proposer"):
            people += [p for p in source.proposers() if p not in people]
        return people

    # The state graph. Services call these after checking who acts and why.

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self):
        self.submitted_at = clock.now()

    @transition(field=status, source=Status.SUBMITTED, target=Status.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.ACCEPTED)
    def accept(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.MERGED)
    def merge_into(self, target: Proposal):
        self.merged_into = target

    @transition(field=status, source=Status.SUBMITTED, target=Status.REJECTED)
    def reject(self, reason: str, forward: bool):
        self.rejection_reason = reason
        self.forwarded_as_opinion = forward

    @transition(field=status, source=Status.ACCEPTED, target=Status.ASSIGNED)
    def assign(self):
        pass

    @transition(field=status, source=Status.ASSIGNED, target=Status.REPLIED)
    def mark_replied(self):
        pass

    @transition(field=status, source=Status.REPLIED, target=Status.ASSIGNED)
    def reopen_for_rehandling(self):
        pass

    @transition(field=status, source=[Status.ASSIGNED, Status.REPLIED], target=Status.CLOSED)
    def close(self):
        self.closed_at = clock.now()


class CoSigner(models.Model):
    """A co-signer of a proposal (联名人), in the order they signed.

    Invited while the item is a draft, a co-signer confirms or declines; an item is
    submitted only once every co-signer listed has confirmed.
    """

    class State(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DECLINED = "declined", "已谢绝"

    proposal = models.ForeignKey(
        Proposal, verbose_name="建议提案", on_delete=models.CASCADE, related_name="cosignatures"
    )
    proposer = models.ForeignKey(
        Proposer, verbose_name="联名人", on_delete=models.PROTECT, related_name="cosignatures"
    )
    position = models.PositiveSmallIntegerField("顺序")
    invited_at = models.DateTimeField("邀请时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    declined_at = models.DateTimeField("谢绝时间", null=True, blank=True)
    decline_reason = models.TextField("谢绝理由", blank=True)

    class Meta:
        verbose_name = "联名人"
        verbose_name_plural = "联名人"
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "proposer"], name="cosign_once"),
            models.UniqueConstraint(fields=["proposal", "position"], name="cosign_position"),
            models.CheckConstraint(
                condition=Q(confirmed_at=None) | Q(declined_at=None),
                name="cosign_confirmed_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return str(self.proposer)

    @property
    def state(self) -> CoSigner.State:
        if self.confirmed_at is not None:
            return self.State.CONFIRMED
        if self.declined_at is not None:
            return self.State.DECLINED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.state.label

    @property
    def state_at(self):
        """When the co-signer confirmed or declined, or was invited while it is pending."""
        return self.confirmed_at or self.declined_at or self.invited_at


def attachment_path(instance, filename: str) -> str:
    # Stored under a random name: the original name is kept in the record, never used as a path.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{clock.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AttachmentQuerySet:
        """Return the attachments ``user`` may download: those of the proposals they may see."""
        return self.filter(proposal__in=Proposal.objects.visible_to(user))


class Attachment(models.Model):
    """A file filed with a proposal: PDF, Word or an image."""

    proposal = models.ForeignKey(
        Proposal, verbose_name="建议提案", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(KeptQuerySet):
    def visible_to(self, user) -> AssignmentQuerySet:
        """Return the assignments ``user`` may see: those of the proposals they may see.

        An agency member sees the other agencies' assignments on a shared item
        (the lead must know its co-handlers), never an item not assigned to them.
        """
        return self.filter(proposal__in=Proposal.objects.visible_to(user))

    def active(self) -> AssignmentQuerySet:
        return self.exclude(status=Assignment.Status.WITHDRAWN)

    def replying(self) -> AssignmentQuerySet:
        """Assignments that owe the proposer a reply letter: the lead and split ones."""
        return self.active().filter(mode__in=Assignment.REPLYING_MODES)


class Assignment(FSMModelMixin, KeptRecord):
    """A proposal handed to an agency (交办) in one of four modes."""

    class Mode(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "会办"
        SPLIT = "split", "分办"
        REFERENCE = "reference", "参阅"

    class Status(models.TextChoices):
        PENDING = "pending", "待签收"
        ADJUSTMENT_REQUESTED = "adjustment", "申请调整"
        HANDLING = "handling", "办理中"
        OPINION_SENT = "opinion_sent", "已会办"
        REPLIED = "replied", "已答复"
        READ = "read", "已签阅"
        WITHDRAWN = "withdrawn", "已撤销"

    REPLYING_MODES = (Mode.LEAD, Mode.SPLIT)

    delete_refused = "交办记录不能删除。"

    proposal = models.ForeignKey(
        Proposal, verbose_name="建议提案", on_delete=models.PROTECT, related_name="assignments"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    mode = models.CharField("办理方式", max_length=10, choices=Mode.choices)
    status = FSMField(
        "状态", max_length=12, choices=Status.choices, default=Status.PENDING, protected=True
    )
    round = models.PositiveSmallIntegerField(
        "办理轮次", default=1, help_text="1 为首次办理,不满意后重新办理依次加 1。"
    )
    assigned_at = models.DateTimeField("交办时间", default=clock.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="交办人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adjustment_reason = models.TextField("申请调整理由", blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="调整为",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["proposal", "mode", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(mode="lead") & ~Q(status="withdrawn"),
                name="one_lead_agency",
            ),
            models.UniqueConstraint(
                fields=["proposal", "agency"],
                condition=~Q(status="withdrawn"),
                name="one_active_assignment_per_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="assignment_agency_status"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.agency.display_name}({self.get_mode_display()})"

    @property
    def owes_reply(self) -> bool:
        return self.mode in self.REPLYING_MODES

    @transition(field=status, source=Status.PENDING, target=Status.HANDLING)
    def sign_for(self, by):
        self.signed_at, self.signed_by = clock.now(), by

    @transition(field=status, source=Status.PENDING, target=Status.READ)
    def acknowledge(self, by):
        self.signed_at, self.signed_by = clock.now(), by

    @transition(field=status, source=Status.PENDING, target=Status.ADJUSTMENT_REQUESTED)
    def request_adjustment(self, reason: str):
        self.adjustment_reason = reason

    @transition(field=status, source=Status.ADJUSTMENT_REQUESTED, target=Status.WITHDRAWN)
    def withdraw_for_adjustment(self, replacement: Assignment | None):
        self.replaced_by = replacement

    @transition(field=status, source=Status.ADJUSTMENT_REQUESTED, target=Status.PENDING)
    def keep_after_adjustment_refused(self):
        pass

    @transition(field=status, source=Status.HANDLING, target=Status.OPINION_SENT)
    def send_opinion(self):
        pass

    @transition(field=status, source=Status.HANDLING, target=Status.REPLIED)
    def mark_replied(self):
        pass

    @transition(field=status, source=Status.REPLIED, target=Status.HANDLING)
    def rehandle(self):
        self.round += 1


class Verb(models.TextChoices):
    """What happened, as the timeline names it."""

    CREATED = "created", "录入"
    ATTACHED = "attached", "上传附件"
    SUBMITTED = "submitted", "提交"
    COSIGN_CONFIRMED = "cosign_confirmed", "确认联名"
    COSIGN_INVITED = "cosign_invited", "邀请联名"
    COSIGN_DECLINED = "cosign_declined", "谢绝联名"
    COSIGN_REMOVED = "cosign_removed", "移出联名人"
    COSIGN_RESET = "cosign_reset", "联名待重新确认"
    WITHDRAWN = "withdrawn", "撤回"
    ACCEPTED = "accepted", "立案"
    MERGED = "merged", "并案"
    REJECTED = "rejected", "不予立案"
    MARKED_KEY = "marked_key", "列为重点督办"
    UNMARKED_KEY = "unmarked_key", "取消重点督办"
    ASSIGNED = "assigned", "交办"
    SIGNED_FOR = "signed_for", "签收"
    ACKNOWLEDGED = "acknowledged", "签阅"
    ADJUSTMENT_REQUESTED = "adjustment_requested", "申请调整"
    ADJUSTMENT_APPROVED = "adjustment_approved", "同意调整"
    ADJUSTMENT_REFUSED = "adjustment_refused", "不同意调整"
    OPINION_SUBMITTED = "opinion_submitted", "提交会办意见"
    CONTACT_LOGGED = "contact_logged", "沟通联系"
    REPLY_DRAFTED = "reply_drafted", "起草答复"
    REPLY_SUBMITTED = "reply_submitted", "提交审核"
    REPLY_RETURNED = "reply_returned", "退回修改"
    REPLY_APPROVED = "reply_approved", "审核签发"
    REPLY_REOPENED = "reply_reopened", "签发后修改"
    REPLY_SENT = "reply_sent", "答复"
    REPLY_PUBLISHED = "reply_published", "答复公开"
    REPLY_WITHDRAWN = "reply_withdrawn", "撤回公开"
    ALL_REPLIED = "all_replied", "全部答复"
    RATED = "rated", "评价"
    REHANDLING = "rehandling", "重新办理"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "同意延期"
    EXTENSION_REFUSED = "extension_refused", "不同意延期"
    DEADLINE_RECOMPUTED = "deadline_recomputed", "期限重算"
    CLOSED = "closed", "办结"
    MARKED_REPEAT = "marked_repeat", "标记重复提出"
    UNMARKED_REPEAT = "unmarked_repeat", "取消重复提出标记"


class EventManager(models.Manager.from_queryset(ImmutableQuerySet)):
    def record(
        self,
        *,
        proposal: Proposal,
        verb: Verb,
        actor=None,
        assignment: Assignment | None = None,
        from_state: str = "",
        to_state: str = "",
        note: str = "",
        data: dict | None = None,
    ) -> Event:
        """Write one entry of the proposal's timeline and return it."""
        return self.create(
            proposal=proposal,
            assignment=assignment,
            verb=verb,
            actor=actor if actor is not None and actor.is_authenticated else None,
            from_state=from_state,
            to_state=to_state,
            note=note,
            data=data or {},
        )


class Event(ImmutableRecord):
    """One immutable entry of a proposal's timeline: who did what, when, from and to which state."""

    change_refused = "办理记录不可修改。"
    delete_refused = "办理记录不可删除。"

    proposal = models.ForeignKey(
        Proposal, verbose_name="建议提案", on_delete=models.PROTECT, related_name="events"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="交办",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    verb = models.CharField("事项", max_length=30, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=clock.now, editable=False)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)

    objects = EventManager()

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["proposal", "at"], name="event_proposal_at"),
            models.Index(fields=["verb", "at"], name="event_verb_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_verb_display()}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Return the imports ``user`` uploaded, for sessions of a body they are still staff of."""
        from accounts.roles import roles_of

        if not user.is_authenticated:
            return self.none()
        return self.filter(uploaded_by=user, session__body__in=roles_of(user).staff_bodies)


class ImportJob(models.Model):
    """A batch import of an assignment list (交办清单) from Excel.

    The upload is parsed once and its rows kept here, so no file is stored:
    the rows are checked again when staff confirm and again when they are
    imported, each through the filing, review and assignment services.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        QUEUED = "queued", "等待导入"
        RUNNING = "running", "导入中"
        FINISHED = "finished", "已完成"
        FAILED = "failed", "导入中断"

    session = models.ForeignKey(
        Session, verbose_name="会议", on_delete=models.PROTECT, related_name="import_jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=clock.now, editable=False)
    file_name = models.CharField("文件名", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    valid_only = models.BooleanField("只导入无误的行", default=False)
    rows = models.JSONField("文件内容", default=list, help_text="上传文件中各行的内容。")
    row_count = models.PositiveIntegerField("文件行数", default=0)
    total = models.PositiveIntegerField("待导入行数", default=0)
    done = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("成功行数", default=0)
    failed_count = models.PositiveIntegerField("失败行数", default=0)
    results = models.JSONField(
        "各行结果", default=list, blank=True, help_text="每行是否导入、生成的建议提案或失败原因。"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "批量导入"
        verbose_name_plural = "批量导入"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["uploaded_by", "created_at"], name="importjob_uploader_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.FINISHED, self.Status.FAILED)

    @property
    def skipped_count(self) -> int:
        """Rows left out because they had errors when staff confirmed."""
        return self.row_count - self.total if self.confirmed_at else 0

    def progress_message(self) -> str:
        """Where the import stands, in a sentence for the progress bar."""
        if self.status == self.Status.PENDING:
            return "待确认导入。"
        if self.status == self.Status.QUEUED:
            return f"共 {self.total} 行,排队等待导入……"
        if self.status == self.Status.RUNNING:
            return f"正在导入:已处理 {self.done} / {self.total} 行。"
        summary = f"成功 {self.created_count} 行,失败 {self.failed_count} 行"
        if self.status == self.Status.FAILED:
            return f"导入中断:已处理 {self.done} / {self.total} 行,{summary}。"
        return f"导入完成:{summary}。"


class ProposalSearch(models.Model):
    """The words of one item, for finding similar earlier items (往年相似建议提案).

    Written by ``proposals.similarity.index`` when an item is filed or its draft edited.
    ``title_words`` and ``body_words`` are the item's distinct jieba words, each padded by
    spaces (`` 养老 社区 ``) so that a word is found whole. On PostgreSQL ``document`` holds
    all of them and ``title_document`` the title's, as tsvectors under GIN indexes that the
    migration creates there only; on SQLite both stay empty and the words are matched as text.
    """

    proposal = models.OneToOneField(
        Proposal,
        verbose_name="建议提案",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    title_words = models.TextField("标题词语", blank=True)
    body_words = models.TextField("正文词语", blank=True)
    document = SearchVectorField("检索向量", null=True, blank=True)
    title_document = SearchVectorField("标题检索向量", null=True, blank=True)
    indexed_at = models.DateTimeField("索引时间", default=clock.now)

    class Meta:
        verbose_name = "相似件索引"
        verbose_name_plural = "相似件索引"

    def __str__(self) -> str:
        return f"相似件索引:{self.proposal_id}"

    @property
    def words(self) -> set[str]:
        return set(self.title_words.split()) | set(self.body_words.split())


class ProposalTerm(models.Model):
    """How many items use a word (document frequency): a word most items use (建议, 关于,
    加强) says little about what an item is about, so a similarity lookup leaves it out.

    Kept by ``proposals.similarity.index`` as items are indexed, and recounted by
    ``manage.py rebuild_similar_index``.
    """

    word = models.CharField("词语", max_length=40, primary_key=True)
    documents = models.IntegerField("使用该词的件数", default=0)

    class Meta:
        verbose_name = "词语件数"
        verbose_name_plural = "词语件数"

    def __str__(self) -> str:
        return f"{self.word}:{self.documents}"


class RepeatLinkQuerySet(KeptQuerySet):
    def active(self) -> RepeatLinkQuerySet:
        return self.filter(unmarked_at__isnull=True)


class RepeatLink(KeptRecord):
    """Committee staff's finding that an item repeats an earlier one (年年提), kept on both.

    Written by ``proposals.services.proposal_mark_repeat``; unmarking keeps the row with
    who unmarked it and why (``proposal_unmark_repeat``), so the history stays.
    """

    delete_refused = "重复提出的标记不能删除,请取消标记并说明理由。"

    proposal = models.ForeignKey(
        Proposal,
        verbose_name="本件",
        on_delete=models.PROTECT,
        related_name="repeat_links",
    )
    earlier = models.ForeignKey(
        Proposal,
        verbose_name="此前提出的件",
        on_delete=models.PROTECT,
        related_name="repeated_by_links",
    )
    note = models.TextField("说明", blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="标记人", on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField("标记时间", default=clock.now)
    unmarked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unmarked_at = models.DateTimeField("取消时间", null=True, blank=True)
    unmark_reason = models.TextField("取消理由", blank=True)

    objects = RepeatLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "重复提出"
        verbose_name_plural = "重复提出"
        ordering = ["marked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "earlier"],
                condition=Q(unmarked_at__isnull=True),
                name="one_active_repeat_link",
            ),
            models.CheckConstraint(
                condition=~Q(proposal=models.F("earlier")), name="repeat_link_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} 重复 {self.earlier}"

    @property
    def is_active(self) -> bool:
        return self.unmarked_at is None
