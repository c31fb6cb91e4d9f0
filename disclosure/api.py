"""The public API (``/api/v1/public/replies/``): the published replies, read-only, for anyone.

The list takes the HTML list's query parameters and goes through ``public.filtered``, so
its filters, search and order are the portal's own. A filter value that names something
no published reply has yet (an agency, topic, session or result category that exists, a
year from 1949 to next year) finds nothing, an empty list; a value that names nothing,
which the HTML list would leave out, is a 400 here, naming the parameter. Every row
comes from ``Publication.objects.public()``:
nothing unpublished or withdrawn, and never the staff-only contact details or publisher.

Without ``q`` the list is paged by a cursor over (发布日期, id), newest first (oldest with
``sort=old``): every page is a range of the list's index, however deep, and a reply
published while a client walks the list does not shift the pages. With ``q`` the results
are a search's ranked pool (at most ``search.POOL``), which has no stable key to hold a
cursor on; it is paged by number (``page``) over that pool, as the HTML list does.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from portal.api import Pagination
from responses.richtext import to_plain

from . import public, search
from .models import Publication

STAFF_ONLY = ("contact_name", "contact_phone")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# -- throttling -------------------------------------------------------------------------


class _RateFromSettings:
    """The scope's rate as the settings say now: DRF reads ``DEFAULT_THROTTLE_RATES`` once,
    when it is imported, so an override (in a test, say) would never reach it."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as missing:
            raise ImproperlyConfigured(
                f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] has no rate for {self.scope!r}"
            ) from missing


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous clients, by address: the ``anon`` rate."""


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Signed-in clients, by user: the ``user`` rate."""


# -- serializers ------------------------------------------------------------------------


class PublicAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="承办单位编号,可用作 agency 筛选参数。")
    name = serializers.CharField(help_text="承办单位名称。")


class PublicTopicSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="主题分类编号,可用作 topic 筛选参数。")
    label = serializers.CharField(source="__str__", help_text="主题分类名称(含上级分类)。")


# A reply in a list: its disclosure table and case, without the text (see the detail).
# (No docstrings on the serializers: the schema would show them to the API's readers.)
class PublicReplySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="public-reply-detail", help_text="本答复在接口中的地址。"
    )
    page_url = serializers.SerializerMethodField(help_text="本答复在门户网站上的网页地址。")
    agency = PublicAgencySerializer(help_text="承办单位。")
    topic = PublicTopicSerializer(allow_null=True, help_text="主题分类;未分类时为 null。")
    disclosure = serializers.CharField(
        source="get_disclosure_display", help_text="公开方式,如“主动公开”。"
    )
    source = serializers.ChoiceField(
        choices=Publication.Source.choices,
        help_text="来源:portal 在本平台办理并发布;imported 导入的此前已公开的答复。",
    )
    addressees = serializers.ListField(
        child=serializers.CharField(), help_text="答复的提出人(代表、委员)姓名。"
    )
    co_handlers = serializers.ListField(child=serializers.CharField(), help_text="会办单位名称。")
    snippet = serializers.SerializerMethodField(
        help_text=(
            "有关键词 q 时:正文中包含检索词的片段,检索词以 <mark> 标出,"
            "其余内容已做 HTML 转义;无关键词时为 null。"
        )
    )

    class Meta:
        model = Publication
        fields = [
            "id",
            "url",
            "page_url",
            "index_number",
            "title",
            "publisher",
            "agency",
            "document_number",
            "written_on",
            "published_on",
            "signed_on",
            "topic",
            "genre",
            "disclosure",
            "kind",
            "session_label",
            "proposal_number",
            "proposal_title",
            "result_category",
            "addressees",
            "co_handlers",
            "source",
            "snippet",
        ]
        extra_kwargs = {
            "id": {"help_text": "答复编号。"},
            "index_number": {"help_text": "索引号;导入的页面未写索引号时为空字符串。"},
            "title": {"help_text": "标题。"},
            "publisher": {"help_text": "发布机构。"},
            "document_number": {"help_text": "发文字号;没有时为空字符串。"},
            "written_on": {"help_text": "成文日期;没有时为 null。"},
            "published_on": {"help_text": "发布日期。"},
            "signed_on": {"help_text": "签发日期;没有时为 null。"},
            "genre": {"help_text": "体裁分类,如“函”。"},
            "kind": {"help_text": "类别:建议或提案。"},
            "session_label": {"help_text": "会议,如“市政协十二届二次会议”。"},
            "proposal_number": {"help_text": "建议提案编号。"},
            "proposal_title": {"help_text": "所答复的建议提案的标题。"},
            "result_category": {"help_text": "办理结果。"},
        }

    def get_page_url(self, publication: Publication) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("public:detail", args=[publication.pk])
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snippet(self, publication: Publication) -> str | None:
        q = self.context.get("q")
        return str(search.snippet(publication, q)) if q else None


