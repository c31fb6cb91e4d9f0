"""The in-portal inbox; each message is also sent by e-mail where the user has an address."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal import clock


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at=None)


class Notification(models.Model):
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
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name="建议提案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=clock.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

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
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at=None),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title
