"""The in-portal inbox; each message is also sent by e-mail where the user wants it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal import clock


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at=None)

    def for_display(self):
        return self.select_related(
            "proposal__session",
            "reminder__deadline__assignment__agency",
            "reminder__deadline__assignment__proposal__session",
        )


class Notification(models.Model):
    """One message to one user, about a step of the process (``event``) or a deadline
    (``reminder``). Reminder messages are written in bulk by the sweep and worded when
    shown; the others carry their text."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        "proposals.Event",
        verbose_name="办理记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    reminder = models.ForeignKey(
        "deadlines.Reminder",
        verbose_name="期限提醒",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name="建议提案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=300, blank=True)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=clock.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    email_claim = models.CharField("发送批次", max_length=32, blank=True)
    email_claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    email_next_try_at = models.DateTimeField("下次重试", null=True, blank=True)
    email_error = models.CharField("发送错误", max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"],
                condition=Q(event__isnull=False),
                name="one_notice_per_event_and_recipient",
            ),
            models.UniqueConstraint(
                fields=["reminder", "recipient"],
                condition=Q(reminder__isnull=False),
                name="one_notice_per_reminder_and_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at=None),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "created_at"], name="notification_inbox"),
            models.Index(fields=["id"], condition=Q(emailed_at=None), name="notification_unsent"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.reminder_id is None:
            return self.title
        deadline = self.reminder.deadline
        assignment = deadline.assignment
        return (
            f"【{self.reminder.label}】{assignment.agency.display_name}"
            f"{deadline.get_step_display()}期限 {deadline.effective_due_on:%Y-%m-%d}:"
            f"{item_name(assignment.proposal)}"
        )

    @property
    def display_body(self) -> str:
        if self.reminder_id is None:
            return self.body
        deadline = self.reminder.deadline
        if self.reminder.kind == self.reminder.Kind.OVERDUE:
            ask = "已超过办理期限,请尽快办理;确需延期的,请提出延期申请。"
        else:
            ask = "请在期限内办理。"
        return f"{ask}\n{deadline.explanation_text}"

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        from .services import proposal_url

        return proposal_url(self.proposal) if self.proposal_id else ""


def item_name(proposal) -> str:
    """An item as notices name it: 市政协十二届二次会议第607号提案《…》."""
    number = f"第{proposal.number}号" if proposal.number else ""
    return f"{proposal.session.label}{number}{proposal.get_kind_display()}《{proposal.title}》"
