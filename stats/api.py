"""The statistics in the API: ``/api/v1/stats/`` (the dashboard's figures, for committee
offices and agencies) and ``/api/v1/public/stats/`` (the public annual summary).

Both read what the pages read (``stats.tables.dashboard``, ``stats.public.summary``). A
filter value that is not a choice is a 400 in the one error shape, naming the parameter.
Every count of ``/api/v1/stats/`` is the number of items ``/api/v1/proposals/`` lists with
the same row's ``filters`` and ``stat`` set to the count's key.
"""

from __future__ import annotations

import rules
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosure.api import AnonThrottle, UserThrottle
from proposals.api import ApiErrorSerializer

from . import export, forms, public, tables
from .figures import RATES

# -- serializers (no docstrings: the schema would show them) ----------------------------


class RateSerializer(serializers.Serializer):
    numerator = serializers.IntegerField(help_text="分子(件)。")
    denominator = serializers.IntegerField(help_text="分母(件)。")
    value = serializers.FloatField(
        allow_null=True, help_text="比率,0 到 1 之间;分母为 0 时为 null。"
    )


class FiguresSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="本行的键:会议、承办单位、主题分类等的编号或代码。")
    label = serializers.CharField(help_text="本行名称。")
    filters = serializers.DictField(
        child=serializers.CharField(),
        help_text="本行的筛选条件:以这些参数加 stat=<数字的键> 查询 /api/v1/proposals/,"
        "即列出该数字所计的件。",
    )
    figures = serializers.DictField(
        child=serializers.IntegerField(), help_text="各项件数,键见 definitions。"
    )
    rates = serializers.DictField(child=RateSerializer(), help_text="各项比率,键见 definitions。")


class TableSerializer(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=list(tables.DIMENSIONS),
        help_text="统计维度:session 会议,body 类别,agency 承办单位,topic 主题分类,"
        "proposer 提出人类型,filed_during 提出时间。",
    )
    title = serializers.CharField(help_text="表名,如“按承办单位统计”。")
    rows = FiguresSerializer(many=True, help_text="各行。")
    total = FiguresSerializer(help_text="合计(按件计,一件只计一次)。")
    notes = serializers.ListField(child=serializers.CharField(), help_text="表注。")


class DefinitionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="键:stat 参数和 figures、rates 中使用。")
    label = serializers.CharField(help_text="名称。")
    kind = serializers.ChoiceField(
        choices=[("count", "件数"), ("rate", "比率")], help_text="count 件数,rate 比率。"
    )
    what = serializers.CharField(help_text="统计口径:计入哪些件。")


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="年月,如 2026-03。")
    count = serializers.IntegerField(help_text="该月送达首次答复的件次。")


class ScopeSerializer(serializers.Serializer):
    description = serializers.CharField(help_text="统计范围的文字说明。")
    session = serializers.IntegerField(allow_null=True, help_text="会议编号。")
    year_from = serializers.IntegerField(allow_null=True, help_text="会议年度起。")
    year_to = serializers.IntegerField(allow_null=True, help_text="会议年度止。")
    body = serializers.CharField(allow_null=True, help_text="npc 人大,cppcc 政协。")
    agency = serializers.IntegerField(
        allow_null=True, help_text="承办单位编号;给出时各数字按该单位的交办计。"
    )
    topic = serializers.IntegerField(allow_null=True, help_text="主题分类编号。")


class StatsSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="数据截至的日期(按此日判断应答复、超期)。")
    generated_at = serializers.DateTimeField(help_text="统计时间。")
    scope = ScopeSerializer(help_text="统计范围。")
    empty = serializers.BooleanField(help_text="范围内没有任何建议提案时为 true。")
    total = FiguresSerializer(help_text="总体情况。")
    tables = TableSerializer(many=True, help_text="各维度的统计表。")
    replies_by_month = MonthSerializer(many=True, help_text="每月送达首次答复的件次。")
    definitions = DefinitionSerializer(many=True, help_text="各项的统计口径。")


class PublicLineSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="会议、年度合计或承办单位名称。")
    accepted = serializers.IntegerField(help_text="立案(登记)件数。")
    replied = serializers.IntegerField(help_text="已答复件数。")
    on_time = RateSerializer(help_text="按期答复率:按期答复 ÷ 已答复。")
    published = serializers.IntegerField(help_text="已公开的答复份数。")
    classes = serializers.DictField(
        child=serializers.IntegerField(), help_text="各办理结果分类的件数,键为分类名称。"
    )


class PublicYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True, help_text="会议年度;未定时为 null。")
    sessions = PublicLineSerializer(many=True, help_text="该年度各次会议。")
    total = PublicLineSerializer(help_text="该年度合计。")


class PublishedYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="发布年度。")
    count = serializers.IntegerField(help_text="该年公开的答复份数(含导入的往年答复)。")


class PublicStatsSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="数据截至的日期。")
    years = PublicYearSerializer(many=True, help_text="各年度各次会议的办理情况。")
    published_by_year = PublishedYearSerializer(many=True, help_text="各年公开的答复份数。")
    agencies = PublicLineSerializer(
        many=True, help_text="各承办单位(按名称排列,不排名);本地未开启时为空列表。"
    )