# A reply with its public text, as plain text and as the published HTML.
class PublicReplyDetailSerializer(PublicReplySerializer):
    body_text = serializers.SerializerMethodField(help_text="答复正文(纯文本,每段一行)。")
    body_html = serializers.CharField(
        source="body",
        help_text="答复正文(HTML,即网站上公开的文本,已隐去提出人联系方式并做过安全过滤)。",
    )

    class Meta(PublicReplySerializer.Meta):
        fields = [f for f in PublicReplySerializer.Meta.fields if f != "snippet"] + [
            "body_text",
            "body_html",
        ]

    def get_body_text(self, publication: Publication) -> str:
        return to_plain(publication.body)


# -- pagination -------------------------------------------------------------------------


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)


class DateCursorPagination(CursorPagination):
    """Cursor pages in the list's date order: ``-published_on, -id`` or, sorted
    oldest first, ``published_on, id`` (the order ``public.filtered`` gave the list).

    DRF's cursor marks its place by the first ordering field alone and counts an offset
    among the rows that share it; a day can bring hundreds of replies (an import, the
    end of a session), so here the place is the date and the id together
    (``2026-03-05.123``) and the next page starts strictly after it.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = public.SORTS["new"]
    invalid_cursor_message = "翻页游标无效,请使用上一次响应中的 next 或 previous 链接。"

    def get_ordering(self, request, queryset, view):
        ordering = tuple(queryset.query.order_by)
        if ordering not in public.SORTS.values():
            raise ImproperlyConfigured(f"not a public list order: {ordering}")
        return ordering

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                self._place(cursor.position)
        except (NotFound, ValueError) as bad:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from bad
        return cursor

    @staticmethod
    def _place(position: str) -> tuple[datetime.date, int]:
        day, _, pk = position.rpartition(".")
        return datetime.date.fromisoformat(day), int(pk)

    def _get_position_from_instance(self, instance, ordering):
        return f"{instance.published_on.isoformat()}.{instance.pk}"

    def _after(self, position: str, ascending: bool) -> Q:
        """The rows that come after ``position`` in a query ordered ascending or not."""
        day, pk = self._place(position)
        if ascending:
            return Q(published_on__gte=day) & (Q(published_on__gt=day) | Q(pk__gt=pk))
        return Q(published_on__lte=day) & (Q(published_on__lt=day) | Q(pk__lt=pk))

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's own method, with the place compared on (date, id) instead of its first field.
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        offset, reverse, position = self.cursor or (0, False, None)
        order = _reversed(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*order)
        if position is not None:
            queryset = queryset.filter(self._after(position, ascending=order[0][0] != "-"))
        results = list(queryset[offset : offset + self.page_size + 1])
        self.page = results[: self.page_size]
        following = (
            self._get_position_from_instance(results[-1], self.ordering)
            if len(results) > len(self.page)
            else None
        )
        earlier = position is not None or offset > 0
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = earlier, following is not None
            self.next_position, self.previous_position = position, following
        else:
            self.has_next, self.has_previous = following is not None, earlier
            self.next_position, self.previous_position = following, position
        return self.page


class SearchPagination(Pagination):
    """Numbered pages over a search's ranked pool, told its size (no ``COUNT``)."""

    def __init__(self, count: int | None = None):
        self.count = count

    def django_paginator_class(self, object_list, per_page):
        return public.CountedPaginator(object_list, per_page, count=self.count)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as bad:
            raise ValidationError({self.page_query_param: [self.invalid_page_message]}) from bad


