"""往年相似建议提案 and 重复提出 in the API, beside the items' own endpoints:

- ``GET /api/v1/proposals/similar/?title=&body=`` the earlier items most like a draft's text;
- ``GET /api/v1/proposals/<id>/similar/`` the earlier items most like an item;
- ``GET /api/v1/proposals/<id>/repeats/`` an item's repeat marks, and the steps
  ``POST …/mark-repeat/`` and ``POST …/unmark-repeat/`` (committee staff).

What each caller finds is ``proposals.similarity.visible_items``: the items their pages
show and the items with a published reply; a reply is the published one, else the letter
as sent when they may read it. An item they may not see is a 404, as on the pages.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services, similarity
from .api import (
    ACTION_REFUSALS,
    SessionSummarySerializer,
    _does_not_exist,
    note_field,
    refusals,
)
from .models import Proposal, Session, Topic

# -- what the API shows -------------------------------------------------------------------


class PrecedentReplySerializer(serializers.Serializer):
    published = serializers.BooleanField(
        help_text="true 为已公开的答复(公开文本);false 为发给提出人的答复函,仅有权查看者可见。"
    )
    kind_label = serializers.CharField(help_text="“公开答复”或“答复函”。")
    agency = serializers.CharField(help_text="答复单位(简称)。")
    result = serializers.CharField(help_text="办理结果分类;没有时为空字符串。")
    on = serializers.DateField(allow_null=True, help_text="发布日期或答复日期。")
    url = serializers.CharField(help_text="阅读这份答复的网页地址。")


class PrecedentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="proposal.pk", help_text="建议提案编号(接口中的 id)。")
    number = serializers.CharField(source="proposal.number", help_text="编号,如“310”。")
    title = serializers.CharField(source="proposal.title", help_text="标题。")
    kind = serializers.ChoiceField(
        source="proposal.kind",
        choices=Proposal.Kind.choices,
        help_text="类别:suggestion 建议,proposal 提案。",
    )
    session = SessionSummarySerializer(source="proposal.session", help_text="会议。")
    year = serializers.IntegerField(
        allow_null=True, help_text="会议年度(未定开幕日期时为提交年份)。"
    )
    status = serializers.ChoiceField(
        source="proposal.status", choices=Proposal.Status.choices, help_text="状态。"
    )
    lead_proposer = serializers.CharField(
        source="proposal.lead_proposer.name", help_text="领衔人姓名或集体名称。"
    )
    lead_agency = serializers.CharField(help_text="主办(或分办)单位;尚未交办时为空字符串。")
    result = serializers.CharField(help_text="办理结果分类;尚无答复时为所处状态。")
    same_session = serializers.BooleanField(
        help_text="是否与所查的件同一次会议(排在其他会议之后)。"
    )
    score = serializers.FloatField(help_text="相似程度(所含关键词的权重之和),越大越相似。")
    page_url = serializers.CharField(
        source="url", help_text="该件的网页地址;无权打开该件时为空字符串(可阅读其公开答复)。"
    )
    replies = PrecedentReplySerializer(many=True, help_text="可阅读的答复,公开答复在前。")


class OtherItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="建议提案编号(接口中的 id)。")
    number = serializers.CharField(help_text="编号。")
    title = serializers.CharField(help_text="标题。")
    session = SessionSummarySerializer(help_text="会议。")


class RepeatSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="link.pk", help_text="标记编号。")
    direction = serializers.SerializerMethodField(
        help_text="earlier:本件重复提出 other(other 在前);later:other 重复提出本件。"
    )
    other = OtherItemSerializer(help_text="另一件建议提案。")
    text = serializers.CharField(
        help_text="中文叙述,如“本件重复提出市政协十一届四次会议第310号《…》”。"
    )
    note = serializers.CharField(source="link.note", help_text="标记时的说明;没有时为空字符串。")
    marked_at = serializers.DateTimeField(source="link.marked_at", help_text="标记时间。")
    page_url = serializers.CharField(
        source="url", help_text="另一件的网页地址,或其公开答复的地址;都不可阅读时为空字符串。"
    )

    def get_direction(self, view) -> str:
        return "earlier" if view.earlier else "later"


# -- what the requests take ----------------------------------------------------------------


def _limit_field():
    return serializers.IntegerField(
        required=False,
        default=similarity.LIMIT,
        min_value=1,
        max_value=similarity.MAX_LIMIT,
        help_text=f"至多列出几件,默认 {similarity.LIMIT},最多 {similarity.MAX_LIMIT}。",
    )


class SimilarQuerySerializer(serializers.Serializer):
    limit = _limit_field()


class SimilarTextQuerySerializer(serializers.Serializer):
    title = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="草稿标题。"
    )
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=similarity.MAX_TEXT,
        help_text="草稿正文。",
    )
    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="草稿所属会议的编号:同一次会议的件排在其他会议之后。",
        error_messages=_does_not_exist("会议"),
    )
    topic = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="草稿的主题分类编号:同一大类的件排名靠前。",
        error_messages=_does_not_exist("主题分类"),
    )
    exclude = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="草稿已保存时,其建议提案编号:不列出它本身。",
    )
    limit = _limit_field()

    def validate(self, data):
        if not (data["title"].strip() or data["body"].strip()):
            raise serializers.ValidationError({"title": ["请填写标题或正文(title 或 body)。"]})
        return data


class FindableProposalField(serializers.PrimaryKeyRelatedField):
    """An item the caller may find as an earlier item; any other id is refused as if it
    did not exist."""

    def get_queryset(self) -> QuerySet:
        return similarity.visible_items(self.context["request"].user)


def _earlier_field():
    return FindableProposalField(
        queryset=Proposal.objects.all(),  # the schema's type; each request its own
        help_text="此前提出的那件建议提案的编号(接口中的 id),如相似件列表中的 id。",
        error_messages=_does_not_exist("建议提案"),
    )


class MarkRepeatSerializer(serializers.Serializer):
    earlier = _earlier_field()
    note = note_field("说明,如两件的相同之处;记入两件的办理记录。")


class UnmarkRepeatSerializer(serializers.Serializer):
    earlier = _earlier_field()
    reason = serializers.CharField(
        max_length=2000, help_text="取消标记的理由(至少 4 个字),记入两件的办理记录。"
    )


# -- the endpoints ---------------------------------------------------------------------------

SIMILAR_RULES = (
    "委员会工作人员看到本委员会的件及所有已公开答复的件;承办单位人员看到交办给本单位的件"
    "(含本单位的答复函)及已公开答复的件;提出人看到本人的件及已公开答复的件。"
    "草稿和已撤回的件不列出。答复为公开文本;未公开的答复函只对有权查看者列出。"
)


@extend_schema(tags=["建议提案"])
class PrecedentViewSet(viewsets.GenericViewSet):
    """The items' similar-items lookups and repeat marks."""

    serializer_class = PrecedentSerializer
    queryset = Proposal.objects.none()  # what the schema reads; each request its own
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self) -> QuerySet:
        return Proposal.objects.visible_to(self.request.user)

    def _query(self, serializer_class) -> dict:
        serializer = serializer_class(
            data=self.request.query_params, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _repeats(self, proposal: Proposal) -> Response:
        views = similarity.repeats_for(proposal, self.request.user)
        return Response(RepeatSerializer(views, many=True).data)

    @extend_schema(
        operation_id="v1_proposals_similar_to_text",
        summary="往年相似建议提案(按草稿文字)",
        description="与一段草稿文字(标题、正文)最相似的此前提出的建议提案及其答复,"
        "其他会议的在前,同一会议的在后。" + SIMILAR_RULES + "标题和正文都为空时返回 400。",
        parameters=[SimilarTextQuerySerializer],
        responses={200: PrecedentSerializer(many=True), **refusals(400)},
    )
    @action(detail=False, methods=["get"], url_path="similar", url_name="similar-text")
    def similar_text(self, request):
        data = self._query(SimilarTextQuerySerializer)
        found = similarity.similar_to(
            data["body"],
            request.user,
            title=data["title"],
            session_id=data["session"].pk if data["session"] else None,
            topic_id=data["topic"].pk if data["topic"] else None,
            exclude=data["exclude"],
            limit=data["limit"],
        )
        return Response(PrecedentSerializer(found, many=True).data)

    @extend_schema(
        operation_id="v1_proposals_similar_to_item",
        summary="往年相似建议提案",
        description="与本件最相似的、在本件之前提出的建议提案及其答复,其他会议的在前。"
        + SIMILAR_RULES
        + "本人不可见或不存在时返回 404。",
        parameters=[SimilarQuerySerializer],
        responses={200: PrecedentSerializer(many=True), **refusals(400, 404)},
    )
    @action(detail=True, methods=["get"])
    def similar(self, request, pk=None):
        proposal = self.get_object()
        data = self._query(SimilarQuerySerializer)
        found = similarity.similar_to(proposal, request.user, limit=data["limit"])
        return Response(PrecedentSerializer(found, many=True).data)

    @extend_schema(
        summary="重复提出",
        description="本件的重复提出标记(本件重复提出此前的件,或此后的件重复提出本件),"
        "只列出另一件本人也可查看(或已公开答复)的;本人不可见或不存在时返回 404。",
        responses={200: RepeatSerializer(many=True), **refusals(404)},
    )
    @action(detail=True, methods=["get"])
    def repeats(self, request, pk=None):
        return self._repeats(self.get_object())

    @extend_schema(
        summary="标记重复提出",
        description="委员会工作人员标记本件重复提出此前的一件(earlier);同一对只能标记一次,"
        "不能标记本件自身或在本件之后提出的件(400)。草稿和已撤回的件不能标记(409)。"
        "两件的办理记录各记一条;两件的答复都已公开时,公开页面互相链接。返回本件的重复提出标记。",
        request=MarkRepeatSerializer,
        responses={200: RepeatSerializer(many=True), **ACTION_REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="mark-repeat")
    def mark_repeat(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(MarkRepeatSerializer)
        services.proposal_mark_repeat(
            proposal=proposal, earlier=data["earlier"], note=data["note"], by=request.user
        )
        return self._repeats(proposal)

    @extend_schema(
        summary="取消重复提出标记",
        description="委员会工作人员取消“本件重复提出 earlier”的标记,写明理由;"
        "标记留有记录,两件的办理记录各记一条。返回本件的重复提出标记。",
        request=UnmarkRepeatSerializer,
        responses={200: RepeatSerializer(many=True), **ACTION_REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="unmark-repeat")
    def unmark_repeat(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(UnmarkRepeatSerializer)
        services.proposal_unmark_repeat(
            proposal=proposal, earlier=data["earlier"], reason=data["reason"], by=request.user
        )
        return self._repeats(proposal)


__all__ = ["PrecedentViewSet"]
