"""The API's ``/api/v1/notifications/``: the caller's own inbox, as ``/inbox/`` shows it."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import clock

from .models import Notification


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="消息编号。")
    title = serializers.CharField(source="display_title", help_text="标题。")
    body = serializers.CharField(source="display_body", help_text="内容。")
    link = serializers.CharField(
        help_text="所涉事项在平台上的网页地址(站内路径);没有时为空字符串。"
    )
    proposal = serializers.IntegerField(
        source="proposal_id", allow_null=True, help_text="所涉建议提案编号;没有时为 null。"
    )
    created_at = serializers.DateTimeField(help_text="时间。")
    read_at = serializers.DateTimeField(allow_null=True, help_text="已读时间;未读时为 null。")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="本次标为已读的消息数。")


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="为 true 时只列未读消息。"
    )

    class Meta:
        model = Notification
        fields = ["unread"]


@extend_schema(tags=["消息"])
@extend_schema_view(
    list=extend_schema(
        summary="我的消息", description="本人的消息,最新的在前;unread=true 只列未读。"
    ),
    retrieve=extend_schema(summary="一条消息", description="本人的一条消息;他人的消息返回 404。"),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return Notification.objects.none()
        return Notification.objects.for_display().filter(recipient=user)

    @extend_schema(
        summary="标为已读",
        description="把本人的一条消息标为已读(已读的不变),返回该消息。",
        request=None,
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = clock.now()
            Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="全部标为已读",
        description="把本人的全部未读消息标为已读,返回标记的条数。",
        request=None,
        responses=MarkedSerializer,
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        marked = (
            Notification.objects.filter(recipient=request.user).unread().update(read_at=clock.now())
        )
        return Response(MarkedSerializer({"marked": marked}).data)
