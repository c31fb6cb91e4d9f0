"""Published replies (政府信息公开): each publication with its index number, and the
per-agency, per-year counters the index numbers are taken from.

A publication is written once, by ``disclosure.services.reply_publish``, and never
changed or deleted: it is what the public reads, until a withdrawal (撤回公开) beside it
takes it off the public portal.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import ExtractYear

from portal import clock
from portal.records import ImmutableQuerySet, ImmutableRecord, KeptRecord
from responses.models import ReplyLetter


def serial_digits() -> int:
    """How many digits the serial of an index number has (5 by default, 6 on some sites)."""
    return int(settings.PORTAL.get("INDEX_SERIAL_DIGITS", 5))


def format_index_number(org_code: str, year: int, serial: int) -> str:
    """The index number (索引号) as disclosure portals write it: ``002489524/2023-00364``."""
    return f"{org_code}/{year}-{serial:0{serial_digits()}d}"


class IndexSerial(KeptRecord):
    """The last serial an agency has given an index number in a year.

    Publishing takes this row under a lock in the publishing transaction, so
    concurrent publishers queue and a publication rolled back gives its number back.
    """

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="index_serials",
    )
    year = models.PositiveSmallIntegerField("年份")
    last = models.PositiveIntegerField("已用至序号", default=0)

    delete_refused = "索引号序号不能删除,否则会重复发号。"

    class Meta:
        verbose_name = "索引号序号"
        verbose_name_plural = "索引号序号"
        ordering = ["-year", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_index_serial_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.display_name} {self.year}年 已用至{self.last}号"


class PublicationQuerySet(ImmutableQuerySet):
    def public(self):
        """What the public may read: the publications not withdrawn (撤回公开).

        Every public page, feed, sitemap, export and search starts from this; staff
        pages and the import's duplicate checks read every publication.
        """
        return self.filter(withdrawal__isnull=True)


class Publication(ImmutableRecord):
    """A reply letter as published (答复公开): the public version of its text, frozen
    when it was published, with its disclosure metadata."""

    GENRE_LETTER = "函"

    change_refused = "已公开的答复不能修改。"
    delete_refused = "已公开的答复不能删除。"

    class Source(models.TextChoices):
        PORTAL = "portal", "本平台办理"
        IMPORTED = "imported", "导入的已公开答复"

    letter = models.OneToOneField(
        ReplyLetter,
        verbose_name="答复函",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publication",
        help_text="导入的已公开答复没有对应的答复函。",
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.PORTAL)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="publications",
    )
    year = models.PositiveSmallIntegerField("年份")
    serial = models.PositiveIntegerField(
        "序号", null=True, blank=True, help_text="导入的答复没有本单位索引号时为空。"
    )
    index_number = models.CharField(
        "索引号", max_length=40, blank=True, help_text="导入的页面未写索引号时为空。"
    )
    title = models.CharField("标题", max_length=300)
    body = models.TextField("公开文本", help_text="隐去提出人联系方式和标记内容后的答复正文。")
    document_number = models.CharField("发文字号", max_length=50, blank=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    published_on = models.DateField("发布日期")
    publisher = models.CharField("发布机构", max_length=100)
    topic = models.ForeignKey(
        "proposals.Topic",
        verbose_name="主题分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    genre = models.CharField("体裁分类", max_length=20, default=GENRE_LETTER)
    # What the public browses and cites by, copied from the case when published (or read
    # from an imported page), so the public pages read one table.
    kind = models.CharField("类别", max_length=10, blank=True, help_text="建议或提案")
    session_label = models.CharField("会议", max_length=100, blank=True)
    proposal_number = models.CharField("建议提案编号", max_length=30, blank=True)
    proposal_title = models.CharField("建议提案标题", max_length=300, blank=True)
    result_category = models.CharField("办理结果", max_length=30, blank=True)
    addressees = models.JSONField("提出人", default=list, blank=True)
    co_handlers = models.JSONField("会办单位", default=list, blank=True)
    signed_on = models.DateField("签发日期", null=True, blank=True)
    # Kept for committee staff, never shown on a public page.
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    source_file = models.CharField("来源文件", max_length=300, blank=True)
    fingerprint = models.CharField(
        "正文指纹",
        max_length=64,
        blank=True,
        help_text="导入的答复正文(去空白)的 SHA-256,用于识别重复导入。",
    )
    disclosure = models.CharField("公开方式", max_length=12, choices=ReplyLetter.Disclosure.choices)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("发布操作时间", default=clock.now)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "答复公开"
        verbose_name_plural = "答复公开"
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "serial"], name="one_publication_per_serial"
            ),
            models.UniqueConstraint(
                fields=["index_number"],
                condition=~models.Q(index_number=""),
                name="unique_publication_index_number",
            ),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~models.Q(fingerprint=""),
                name="unique_publication_fingerprint",
            ),
            # The year is the publication date's: the public list filters a year as a
            # range of dates, on the same indexes as its order.
            models.CheckConstraint(
                condition=models.Q(year=ExtractYear("published_on")),
                name="publication_year_is_published_year",
            ),
            # Only an imported page may lack an index number: the portal always gives one.
            models.CheckConstraint(
                condition=models.Q(source="imported")
                | (~models.Q(index_number="") & models.Q(serial__isnull=False)),
                name="portal_publication_has_index_number",
            ),
        ]
        indexes = [
            # The public list's order (newest first, then the newest id) read straight off
            # the index: no sort of a day's replies, and a search's pool stops early.
            models.Index(fields=["published_on", "id"], name="publication_published_on_id"),
            # Each filter of the public list, in the list's order, ids included: a page of
            # ids is read from the index alone, however deep the page.
            models.Index(
                fields=["agency", "published_on", "id"], name="publication_agency_date_id"
            ),
            models.Index(fields=["topic", "published_on", "id"], name="publication_topic_date_id"),
            models.Index(
                fields=["session_label", "published_on", "id"], name="publication_session_date_id"
            ),
            models.Index(
                fields=["result_category", "published_on", "id"],
                name="publication_category_date_id",
            ),
            models.Index(fields=["proposal_number"], name="publication_proposal_number"),
        ]

    def __str__(self) -> str:
        return f"{self.index_number} {self.title}"


class PublicationWithdrawal(ImmutableRecord):
    """A published reply taken off the public portal (撤回公开), with who did it and why.

    Written once, by ``disclosure.services.publication_withdraw``, and kept beside the
    publication so the publication stays the frozen record of what was public and its
    index number is never given again. Deleting the row would republish the reply,
    so it can neither change nor go. The publication is the primary key: a second
    withdrawal of it fails (``ImmutableRecord`` always inserts) instead of overwriting the
    first one's reason and author.
    """

    change_refused = "撤回公开的记录不能修改。"
    delete_refused = "撤回公开的记录不能删除,否则已撤回的答复会重新公开。"

    publication = models.OneToOneField(
        Publication,
        verbose_name="答复公开",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="withdrawal",
    )
    reason = models.TextField("撤回理由")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤回人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("撤回时间", default=clock.now)

    class Meta:
        verbose_name = "撤回公开"
        verbose_name_plural = "撤回公开"
        ordering = ["-withdrawn_at"]

    def __str__(self) -> str:
        return f"撤回公开:{self.publication}"


class PublicationSearch(models.Model):
    """The search index of one publication, kept beside it so the publication stays frozen.

    Written by ``disclosure.search.index``. ``title_tokens`` and ``body_tokens`` are the
    jieba words of the title (with the proposal's title) and of the plain body, separated
    by spaces; on PostgreSQL ``document`` is their tsvector (title weighted A, body B) and
    ``plain`` (title, numbers and plain body, lowercased) carries a trigram index. Both
    GIN indexes and the ``pg_trgm`` extension are created by the migration on PostgreSQL
    only; on SQLite ``document`` stays empty and search falls back to containment.
    """

    publication = models.OneToOneField(
        Publication,
        verbose_name="答复公开",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    title_tokens = models.TextField("标题分词", blank=True)
    body_tokens = models.TextField("正文分词", blank=True)
    document = SearchVectorField("全文检索向量", null=True, blank=True)
    plain = models.TextField("检索文本", blank=True)
    indexed_at = models.DateTimeField("索引时间", default=clock.now)

    class Meta:
        verbose_name = "答复检索索引"
        verbose_name_plural = "答复检索索引"

    def __str__(self) -> str:
        return f"检索索引:{self.publication_id}"


class PublicationStats(models.Model):
    """How often a published reply has been read (kept apart: publications never change)."""

    publication = models.OneToOneField(
        Publication,
        verbose_name="答复公开",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stats",
    )
    views = models.PositiveIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = "浏览次数"
        verbose_name_plural = "浏览次数"

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.views}"
