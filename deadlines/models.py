"""Deadlines: the working calendar, the rules, each assignment's due dates, extensions
and the reminders sent about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agencies.models import Body
from portal import clock
from portal.chinese import chinese_date

from .calendar import Period, Unit


class CalendarYear(models.Model):
    """A year whose holiday schedule has been published and entered in full."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    notice = models.CharField(
        "依据",
        max_length=200,
        blank=True,
        help_text="如“国务院办公厅关于2027年部分节假日安排的通知”。",
    )

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An exception to the Monday-Friday week: a holiday, or a weekend make-up day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=30, help_text="如“国庆节”。")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}{self.get_kind_display()}"


class Step(models.TextChoices):
    """The steps that have a deadline."""

    SIGN_FOR = "sign_for", "签收"
    OPINION = "opinion", "会办意见"
    REPLY = "reply", "答复"
    REHANDLING = "rehandling", "重新办理答复"
    PUBLICATION = "publication", "答复公开"


class DeadlineRule(models.Model):
    """How long a step may take, for one body or, with no body, for both."""

    body = models.CharField(
        "所属",
        max_length=10,
        choices=Body.choices,
        blank=True,
        help_text="留空则适用于人大和政协。",
    )
    step = models.CharField("环节", max_length=12, choices=Step.choices)
    unit = models.CharField("单位", max_length=12, choices=Unit.choices)
    amount = models.PositiveSmallIntegerField("时长")

    class Meta:
        verbose_name = "办理期限规则"
        verbose_name_plural = "办理期限规则"
        ordering = ["step", "body"]
        constraints = [models.UniqueConstraint(fields=["body", "step"], name="one_rule_per_step")]

    def __str__(self) -> str:
        who = self.get_body_display() if self.body else "通用"
        return f"{who}:{self.get_step_display()} {self.period}"

    @property
    def period(self) -> Period:
        return Period(self.unit, self.amount)


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Deadline.Status.OPEN)

    def overdue(self, today):
        return self.open().filter(effective_due_on__lt=today)


class Deadline(models.Model):
    """When one step of one assignment is due, and why that date."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        MET = "met", "已完成"
        CANCELLED = "cancelled", "已撤销"

    assignment = models.ForeignKey(
        "proposals.Assignment",
        verbose_name="交办",
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    step = models.CharField("环节", max_length=12, choices=Step.choices)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    starts_on = models.DateField("起算日")
    unit = models.CharField("单位", max_length=12, choices=Unit.choices)
    amount = models.PositiveSmallIntegerField("时长")
    due_on = models.DateField("截止日")
    provisional = models.BooleanField(
        "暂定", default=False, help_text="期间经过尚未发布节假日安排的年份,按周一至周五计算。"
    )
    explanation = models.JSONField("计算说明", default=dict)
    extended_to = models.DateField("延期至", null=True, blank=True)
    effective_due_on = models.DateField("实际截止日")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    met_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        ordering = ["effective_due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "step", "round"], name="one_deadline_per_step_and_round"
            ),
        ]
        indexes = [
            models.Index(
                fields=["effective_due_on"], condition=Q(status="open"), name="deadline_open_due"
            ),
            models.Index(fields=["assignment", "status"], name="deadline_assignment_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}期限 {self.effective_due_on}"

    def save(self, *args, **kwargs):
        self.effective_due_on = self.extended_to or self.due_on
        super().save(*args, **kwargs)

    @property
    def period(self) -> Period:
        return Period(self.unit, self.amount)

    @property
    def is_extended(self) -> bool:
        return self.extended_to is not None

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.effective_due_on < (today or clock.today())

    @property
    def met_late(self) -> bool:
        """Whether the step was done after its (possibly extended) due date."""
        return bool(self.met_at) and timezone.localdate(self.met_at) > self.effective_due_on

    def state_label(self, today=None) -> str:
        """What a list shows beside the date: 已超期, 已延期, 暂定 or nothing."""
        if self.status == self.Status.MET:
            return "超期完成" if self.met_late else "按期完成"
        if self.status == self.Status.CANCELLED:
            return "已撤销"
        labels = []
        if self.is_overdue(today):
            labels.append("已超期")
        if self.is_extended:
            labels.append("已延期")
        if self.provisional:
            labels.append("暂定")
        return "、".join(labels)

    @property
    def explanation_text(self) -> str:
        text = self.explanation.get("text", "")
        if self.extended_to:
            text += f"经批准延期至{chinese_date(self.extended_to)}。"
        return text


class ExtensionRequest(models.Model):
    """An agency's request for more time (延期申请), decided by committee staff."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    deadline = models.ForeignKey(
        Deadline, verbose_name="期限", on_delete=models.PROTECT, related_name="extension_requests"
    )
    reason = models.TextField("理由")
    proposed_date = models.DateField("申请延至")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=clock.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    granted_date = models.DateField("批准延至", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(status="pending"), name="one_pending_extension"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="extension_status")]

    def __str__(self) -> str:
        return f"{self.deadline}延期至{self.proposed_date}"


class Reminder(models.Model):
    """One reminder about one deadline at one step; the unique key makes it happen once."""

    class Kind(models.TextChoices):
        BEFORE = "before", "到期提醒"
        OVERDUE = "overdue", "超期催办"

    deadline = models.ForeignKey(
        Deadline, verbose_name="期限", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    n = models.PositiveSmallIntegerField(
        "档次", help_text="到期提醒为距截止的工作日数(0 为当天),超期催办为已超期的周数。"
    )
    sweep = models.CharField("批次", max_length=32, db_index=True)
    created_at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = "期限提醒"
        verbose_name_plural = "期限提醒"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind", "n"], name="one_reminder_per_step"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.OVERDUE:
            return "已超期" if self.n == 0 else f"已超期{self.n}周"
        return "今天到期" if self.n == 0 else f"{self.n}个工作日后到期"
