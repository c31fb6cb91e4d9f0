"""What the statistics read: each active assignment's facts, kept in step with the handling,
and the background exports of the dashboard's tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal import clock


class Facts(models.Model):
    """The facts the figures read (``stats.figures.PART_FACTS``): for one assignment, 1 or 0
    for each mode it is in, whether its reply is sent, on time, rated…; for an item, their
    sums (and the least or greatest of the dates and ranks) over its active assignments."""

    # The item's session, which never changes once it is submitted: a session's facts are
    # read off its index rather than found among every session's.
    session = models.ForeignKey(
        "proposals.Session",
        verbose_name="会议",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    n = models.PositiveSmallIntegerField("有效交办", default=0)
    n_lead = models.PositiveSmallIntegerField("主办", default=0)
    n_co = models.PositiveSmallIntegerField("会办", default=0)
    n_split = models.PositiveSmallIntegerField("分办", default=0)
    n_ref = models.PositiveSmallIntegerField("参阅", default=0)
    n_r = models.PositiveSmallIntegerField("应答复", default=0)
    r_replied = models.PositiveSmallIntegerField("已答复", default=0)
    r_on_time = models.PositiveSmallIntegerField("按期答复", default=0)
    r_contacted = models.PositiveSmallIntegerField("已沟通", default=0)
    r_met = models.PositiveSmallIntegerField("已见面", default=0)
    r_open_undated = models.PositiveSmallIntegerField("未答复且无期限", default=0)
    r_open_due = models.DateField("未答复的最晚期限", null=True)
    r_rated = models.PositiveSmallIntegerField("已评价", default=0)
    r_rating = models.PositiveSmallIntegerField("最低评价", null=True)
    r_categorized = models.PositiveSmallIntegerField("已分类", default=0)
    r_category = models.BigIntegerField("最末的办理结果", null=True)
    c_sent = models.PositiveSmallIntegerField("已提交会办意见", default=0)
    c_on_time = models.PositiveSmallIntegerField("按期提交会办意见", default=0)
    next_due_on = models.DateField(
        "最近未完成期限", null=True, help_text="各环节未完成期限中最早的。"
    )
    extended = models.PositiveSmallIntegerField("有延期", default=0)
    rehandled = models.PositiveSmallIntegerField("重新办理", default=0)
    # The figures that do not depend on the day, worked out from the facts above when they
    # are written (``stats.figures.FLAGS``), and the result class the item counts under.
    is_assigned = models.BooleanField("交办", default=False)
    is_lead = models.BooleanField("主办", default=False)
    is_co = models.BooleanField("会办", default=False)
    is_split = models.BooleanField("分办", default=False)
    is_reference = models.BooleanField("参阅", default=False)
    is_replied = models.BooleanField("已答复", default=False)
    is_on_time = models.BooleanField("按期答复", default=False)
    is_contacted = models.BooleanField("已沟通", default=False)
    is_met = models.BooleanField("已见面", default=False)
    is_extended = models.BooleanField("延期", default=False)
    is_rehandled = models.BooleanField("重新办理", default=False)
    is_co_sent = models.BooleanField("会办意见已提交", default=False)
    is_co_on_time = models.BooleanField("会办意见按期", default=False)
    is_rated = models.BooleanField("已评价", default=False)
    is_satisfied = models.BooleanField("满意", default=False)
    is_basically = models.BooleanField("基本满意", default=False)
    is_dissatisfied = models.BooleanField("不满意", default=False)
    is_uncategorized = models.BooleanField("未分类", default=False)
    result_class = models.BigIntegerField("办理结果分类", null=True)

    class Meta:
        abstract = True


class ItemFacts(Facts):
    """An item's facts over its active assignments, written with theirs. An item never
    assigned has none."""

    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name="建议提案",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stats_facts",
    )

    class Meta:
        verbose_name = "建议提案统计事实"
        verbose_name_plural = "建议提案统计事实"
        indexes = [models.Index(fields=["session"], name="itemfacts_session")]

    def __str__(self) -> str:
        return f"统计事实:建议提案 {self.proposal_id}"


class AssignmentFacts(Facts):
    """What the 办理情况统计 reads of one active assignment (a part of an item's handling).

    Written by ``stats.facts.refresh`` from the deadlines, contacts, letters and ratings
    (the columns of its own), then its facts (``Facts``) from those;
    every state change marks its item (``ItemToRefresh``) and the statistics refresh the
    marked items before they read, so the facts are never older than the last change.
    Dates, not flags, where the answer depends on the day: a reply is due once
    ``reply_due_on`` has passed, an item overdue once ``next_due_on`` has.
    """

    assignment = models.OneToOneField(
        "proposals.Assignment",
        verbose_name="交办",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", verbose_name="建议提案", on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name="承办单位", on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField("办理方式", max_length=10)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    reply_due_on = models.DateField(
        "答复期限", null=True, help_text="首次答复的期限(含批准延期);期限撤销时为空。"
    )
    reply_met_on = models.DateField("答复日期", null=True, help_text="首次答复送达之日。")
    opinion_due_on = models.DateField("会办意见期限", null=True)
    opinion_met_on = models.DateField("会办意见提交日期", null=True)
    has_extension = models.BooleanField("有批准延期", default=False)
    has_contact = models.BooleanField("有沟通记录", default=False)
    has_meeting = models.BooleanField("有当面沟通", default=False)
    rating = models.PositiveSmallIntegerField(
        "评价", null=True, help_text="领衔人对当前一轮答复的评价:1 满意,2 基本满意,3 不满意。"
    )
    category = models.BigIntegerField(
        "办理结果", null=True, help_text="当前一轮答复的办理结果分类(排序与编号合成的键)。"
    )
    refreshed_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "统计事实"
        verbose_name_plural = "统计事实"
        indexes = [
            models.Index(fields=["proposal"], name="facts_proposal"),
            models.Index(fields=["session", "agency"], name="facts_session_agency"),
            models.Index(fields=["agency", "proposal"], name="facts_agency_proposal"),
        ]

    def __str__(self) -> str:
        return f"统计事实:交办 {self.assignment_id}"


class ItemToRefresh(models.Model):
    """An item whose facts changed since they were last read (written with its event)."""

    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name="建议提案",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    marked_at = models.DateTimeField("标记时间", default=clock.now)

    class Meta:
        verbose_name = "待更新统计的建议提案"
        verbose_name_plural = "待更新统计的建议提案"

    def __str__(self) -> str:
        return f"待更新:{self.proposal_id}"


class StatsExport(models.Model):
    """A background export of the dashboard's tables (Excel or CSV), with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "生成失败"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=clock.now)
    format = models.CharField("格式", max_length=4, choices=Format.choices)
    table = models.CharField("统计表", max_length=20, blank=True, help_text="CSV 时为所选的表。")
    filters = models.JSONField("筛选条件", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveSmallIntegerField("已完成步骤", default=0)
    total = models.PositiveSmallIntegerField("总步骤", default=1)
    file = models.FileField("文件", upload_to="stats-exports/%Y/%m/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "统计导出"
        verbose_name_plural = "统计导出"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "requested_at"], name="statsexport_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or '统计导出'}({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def progress_message(self) -> str:
        if self.status == self.Status.QUEUED:
            return "排队等待生成……"
        if self.status == self.Status.RUNNING:
            return f"正在生成:已完成 {self.done} / {self.total} 张表。"
        if self.status == self.Status.FAILED:
            return f"生成失败:{self.error or '请重试。'}"
        return "已生成,可以下载。"