class PublicReplyPagination(BasePagination):
    """The public list's pages: by cursor without ``q``, by number over the pool with it.

    The response carries ``count`` (``null`` when only counting the table would tell:
    two or more filters together, without ``q``), ``explanation`` (with ``q``),
    ``next``, ``previous`` and ``results``.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.listing: public.Listing = view.listing
        self.pages = (
            SearchPagination(self.listing.count) if self.listing.q else DateCursorPagination()
        )
        return self.pages.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.listing.count,
                "explanation": self.listing.form.explanation if self.listing.q else None,
                "next": self.pages.get_next_link(),
                "previous": self.pages.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "explanation", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": (
                        f"符合条件的答复数。有关键词时为检索结果数(至多 {search.POOL});"
                        "无关键词且同时使用两个及以上筛选条件时为 null(不另行计数)。"
                    ),
                },
                "explanation": {
                    "type": "string",
                    "nullable": True,
                    "description": (
                        "有关键词时:检索结果的说明(共找到几条;没有结果时说明检索了哪些词、"
                        "可以怎样调整);无关键词时为 null。"
                    ),
                },
                "next": link | {"description": "下一页的地址;已是最后一页时为 null。"},
                "previous": link | {"description": "上一页的地址;已是第一页时为 null。"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "翻页游标(无关键词时),取自上一次响应的 next 或 previous 链接。",
                "schema": {"type": "string"},
            },
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": f"页码(有关键词时),从 1 开始;检索结果至多 {search.POOL} 条。",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"每页条数,默认 {PAGE_SIZE},最多 {MAX_PAGE_SIZE}。",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


# -- the endpoints ----------------------------------------------------------------------

FILTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description=(
            "关键词,多个词以空格分隔,须全部匹配;加引号的短语须原样出现;"
            "也可以检索建议提案编号和索引号。繁体字按简体检索。有关键词时按相关度排序。"
        ),
    ),
    OpenApiParameter("agency", int, description="承办单位编号(答复中 agency.id)。"),
    OpenApiParameter(
        "year",
        int,
        description=f"发布年份,如 2023;{public.FIRST_YEAR} 年至明年。",
    ),
    OpenApiParameter("session", str, description="会议,如“市政协十二届二次会议”。"),
    OpenApiParameter("category", str, description="办理结果,如“解决采纳”。"),
    OpenApiParameter("topic", int, description="主题分类编号(答复中 topic.id)。"),
    OpenApiParameter(
        "sort",
        str,
        enum=["new", "old"],
        description=(
            "排序:new 发布日期从新到旧,old 发布日期从旧到新;不填时有关键词按相关度、"
            "无关键词按发布日期从新到旧。"
        ),
    ),
]


NAMES_NOTHING = {
    "agency": "没有编号为“{value}”的承办单位。",
    "topic": "没有编号为“{value}”的主题分类。",
    "session": "没有名为“{value}”的会议。",
    "category": "没有名为“{value}”的办理结果。",
    "year": "“{value}”不是可选的年份:请填写 {first} 至 {last} 之间的年份,如 2023。",
}


def _problem(name: str, error) -> str:
    if error.code == "invalid_choice" and name == "sort":
        return "排序只能是 new(发布日期从新到旧)或 old(发布日期从旧到新),或不填。"
    if error.code == "invalid_choice":
        value = (error.params or {}).get("value", "")
        return NAMES_NOTHING[name].format(
            value=value, first=public.FIRST_YEAR, last=public.last_year()
        )
    return " ".join(error.messages)


def public_listing(data) -> public.Listing:
    """The public list ``data`` asks for: empty for a filter value that names something no
    published reply has yet, a 400 for one that names nothing."""
    form = public.ReplyFilter(data or None, facets=public.facets(), beyond_facets=True)
    if form.is_bound and not form.is_valid():
        with translation.override(settings.LANGUAGE_CODE):
            raise ValidationError(
                {
                    name: [_problem(name, error) for error in errors]
                    for name, errors in form.errors.as_data().items()
                }
            )
    return public.filtered(data, beyond_facets=True)


@extend_schema(tags=["答复公开"])
class PublicReplyViewSet(viewsets.ReadOnlyModelViewSet):
    """The published replies, for anyone, without signing in."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, UserThrottle]
    pagination_class = PublicReplyPagination
    filter_backends = []  # ``public.filtered`` applies the filters

    def get_queryset(self) -> QuerySet:
        return (
            Publication.objects.public()
            .select_related("agency", "topic__parent")
            .defer(*STAFF_ONLY)
        )

    def get_serializer_class(self):
        return PublicReplyDetailSerializer if self.action == "retrieve" else PublicReplySerializer

    def get_serializer_context(self):
        listing = getattr(self, "listing", None)
        return super().get_serializer_context() | {"q": listing.q if listing else ""}

    @extend_schema(
        summary="已公开的答复",
        description=(
            "已公开(且未撤回)的建议提案答复,筛选条件与门户网站的答复列表相同,可以组合使用;"
            "筛选值所指的单位、主题、会议或办理结果存在"
            f"(或年份在 {public.FIRST_YEAR} 年至明年之间)"
            "但还没有已公开的答复时,返回空列表;筛选值不指向任何对象时返回 400,"
            "fields 中指明参数。无关键词时按发布日期排序,"
            f"以游标翻页(cursor);有关键词时按相关度排序(至多 {search.POOL} 条),以页码翻页(page),"
            "并返回 explanation 和每条的 snippet。列表不含正文(body_text、body_html),"
            "正文见单条答复。匿名访问有频率限制,超出时返回 429 和 Retry-After。"
        ),
        parameters=FILTER_PARAMETERS,
    )
    def list(self, request, *args, **kwargs):
        self.listing = public_listing(request.query_params)
        replies = self.listing.replies.defer(*STAFF_ONLY)
        if not self.listing.q:  # the snippet needs the body; the list does not
            replies = replies.defer("body")
        page = self.paginate_queryset(replies)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="一件已公开的答复",
        description=(
            "答复的公开信息(索引号、公开方式、发文字号、成文日期、发布日期、发布机构、"
            "主题分类、体裁分类)、所答复的建议提案和正文。未公开、已撤回或不存在时返回 404。"
        ),
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
