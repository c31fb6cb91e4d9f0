from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: committee staff, agency clerk or leader, proposer.

    Chinese names do not split into first and last names, so the portal keeps
    one ``full_name``. What a user may do follows from their memberships
    (``agencies.AgencyMembership``, ``agencies.CommitteeStaff``) and from the
    proposer record linked to them (``proposals.Proposer.user``).
    """

    class EmailNotices(models.TextChoices):
        IMMEDIATE = "immediate", "逐条发送"
        DAILY = "daily", "每日汇总"
        OFF = "off", "不发送邮件"

    full_name = models.CharField("姓名", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email_notices = models.CharField(
        "邮件提醒",
        max_length=10,
        choices=EmailNotices.choices,
        default=EmailNotices.IMMEDIATE,
        help_text="站内消息总会保留;此项决定是否以及如何同时发送邮件。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username
