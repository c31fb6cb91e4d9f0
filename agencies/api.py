"""The API's ``/api/v1/agencies/``: the agencies items may be assigned to, for anyone signed in."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .models import Agency


class AgencySummarySerializer(serializers.Serializer):
    # An agency where another record names it. (A docstring would show in the schema.)

    id = serializers.IntegerField(help_text="承办单位编号。")
    name = serializers.CharField(help_text="单位名称。")
    display_name = serializers.CharField(help_text="简称(没有简称时为全称),如“市民政局”。")


class AgencyDetailSerializer(AgencySummarySerializer):
    short_name = serializers.CharField(help_text="简称;没有时为空字符串。")
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="上级单位编号;没有时为 null。"
    )
    contact_name = serializers.CharField(help_text="答复函所署联系人。")
    contact_phone = serializers.CharField(help_text="答复函所署联系电话。")


class AgencyFilter(filters.FilterSet):
    q = filters.CharFilter(
        label="单位名称或简称",
        method="search",
        max_length=100,
        help_text="单位名称或简称中的文字。",
    )

    class Meta:
        model = Agency
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


@extend_schema(tags=["基础数据"])
@extend_schema_view(
    list=extend_schema(
        summary="承办单位",
        description="启用中的承办单位,按名称排序;交办、同意调整时以其编号指定单位。任何登录用户可读。",
    ),
    retrieve=extend_schema(
        summary="一个承办单位", description="启用中的承办单位;已停用或不存在时返回 404。"
    ),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencyDetailSerializer
    filterset_class = AgencyFilter
    queryset = Agency.objects.filter(is_active=True).order_by("name", "id")
