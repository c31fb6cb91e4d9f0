"""What agencies send back: co-handling opinions, contact with the proposer, reply letters,
and the proposers' ratings of those replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django_fsm import FSMField, FSMModelMixin, transition

from agencies.models import Body
from portal import clock
from portal.records import ImmutableRecord, KeptQuerySet, KeptRecord


class ResultCategory(models.Model):
    """A class a reply is put in (办理结果分类): A/B/C/D, or 解决采纳/正在解决/... per body."""

    body = models.CharField("所属", max_length=10, choices=Body.choices)
    code = models.CharField("代码", max_length=10)
    name = models.CharField("名称", max_length=30)
    description = models.CharField("说明", max_length=200, blank=True)
    needs_follow_up = models.BooleanField(
        "需跟踪落实", default=False, help_text="正在解决、计划解决的答复须跟踪,解决后再次答复。"
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "办理结果分类"
        verbose_name_plural = "办理结果分类"
        ordering = ["body", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="unique_category_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}类({self.name})" if self.code != self.name else self.name


def _staff_kinds(roles):
    from proposals.models import Proposal

    return [Proposal.Kind.for_body(Body(b)) for b in roles.staff_bodies]


def _replying_agency_on_item(roles):
    """Whether one of the user's agencies owes the reply on the row's item."""
    from proposals.models import Assignment

    return Exists(
        Assignment.objects.replying().filter(
            proposal=OuterRef("assignment__proposal"), agency_id__in=roles.agency_ids
        )
    )


class OpinionQuerySet(KeptQuerySet):
    def visible_to(self, user):
        """Co-handling opinions go to the lead: staff, the writing agency and the replying
        agencies see them; proposers do not."""
        from accounts.roles import roles_of

        roles = roles_of(user)
        visible = Q(pk__in=[])
        if roles.staff_bodies:
            visible |= Q(assignment__proposal__kind__in=_staff_kinds(roles))
        if roles.agency_ids:
            visible |= Q(assignment__agency_id__in=roles.agency_ids) | _replying_agency_on_item(
                roles
            )
        return self.filter(visible)


class CoHandlingOpinion(KeptRecord):
    """A co-handler's written opinion (会办意见), sent to the lead agency, not the proposer."""

    delete_refused = "会办意见不能删除。"

    assignment = models.ForeignKey(
        "proposals.Assignment",
        verbose_name="会办交办",
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    body = models.TextField("意见内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", default=clock.now)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = "会办意见"
        verbose_name_plural = "会办意见"
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="one_opinion_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.agency.display_name}的会办意见"


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Contact records are the agencies' working notes: staff and the item's agencies."""
        from accounts.roles import roles_of
        from proposals.models import Assignment

        roles = roles_of(user)
        visible = Q(pk__in=[])
        if roles.staff_bodies:
            visible |= Q(assignment__proposal__kind__in=_staff_kinds(roles))
        if roles.agency_ids:
            visible |= Exists(
                Assignment.objects.filter(
                    proposal=OuterRef("assignment__proposal"), agency_id__in=roles.agency_ids
                )
            )
        return self.filter(visible)


class ContactLog(models.Model):
    """A contact between the handling agency and the proposer (沟通联系), counted for 见面率."""

    class Way(models.TextChoices):
        FACE_TO_FACE = "face", "面商"
        FORUM = "forum", "座谈"
        VISIT = "visit", "走访"
        PHONE = "phone", "电话"
        ONLINE = "online", "网络/视频"
        LETTER = "letter", "书面"

    FACE_TO_FACE_WAYS = (Way.FACE_TO_FACE, Way.FORUM, Way.VISIT)

    assignment = models.ForeignKey(
        "proposals.Assignment",
        verbose_name="交办",
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    contacted_on = models.DateField("沟通日期")
    way = models.CharField("方式", max_length=10, choices=Way.choices)
    people = models.CharField("参加人员", max_length=300)
    summary = models.TextField("沟通情况")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField("记录时间", default=clock.now)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "沟通联系"
        verbose_name_plural = "沟通联系"
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_way_display()}"

    @property
    def is_face_to_face(self) -> bool:
        return self.way in self.FACE_TO_FACE_WAYS


class ReplyLetterQuerySet(KeptQuerySet):
    def visible_to(self, user):
        """Staff see their body's letters at every stage, an agency its own letters;
        a sent letter is seen by everyone who may see its item."""
        from accounts.roles import roles_of
        from proposals.models import Proposal

        roles = roles_of(user)
        if not user.is_authenticated:
            return self.none()
        visible = Q(status=ReplyLetter.Status.SENT) & Q(
            assignment__proposal__in=Proposal.objects.visible_to(user)
        )
        if roles.staff_bodies:
            visible |= Q(assignment__proposal__kind__in=_staff_kinds(roles))
        if roles.agency_ids:
            visible |= Q(assignment__agency_id__in=roles.agency_ids)
        return self.filter(visible)


class ReplyLetter(FSMModelMixin, KeptRecord):
    """The reply letter (答复函) of a lead or split assignment, for one round of handling."""

    delete_refused = "答复函不能删除。"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING_APPROVAL = "pending", "待审核"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "已签发"
        SENT = "sent", "已答复"

    class Disclosure(models.TextChoices):
        PUBLIC = "public", "主动公开"
        ON_REQUEST = "on_request", "依申请公开"
        WITHHELD = "withheld", "不予公开"

    class Generation(models.TextChoices):
        NONE = "", "手工起草"
        QUEUED = "queued", "等待生成"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    assignment = models.ForeignKey(
        "proposals.Assignment",
        verbose_name="交办",
        on_delete=models.PROTECT,
        related_name="replies",
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    version = models.PositiveIntegerField("版本", default=1)
    body = models.TextField("正文", blank=True)
    result_category = models.ForeignKey(
        ResultCategory,
        verbose_name="办理结果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    disclosure = models.CharField(
        "公开方式", max_length=12, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    nondisclosure_reason = models.TextField("不予公开理由", blank=True)
    document_number = models.CharField("发文字号", max_length=50, blank=True)
    status = FSMField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", default=clock.now)
    updated_at = models.DateTimeField("修改时间", default=clock.now)
    return_comment = models.TextField("退回意见", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("签发时间", null=True, blank=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    sent_at = models.DateTimeField("答复时间", null=True, blank=True)
    generation = models.CharField(
        "草稿生成",
        max_length=10,
        choices=Generation.choices,
        default=Generation.NONE,
        blank=True,
    )
    generation_error = models.CharField("生成失败原因", max_length=300, blank=True)

    objects = ReplyLetterQuerySet.as_manager()

    class Meta:
        verbose_name = "答复函"
        verbose_name_plural = "答复函"
        ordering = ["assignment", "round"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="one_reply_per_round"),
            models.CheckConstraint(
                condition=~Q(disclosure="withheld") | ~Q(nondisclosure_reason=""),
                name="withheld_reply_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sent_at"], name="reply_status_sent"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.assignment.agency.display_name}关于第{self.assignment.proposal.number}号的答复"
        )

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_changeable(self) -> bool:
        """Whether a clerk may change it: in place when editable, or as a new draft version
        when signed but not yet sent (签发后修改)."""
        return self.is_editable or self.status == self.Status.APPROVED

    @transition(field=status, source=EDITABLE, target=Status.PENDING_APPROVAL)
    def submit_for_approval(self):
        pass

    @transition(field=status, source=Status.PENDING_APPROVAL, target=Status.RETURNED)
    def return_for_changes(self, comment: str):
        self.return_comment = comment

    @transition(field=status, source=Status.PENDING_APPROVAL, target=Status.APPROVED)
    def approve(self, by):
        self.approved_by, self.approved_at = by, clock.now()
        self.written_on = self.written_on or clock.today()

    @transition(field=status, source=Status.APPROVED, target=Status.SENT)
    def send(self):
        self.sent_at = clock.now()

    @transition(field=status, source=Status.APPROVED, target=Status.DRAFT)
    def reopen(self):
        """A signed letter is frozen: changing it makes a new draft that needs a new signature."""
        self.approved_by, self.approved_at = None, None


class LetterRevision(ImmutableRecord):
    """One saved version of a reply letter, kept for ever (修改记录)."""

    change_refused = "答复函的历史版本不能修改。"
    delete_refused = "答复函的历史版本不能删除。"

    letter = models.ForeignKey(
        ReplyLetter, verbose_name="答复函", on_delete=models.PROTECT, related_name="revisions"
    )
    version = models.PositiveIntegerField("版本")
    body = models.TextField("正文")
    result_category = models.ForeignKey(
        ResultCategory,
        verbose_name="办理结果",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disclosure = models.CharField("公开方式", max_length=12, choices=ReplyLetter.Disclosure.choices)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    saved_at = models.DateTimeField("保存时间", default=clock.now)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "答复函版本"
        verbose_name_plural = "答复函版本"
        ordering = ["letter", "version"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"第{self.version}版"


class ReplyTemplate(models.Model):
    """The template a reply draft is generated from: an agency's own, or its body's default.

    ``content`` is Django template syntax over the variables listed in
    ``responses.drafting.VARIABLES``; ``docx`` optionally replaces the Word layout
    (a docxtpl template, e.g. with the agency's letterhead).
    """

    body = models.CharField("所属", max_length=10, choices=Body.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_templates",
        help_text="留空则为该类别所有单位的默认模板。",
    )
    name = models.CharField("名称", max_length=100)
    content = models.TextField("答复函模板")
    docx = models.FileField(
        "Word 版式模板",
        upload_to="reply-templates/",
        blank=True,
        help_text="可选:带本单位版头的 .docx 模板(docxtpl 格式);留空使用平台的标准版式。",
    )
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("修改时间", default=clock.now)

    class Meta:
        verbose_name = "答复函模板"
        verbose_name_plural = "答复函模板"
        ordering = ["body", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "agency"],
                condition=Q(is_active=True, agency__isnull=False),
                name="one_active_template_per_agency",
            ),
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(is_active=True, agency__isnull=True),
                name="one_active_default_template",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Feedback(KeptRecord):
    """A proposer's rating of a reply (征询意见). It comes from the proposer, never the agency."""

    delete_refused = "评价不能删除。"

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY_SATISFIED = "basically", "基本满意"
        DISSATISFIED = "dissatisfied", "不满意"

    class Channel(models.TextChoices):
        ONLINE = "online", "网上评价"
        PAPER = "paper", "书面征询意见表"

    reply = models.ForeignKey(
        ReplyLetter, verbose_name="答复函", on_delete=models.PROTECT, related_name="feedback"
    )
    proposer = models.ForeignKey(
        "proposals.Proposer",
        verbose_name="评价人",
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    rating = models.CharField("评价", max_length=12, choices=Rating.choices)
    comment = models.TextField("意见", blank=True)
    channel = models.CharField(
        "方式", max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField("评价时间", default=clock.now)
    paper_dated_on = models.DateField(
        "征询意见表日期",
        null=True,
        blank=True,
        help_text="书面征询意见表上提出人填写的日期;网上评价没有。",
    )

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["rated_at"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "proposer"], name="one_rating_per_proposer"),
        ]
        indexes = [models.Index(fields=["rating"], name="feedback_rating")]

    def __str__(self) -> str:
        return f"{self.proposer}:{self.get_rating_display()}"