# -- the data ---------------------------------------------------------------------------


def _line(row, columns) -> dict:
    counts = {c.key: row.value(c) for c in columns if not c.is_rate}
    rates = {}
    for column in columns:
        if column.is_rate:
            part, whole, fraction = row.value(column)
            rates[column.key] = {"numerator": part, "denominator": whole, "value": fraction}
    return {
        "key": row.key,
        "label": row.label,
        "filters": row.filters,
        "figures": counts,
        "rates": rates,
    }


def stats_data(board: tables.Dashboard) -> dict:
    overall = tables.columns(board.classes, per_agency=board.by_agency)
    scope = board.scope
    return {
        "as_of": board.as_of,
        "generated_at": board.generated_at,
        "scope": {
            "description": export.scope_description(board),
            "session": scope.session.pk if scope.session else None,
            "year_from": scope.year_from,
            "year_to": scope.year_to,
            "body": scope.body,
            "agency": scope.agency.pk if scope.agency else None,
            "topic": scope.topic.pk if scope.topic else None,
        },
        "empty": board.empty,
        "total": _line(board.total, overall),
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "rows": [_line(row, table.columns) for row in table.rows],
                "total": _line(table.total, table.columns),
                "notes": table.notes,
            }
            for table in board.tables.values()
        ],
        "replies_by_month": [{"month": f"{month:%Y-%m}", "count": n} for month, n in board.months],
        "definitions": [
            {
                "key": key,
                "label": label,
                "kind": "rate" if key in {r.key for r in RATES} else "count",
                "what": what,
            }
            for key, label, what in tables.definitions(board.classes)
        ],
    }


FILTERS = [
    OpenApiParameter("session", OpenApiTypes.INT, description="会议编号(见 /api/v1/sessions/)。"),
    OpenApiParameter("year_from", OpenApiTypes.INT, description="会议年度起(含),如 2024。"),
    OpenApiParameter("year_to", OpenApiTypes.INT, description="会议年度止(含),不早于起始年度。"),
    OpenApiParameter(
        "body", OpenApiTypes.STR, enum=["npc", "cppcc"], description="npc 人大建议,cppcc 政协提案。"
    ),
    OpenApiParameter(
        "agency",
        OpenApiTypes.INT,
        description="承办单位编号;给出时各数字按该单位的交办计。承办单位人员只能选本单位,"
        "不给出时为本人所在的第一个单位。",
    ),
    OpenApiParameter("topic", OpenApiTypes.INT, description="主题分类编号(含其下级分类)。"),
]


class StatsView(APIView):
    @extend_schema(
        summary="办理情况统计",
        description=(
            "委员会办公室的统计(本机关的件)和承办单位的统计(本单位的交办):按会议、类别、"
            "承办单位、主题分类、提出人类型、提出时间统计交办、答复、办复率、按期办复率、"
            "沟通率、见面率、满意率、办理结果等。每个比率都给出分子和分母;各项口径见 "
            "definitions。用某行的 filters 加 stat=<键> 查询 /api/v1/proposals/,即得该数字"
            "所计的件,件数与该数字一致。筛选值无效时返回 400,fields 中指明参数。"
        ),
        parameters=FILTERS,
        responses={
            200: StatsSerializer,
            403: OpenApiResponse(
                ApiErrorSerializer, description="只有委员会工作人员和承办单位人员可以查看统计。"
            ),
        },
        tags=["统计"],
    )
    def get(self, request):
        if not rules.has_perm("stats.read_statistics", request.user):
            raise PermissionDenied
        form = forms.StatsFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        board = tables.dashboard(request.user, form.scope(), form.catalog())
        return Response(StatsSerializer(stats_data(board)).data)


def _public_line(line, classes) -> dict:
    part, whole, fraction = line.on_time
    return {
        "label": line.label,
        "accepted": line.counts.get("accepted", 0),
        "replied": line.counts.get("replied", 0),
        "on_time": {"numerator": part, "denominator": whole, "value": fraction},
        "published": line.published,
        "classes": {c.label: line.counts.get(c.key, 0) for c in classes},
    }


class PublicStatsView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, UserThrottle]

    @extend_schema(
        summary="办理情况(公开)",
        description=(
            "门户网站“建议提案办理情况”页的数据,无需登录:各年度各次会议的立案(登记)、"
            "已答复、按期答复率、已公开的答复和办理结果件数,以及各年公开的答复份数。只含"
            "件数,不含任何未公开的内容。"
        ),
        responses=PublicStatsSerializer,
        tags=["公开答复"],
    )
    def get(self, request):
        found = public.summary()
        data = {
            "as_of": found.as_of,
            "years": [
                {
                    "year": year.year,
                    "sessions": [_public_line(line, found.classes) for line in year.sessions],
                    "total": _public_line(year.total, found.classes),
                }
                for year in found.years
            ],
            "published_by_year": [
                {"year": year, "count": n} for year, n in found.published_by_year
            ],
            "agencies": [_public_line(line, found.classes) for line in found.agencies],
        }
        return Response(PublicStatsSerializer(data).data)
