import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from portal import clock


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


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        """Tokens that still open the API: not revoked, and not past their last day."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=clock.today())
        )


class ApiToken(models.Model):
    """A personal token (个人接口令牌) with which a program acts as its user on the REST API.

    Only the SHA-256 digest of the token is kept; the token itself is shown once, when it
    is created. A revoked token stays, with the moment it was revoked.
    """

    PREFIX = "pt_"

    class State(models.TextChoices):
        ACTIVE = "active", "有效"
        EXPIRED = "expired", "已过期"
        REVOKED = "revoked", "已撤销"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("名称", max_length=50, help_text="用来认出令牌的名字,如“统计脚本”。")
    prefix = models.CharField("开头", max_length=8, editable=False)
    digest = models.CharField("摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", default=clock.now, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True, editable=False)
    expires_on = models.DateField(
        "有效期至", null=True, blank=True, help_text="当天结束后失效;不填则长期有效。"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        """The SHA-256 hex digest under which a token is looked up."""
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def state(self) -> str:
        """Whether the token opens the API now: ``State.ACTIVE``, ``EXPIRED`` or ``REVOKED``."""
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_on is not None and self.expires_on < clock.today():
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    def get_state_display(self) -> str:
        return self.State(self.state).label
