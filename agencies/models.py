"""Who handles proposals: the agencies (承办单位) and the committee offices."""

from django.conf import settings
from django.db import models


class Body(models.TextChoices):
    """The two bodies whose members file items, each with its own committee office."""

    NPC = "npc", "人大"
    CPPCC = "cppcc", "政协"

    @property
    def item_noun(self) -> str:
        """What one item of this body is called: 建议 or 提案."""
        return "建议" if self is Body.NPC else "提案"

    @property
    def member_title(self) -> str:
        """How a member of this body is addressed: 代表 or 委员."""
        return "代表" if self is Body.NPC else "委员"


class Agency(models.Model):
    """A government agency that handles proposals (承办单位)."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField(
        "简称", max_length=50, blank=True, help_text="答复函与列表中使用的简称,如“市民政局”。"
    )
    org_code = models.CharField(
        "组织机构代码",
        max_length=20,
        blank=True,
        help_text="用于政府信息公开索引号,如 002489524。",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["name"]
        indexes = [models.Index(fields=["org_code"], name="agency_org_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The short name where there is one, as the letters write it."""
        return self.short_name or self.name


class AgencyMembership(models.Model):
    """A user working for an agency, as clerk (经办人) or leader (负责人)."""

    class Role(models.TextChoices):
        CLERK = "clerk", "经办人"
        LEADER = "leader", "负责人"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="agency_memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.CLERK)

    class Meta:
        verbose_name = "单位人员"
        verbose_name_plural = "单位人员"
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.display_name} {self.get_role_display()} {self.user}"


class CommitteeStaff(models.Model):
    """A user of a committee office: 人大选联工委/代表工委 or 政协提案委员会/提案办."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="committee_posts",
    )
    body = models.CharField("所属", max_length=10, choices=Body.choices)
    office = models.CharField("办公室名称", max_length=100, blank=True)

    class Meta:
        verbose_name = "委员会工作人员"
        verbose_name_plural = "委员会工作人员"
        constraints = [
            models.UniqueConstraint(fields=["user", "body"], name="one_post_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.office or self.get_body_display()} {self.user}"
