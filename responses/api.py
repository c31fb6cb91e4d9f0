"""The reply side of the API: co-handling opinions, contact records, reply letters, and the
proposers' ratings (``/api/v1/opinions/``, ``contacts/``, ``letters/``, ``result-categories/``,
``assignments/<id>/rate/`` and ``assignments/<id>/rehandle/``).

Everything is read through the models' ``visible_to``, so what the caller may not see is a
404, as on the pages. Every change is one call of the service the page calls
(``responses.services``): the services decide who may take a step (403) and whether the
item's state allows it (409); these views only find the object and check the shape of what
was sent (400).

Serializers carry comments, not docstrings: the schema would show a docstring to API users.
"""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals.api import ACTION_REFUSALS, refusals
from proposals.errors import TransitionNotAllowed
from proposals.models import Assignment, Proposer
from proposals.selectors import can

from . import services
from .models import CoHandlingOpinion, ContactLog, Feedback, ReplyLetter, ResultCategory

# What one request may carry; a real letter is a few thousand characters.
BODY_MAX = 100_000
TEXT_MAX = 5_000


# -- what the responses show ------------------------------------------------------------


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="承办单位编号。")
    name = serializers.CharField(help_text="承办单位名称。")


class ProposalRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="建议提案编号(接口中的 id)。")
    kind = serializers.CharField(source="get_kind_display", help_text="类别:建议或提案。")
    session = serializers.CharField(
        source="session.label", help_text="会议,如“市政协十二届二次会议”。"
    )
    number = serializers.CharField(help_text="建议提案的编号,如“607”。")
    title = serializers.CharField(help_text="标题。")


class ResultCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultCategory
        fields = ["id", "body", "code", "name", "description", "needs_follow_up"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "办理结果分类编号,起草或修改答复函时作为 result_category 提交。"},
            "body": {"help_text": "所属:npc 人大(建议),cppcc 政协(提案)。"},
            "code": {"help_text": "代码,如 A。"},
            "name": {"help_text": "名称,如“解决采纳”。"},
            "description": {"help_text": "说明。"},
            "needs_follow_up": {"help_text": "是否须跟踪落实(正在解决、计划解决)。"},
        }


class _OnAssignment(serializers.Serializer):
    # The assignment a record belongs to, its item and its agency.
    assignment = serializers.IntegerField(source="assignment_id", help_text="交办编号。")
    proposal = ProposalRefSerializer(source="assignment.proposal", help_text="所属建议提案。")
    agency = AgencyRefSerializer(source="assignment.agency", help_text="承办单位。")


class OpinionSerializer(_OnAssignment, serializers.ModelSerializer):
    author = serializers.StringRelatedField(help_text="提交人姓名。")

    class Meta:
        model = CoHandlingOpinion
        fields = [
            "id",
            "assignment",
            "proposal",
            "agency",
            "round",
            "body",
            "author",
            "submitted_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "会办意见编号。"},
            "round": {"help_text": "办理轮次:1 为首次办理,重新办理依次加 1。"},
            "body": {"help_text": "会办意见内容(纯文本)。"},
            "submitted_at": {"help_text": "提交时间。"},
        }


class ContactSerializer(_OnAssignment, serializers.ModelSerializer):
    way_display = serializers.CharField(source="get_way_display", help_text="沟通方式的名称。")
    is_face_to_face = serializers.BooleanField(
        help_text="是否为见面沟通(面商、座谈、走访),计入见面率。"
    )
    logged_by = serializers.StringRelatedField(help_text="记录人姓名。")

    class Meta:
        model = ContactLog
        fields = [
            "id",
            "assignment",
            "proposal",
            "agency",
            "contacted_on",
            "way",
            "way_display",
            "is_face_to_face",
            "people",
            "summary",
            "logged_by",
            "logged_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "沟通记录编号。"},
            "contacted_on": {"help_text": "沟通日期。"},
            "way": {"help_text": "沟通方式代码。"},
            "people": {"help_text": "参加人员。"},
            "summary": {"help_text": "沟通情况。"},
            "logged_at": {"help_text": "记录时间。"},
        }


class PublicationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="公开答复编号,即 /api/v1/public/replies/{id}/。")
    index_number = serializers.CharField(help_text="索引号。")
    published_on = serializers.DateField(help_text="发布日期。")
    withdrawn = serializers.SerializerMethodField(help_text="是否已撤回公开。")

    def get_withdrawn(self, publication) -> bool:
        return hasattr(publication, "withdrawal")


DRAFTS_ONLY = ("version", "generation", "generation_error", "return_comment", "drafted_by")
DRAFTS_ONLY_NOTE = "仅本单位人员和委员会工作人员可见(与网页相同),其他人为 null。"


class LetterSerializer(_OnAssignment, serializers.ModelSerializer):
    # A letter in a list: its state and metadata, without the text.
    status_display = serializers.CharField(
        source="get_status_display", help_text="状态的名称,如“待审核”。"
    )
    result_category = ResultCategorySerializer(
        allow_null=True, help_text="办理结果分类;尚未确定时为 null。"
    )
    disclosure_display = serializers.CharField(
        source="get_disclosure_display", help_text="公开方式的名称。"
    )
    approved_by = serializers.StringRelatedField(
        allow_null=True, help_text="签发人姓名;未签发时为 null。"
    )
    drafted_by = serializers.StringRelatedField(
        allow_null=True, help_text=f"起草人姓名。{DRAFTS_ONLY_NOTE}"
    )
    publication = PublicationRefSerializer(
        allow_null=True, read_only=True, help_text="答复公开的情况;尚未公开时为 null。"
    )

    class Meta:
        model = ReplyLetter
        fields = [
            "id",
            "assignment",
            "proposal",
            "agency",
            "round",
            "status",
            "status_display",
            "result_category",
            "disclosure",
            "disclosure_display",
            "nondisclosure_reason",
            "document_number",
            "version",
            "generation",
            "written_on",
            "drafted_by",
            "created_at",
            "updated_at",
            "approved_by",
            "approved_at",
            "sent_at",
            "publication",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "答复函编号。"},
            "round": {"help_text": "办理轮次:1 为首次办理,重新办理依次加 1。"},
            "status": {
                "help_text": "状态:draft 草稿,pending 待审核,returned 退回修改,"
                "approved 已签发,sent 已答复。"
            },
            "disclosure": {
                "help_text": "公开方式:public 主动公开,on_request 依申请公开,withheld 不予公开。"
            },
            "nondisclosure_reason": {"help_text": "不予公开的理由。"},
            "document_number": {"help_text": "发文字号。"},
            "version": {
                "help_text": "版本号,每次保存加 1;修改时作为 version 提交,用于发现他人的修改。"
                + DRAFTS_ONLY_NOTE,
                "allow_null": True,
            },
            "generation": {
                "help_text": "按模板生成草稿的进度:空字符串 手工起草,queued 等待生成,"
                "done 已生成,failed 生成失败。" + DRAFTS_ONLY_NOTE,
                "allow_null": True,
            },
            "written_on": {"help_text": "成文日期(签发时确定)。"},
            "created_at": {"help_text": "起草时间。"},
            "updated_at": {"help_text": "最后修改时间。"},
            "approved_at": {"help_text": "签发时间;未签发时为 null。"},
            "sent_at": {"help_text": "答复(发送提出人)时间;未答复时为 null。"},
        }

    def to_representation(self, letter):
        data = super().to_representation(letter)
        if not can(self.context["request"].user, "responses.view_drafts", letter):
            data.update(dict.fromkeys(set(DRAFTS_ONLY) & set(data)))
        return data


class LetterDetailSerializer(LetterSerializer):
    # A letter with its text and the working notes its readers may see.
    body_html = serializers.CharField(
        source="body",
        help_text="答复正文(HTML:段落、加粗、斜体、下划线、列表;"
        '<span class="redact"> 标出公开时隐去的文字),已做安全过滤。',
    )
    return_comment = serializers.CharField(
        allow_null=True, help_text=f"负责人最近一次退回时的意见。{DRAFTS_ONLY_NOTE}"
    )
    generation_error = serializers.CharField(
        allow_null=True, help_text=f"按模板生成失败的原因。{DRAFTS_ONLY_NOTE}"
    )

    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "body_html", "return_comment", "generation_error"]
        read_only_fields = fields


class RevisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="版本号。")
    body_html = serializers.CharField(source="body", help_text="该版本的答复正文(HTML)。")
    result_category = ResultCategorySerializer(
        allow_null=True, help_text="该版本的办理结果分类;未确定时为 null。"
    )
    disclosure = serializers.ChoiceField(
        choices=ReplyLetter.Disclosure.choices, help_text="该版本的公开方式。"
    )
    saved_by = serializers.StringRelatedField(
        allow_null=True,
        help_text="保存人姓名;平台按模板生成的版本为 null。",
    )
    saved_at = serializers.DateTimeField(help_text="保存时间。")
    note = serializers.CharField(help_text="说明,如“起草”“按模板生成”。")


class ProposerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="提出人编号。")
    name = serializers.CharField(help_text="姓名或集体名称。")


class FeedbackSerializer(serializers.ModelSerializer):
    proposer = ProposerRefSerializer(help_text="评价人(提出人)。")
    rating_display = serializers.CharField(source="get_rating_display", help_text="评价的名称。")

    class Meta:
        model = Feedback
        fields = [
            "id",
            "reply",
            "proposer",
            "rating",
            "rating_display",
            "comment",
            "channel",
            "rated_at",
            "paper_dated_on",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "评价编号。"},
            "reply": {"help_text": "所评价的答复函编号。"},
            "rating": {"help_text": "评价:satisfied 满意,basically 基本满意,dissatisfied 不满意。"},
            "comment": {"help_text": "意见。"},
            "channel": {"help_text": "方式:online 网上评价,paper 书面征询意见表(工作人员录入)。"},
            "rated_at": {"help_text": "评价时间(书面评价为录入时间)。"},
            "paper_dated_on": {
                "help_text": "书面征询意见表上的日期;网上评价为 null。",
            },
        }


class AssignmentStateSerializer(serializers.ModelSerializer):
    # An assignment after a step: where it now stands.
    proposal = ProposalRefSerializer(help_text="所属建议提案。")
    agency = AgencyRefSerializer(help_text="承办单位。")
    status_display = serializers.CharField(source="get_status_display", help_text="状态的名称。")

    class Meta:
        model = Assignment
        fields = ["id", "proposal", "agency", "mode", "status", "status_display", "round"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "交办编号。"},
            "mode": {"help_text": "办理方式:lead 主办,co 会办,split 分办,reference 参阅。"},
            "status": {"help_text": "交办状态,如 handling 办理中,replied 已答复。"},
            "round": {"help_text": "办理轮次:重新办理后加 1。"},
        }


# -- what the requests carry ------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisibleAssignmentField(serializers.PrimaryKeyRelatedField):
    """An assignment the caller may see; any other id reads as one that does not exist."""

    default_error_messages = {
        "required": "请填写交办编号。",
        "does_not_exist": "没有编号为 {pk_value} 的交办,或您无权查看。",
        "incorrect_type": "交办编号应为整数。",
    }

    def get_queryset(self):
        user = self.context["request"].user
        return Assignment.objects.visible_to(user).select_related("agency", "proposal")


class CategoryField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "没有编号为 {pk_value} 的办理结果分类,或该分类已停用。",
        "incorrect_type": "办理结果分类编号应为整数。",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ResultCategory.objects.filter(is_active=True))
        kwargs.setdefault(
            "help_text",
            "办理结果分类编号(见 /api/v1/result-categories/),须为本类别(建议或提案)的分类;"
            "签发前须确定。",
        )
        super().__init__(**kwargs)


DISCLOSURE_HELP = (
    "公开方式:public 主动公开,on_request 依申请公开,"
    "withheld 不予公开(须填写 nondisclosure_reason)。"
)
BODY_HELP = (
    "答复正文:HTML(<p>、<strong>、<em>、<u>、<ol>/<ul>/<li>、<br>,"
    '以 <span class="redact"> 标出公开时隐去的文字)或纯文本(每行一段)。'
    "保存时做安全过滤,其他标记被去掉。"
)


class OpinionSubmitSerializer(serializers.Serializer):
    assignment = VisibleAssignmentField(help_text="本单位的会办交办编号(已签收、办理中)。")
    body = serializers.CharField(max_length=TEXT_MAX * 4, help_text="会办意见内容,送主办单位。")


class ContactLogSerializer(serializers.Serializer):
    assignment = VisibleAssignmentField(help_text="本单位主办或分办、办理中的交办编号。")
    contacted_on = serializers.DateField(
        help_text="沟通日期,如 2026-11-20;不早于交办、不晚于今天。"
    )
    way = serializers.ChoiceField(
        choices=ContactLog.Way.choices,
        help_text="沟通方式:face 面商,forum 座谈,visit 走访,phone 电话,"
        "online 网络/视频,letter 书面。",
    )
    people = serializers.CharField(max_length=300, help_text="参加人员。")
    summary = serializers.CharField(max_length=TEXT_MAX, help_text="沟通情况。")


class LetterDraftSerializer(serializers.Serializer):
    assignment = VisibleAssignmentField(help_text="本单位主办或分办、办理中的交办编号。")
    generate = serializers.BooleanField(
        default=False,
        help_text="为 true 时按本单位的答复函模板在后台生成草稿(网页上的“按模板生成答复函”),"
        "此时不提交正文;生成进度见答复函的 generation。",
    )
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=BODY_MAX, help_text=BODY_HELP
    )
    result_category = CategoryField(required=False, allow_null=True)
    disclosure = serializers.ChoiceField(
        choices=ReplyLetter.Disclosure.choices,
        default=ReplyLetter.Disclosure.PUBLIC,
        help_text=DISCLOSURE_HELP + "默认 public。",
    )
    nondisclosure_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, help_text="不予公开的理由。"
    )

    def validate(self, data):
        if data["generate"] and data.get("body", "").strip():
            raise serializers.ValidationError(
                {"body": ["按模板生成时不能同时提交正文;请在生成后修改。"]}
            )
        return data


class LetterUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="客户端最后读取到的版本号(答复函的 version)。他人已保存了更新的版本时返回 409"
        "(edit_conflict),修改不保存:请重新读取,合并后以新版本号再提交。",
    )
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=BODY_MAX, help_text=BODY_HELP
    )
    result_category = CategoryField(required=False)
    disclosure = serializers.ChoiceField(
        choices=ReplyLetter.Disclosure.choices, required=False, help_text=DISCLOSURE_HELP
    )
    nondisclosure_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, help_text="不予公开的理由。"
    )
    document_number = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="发文字号。"
    )


class LetterReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=TEXT_MAX, help_text="退回意见:写明需要修改之处。")


class RatingSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Feedback.Rating.choices,
        help_text="评价:satisfied 满意,basically 基本满意,dissatisfied 不满意。",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text="意见;评价为不满意时须写明原因,承办单位据此重新办理。",
    )
    proposer = serializers.PrimaryKeyRelatedField(
        queryset=Proposer.objects.all(),
        required=False,
        allow_null=True,
        help_text="不填写时为本人(提出人)的评价。委员会工作人员录入提出人交回的书面征询意见表时,"
        "填写该提出人的编号。",
        error_messages={
            "does_not_exist": "没有编号为 {pk_value} 的提出人。",
            "incorrect_type": "提出人编号应为整数。",
        },
    )
    paper_dated_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="录入书面征询意见表时,意见表上的日期(不晚于今天、不早于答复日期);"
        "不填为录入当天。网上评价不填。",
        error_messages={"invalid": "日期格式应为 2026-11-20。"},
    )


class RehandleSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, help_text="希望重新办理的内容。"
    )


# -- filters -----------------------------------------------------------------------------


class _ByAssignment(django_filters.FilterSet):
    assignment = django_filters.NumberFilter(help_text="交办编号。")
    proposal = django_filters.NumberFilter(
        field_name="assignment__proposal", help_text="建议提案编号(接口中的 id)。"
    )
    agency = django_filters.NumberFilter(
        field_name="assignment__agency", help_text="承办单位编号。"
    )


class OpinionFilter(_ByAssignment):
    class Meta:
        model = CoHandlingOpinion
        fields = ["assignment", "proposal", "agency"]


class ContactFilter(_ByAssignment):
    class Meta:
        model = ContactLog
        fields = ["assignment", "proposal", "agency"]


class LetterFilter(_ByAssignment):
    status = django_filters.ChoiceFilter(
        choices=ReplyLetter.Status.choices,
        help_text="状态:draft 草稿,pending 待审核,returned 退回修改,approved 已签发,sent 已答复。",
    )

    class Meta:
        model = ReplyLetter
        fields = ["status", "assignment", "proposal", "agency"]


class CategoryFilter(django_filters.FilterSet):
    body = django_filters.ChoiceFilter(
        choices=ResultCategory._meta.get_field("body").choices,
        help_text="所属:npc 人大(建议),cppcc 政协(提案)。",
    )

    class Meta:
        model = ResultCategory
        fields = ["body"]


# -- the endpoints ----------------------------------------------------------------------

ON_ASSIGNMENT = ("assignment__agency", "assignment__proposal__session")
NOT_VISIBLE = "不存在或无权查看时返回 404。"
REFUSALS = (
    "无权进行此操作返回 403;当前状态不允许返回 409(transition_not_allowed);"
    "提交内容有误返回 400,fields 中指明各项问题。"
)


def visible_letters(user):
    """The letters ``user`` may see, with what the serializers read, in constant queries."""
    return (
        ReplyLetter.objects.visible_to(user)
        .select_related(
            *ON_ASSIGNMENT,
            "result_category",
            "drafted_by",
            "approved_by",
            "publication__withdrawal",
        )
        .defer("publication__body")
        .order_by("-updated_at", "-id")
    )


def letter_response(request, letter: ReplyLetter, status_code: int = status.HTTP_200_OK):
    """The letter as it now stands, as its detail shows it, after a step."""
    letter = visible_letters(request.user).get(pk=letter.pk)
    return Response(
        LetterDetailSerializer(letter, context={"request": request}).data, status=status_code
    )


class _ReadAndCreate(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Records read through ``get_queryset`` and made by one service step (``perform_step``).

    ``request_serializer_class`` checks what a POST sends; ``serializer_class`` shows the
    list, ``detail_serializer_class`` one record and what a step made.
    """

    def get_serializer_class(self):
        if self.action == "create":
            return self.request_serializer_class
        if self.action == "list":
            return self.serializer_class
        return getattr(self, "detail_serializer_class", self.serializer_class)

    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self.answer(self.perform_step(incoming.validated_data), status.HTTP_201_CREATED)

    def answer(self, made, status_code: int = status.HTTP_200_OK) -> Response:
        """``made`` as it now stands, as its detail shows it."""
        shown = getattr(self, "detail_serializer_class", self.serializer_class)
        made = self.get_queryset().get(pk=made.pk)
        return Response(shown(made, context=self.get_serializer_context()).data, status=status_code)


@extend_schema(tags=["会办意见"])
@extend_schema_view(
    list=extend_schema(
        summary="会办意见列表",
        description="会办单位送主办单位的会办意见。委员会工作人员、撰写的会办单位和该件的主办"
        "(分办)单位可见,提出人不可见。可按交办、建议提案、承办单位筛选。",
    ),
    retrieve=extend_schema(summary="一条会办意见", description=f"会办意见的内容。{NOT_VISIBLE}"),
    create=extend_schema(
        summary="提交会办意见",
        description="会办单位的经办人或负责人提交已签收交办的会办意见(同网页“会办意见”),"
        f"记入办理记录并送主办单位。交办不存在或无权查看时返回 400。{REFUSALS}",
        request=OpinionSubmitSerializer,
        responses={201: OpinionSerializer, **refusals(400, 403, 409)},
    ),
)
class OpinionViewSet(_ReadAndCreate):
    serializer_class = OpinionSerializer
    request_serializer_class = OpinionSubmitSerializer
    filterset_class = OpinionFilter

    def get_queryset(self):
        return (
            CoHandlingOpinion.objects.visible_to(self.request.user)
            .select_related(*ON_ASSIGNMENT, "author")
            .order_by("-submitted_at", "-id")
        )

    def perform_step(self, data):
        return services.opinion_submit(by=self.request.user, **data)


@extend_schema(tags=["沟通联系"])
@extend_schema_view(
    list=extend_schema(
        summary="沟通联系记录",
        description="承办单位与提出人的沟通记录。委员会工作人员和该件的承办单位可见。"
        "可按交办、建议提案、承办单位筛选。",
    ),
    retrieve=extend_schema(summary="一条沟通联系记录", description=f"沟通记录。{NOT_VISIBLE}"),
    create=extend_schema(
        summary="记录沟通联系",
        description="主办或分办单位记录一次与提出人的沟通(同网页“沟通联系”),记入办理记录;"
        f"面商、座谈、走访计入见面率。交办不存在或无权查看时返回 400。{REFUSALS}",
        request=ContactLogSerializer,
        responses={201: ContactSerializer, **refusals(400, 403, 409)},
    ),
)
class ContactViewSet(_ReadAndCreate):
    serializer_class = ContactSerializer
    request_serializer_class = ContactLogSerializer
    filterset_class = ContactFilter

    def get_queryset(self):
        return (
            ContactLog.objects.visible_to(self.request.user)
            .select_related(*ON_ASSIGNMENT, "logged_by")
            .order_by("-contacted_on", "-id")
        )

    def perform_step(self, data):
        return services.contact_log(by=self.request.user, **data)


@extend_schema(tags=["答复函"])
@extend_schema_view(
    list=extend_schema(
        summary="答复函列表",
        description="委员会工作人员看本委员会的各件答复函,承办单位看本单位的答复函(各个状态),"
        "其他能查看该件的人看已答复的答复函。列表不含正文,正文见单件答复函。"
        "可按状态、交办、建议提案、承办单位筛选,按最后修改时间从新到旧排列。",
    ),
    retrieve=extend_schema(
        summary="一件答复函",
        description="答复函的正文(HTML)、办理结果分类、公开方式、发文字号、状态、轮次、"
        "签发和答复时间、公开情况。版本号、起草人、退回意见和生成进度仅本单位人员和委员会"
        f"工作人员可见。{NOT_VISIBLE}",
    ),
    create=extend_schema(
        summary="起草答复函",
        description="主办或分办单位起草本轮答复函(同网页“自行起草”),或以 generate 按模板在后台"
        "生成(同网页“按模板生成答复函”,返回时 generation 为 queued,生成后为 done 或 failed)。"
        f"每轮一件;记入办理记录。交办不存在或无权查看时返回 400。{REFUSALS}",
        request=LetterDraftSerializer,
        responses={201: LetterDetailSerializer, **refusals(400, 403, 409)},
    ),
    partial_update=extend_schema(
        summary="修改答复函",
        description="保存对草稿或退回的答复函的修改,每次保存留一个版本(修改记录)。须提交最后读取的"
        "version:他人已保存了更新的版本时返回 409(edit_conflict),修改不保存。已签发未发送的"
        "答复函修改后成为新的草稿,须重新审核签发(签发后修改);已答复的不能修改(409)。"
        f"只提交要修改的项。{NOT_VISIBLE}{REFUSALS}",
        request=LetterUpdateSerializer,
        responses={200: LetterDetailSerializer, **ACTION_REFUSALS},
    ),
)
class LetterViewSet(_ReadAndCreate):
    serializer_class = LetterSerializer
    detail_serializer_class = LetterDetailSerializer
    request_serializer_class = LetterDraftSerializer
    filterset_class = LetterFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        letters = visible_letters(self.request.user)
        return letters.defer("body") if self.action == "list" else letters

    def perform_step(self, data):
        return services.reply_draft(by=self.request.user, **data)

    def partial_update(self, request, *args, **kwargs):
        letter = self.get_object()
        incoming = LetterUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        changes = dict(incoming.validated_data)
        letter = services.reply_update(
            letter=letter, expected_version=changes.pop("version"), by=request.user, **changes
        )
        return self.answer(letter)

    @extend_schema(
        summary="提交审核",
        description="经办人将草稿或退回的答复函提交本单位负责人审核签发;正文不能为空。"
        f"记入办理记录。{NOT_VISIBLE}{REFUSALS}",
        request=None,
        responses={200: LetterDetailSerializer, **ACTION_REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.answer(services.reply_submit(letter=self.get_object(), by=request.user))

    @extend_schema(
        summary="签发",
        description="本单位负责人签发待审核的答复函(须已确定办理结果分类);签发后内容冻结。"
        f"经办人不能签发(403);未提交审核的返回 409。{NOT_VISIBLE}",
        request=None,
        responses={200: LetterDetailSerializer, **ACTION_REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.answer(services.reply_approve(letter=self.get_object(), by=request.user))

    @extend_schema(
        summary="退回修改",
        description="本单位负责人将待审核的答复函连同退回意见退回经办人修改。"
        f"{NOT_VISIBLE}{REFUSALS}",
        request=LetterReturnSerializer,
        responses={200: LetterDetailSerializer, **ACTION_REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_changes(self, request, pk=None):
        letter = self.get_object()
        incoming = LetterReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = incoming.validated_data["comment"]
        return self.answer(services.reply_return(letter=letter, comment=comment, by=request.user))

    @extend_schema(
        summary="发送答复",
        description="经办人将已签发的答复函发送提出人:交办转为已答复,所有应答复的单位都答复后"
        "该件转为已答复;提出人收到通知并可评价;主动公开的答复开始计算公开期限。"
        f"{NOT_VISIBLE}{REFUSALS}",
        request=None,
        responses={200: LetterDetailSerializer, **ACTION_REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self.answer(services.reply_send(letter=self.get_object(), by=request.user))

    @extend_schema(
        summary="修改记录",
        description="答复函每次保存的版本,从新到旧(同网页“修改记录”)。本单位人员和委员会"
        f"工作人员可查看;能看到答复函的其他人返回 403。{NOT_VISIBLE}",
        request=None,
        responses={200: RevisionSerializer(many=True), **refusals(403, 404)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def revisions(self, request, pk=None):
        letter = self.get_object()
        if not can(request.user, "responses.view_drafts", letter):
            raise PermissionDenied("您没有权限查看答复函的修改记录。")
        revisions = letter.revisions.select_related("saved_by", "result_category").order_by(
            "-version"
        )
        page = self.paginate_queryset(revisions)
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)


@extend_schema(tags=["答复函"])
@extend_schema_view(
    list=extend_schema(
        summary="办理结果分类",
        description="起草、修改答复函时可选的办理结果分类(启用的),可按所属(人大、政协)筛选。",
    ),
    retrieve=extend_schema(summary="一个办理结果分类", description="办理结果分类。"),
)
class ResultCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResultCategorySerializer
    filterset_class = CategoryFilter
    queryset = ResultCategory.objects.filter(is_active=True).order_by("body", "position", "code")


# -- the proposers' side of an assignment ------------------------------------------------


def _visible_assignment(request, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("agency", "proposal__session"),
        pk=pk,
    )


class AssignmentRateView(APIView):
    # A proposer rates the reply of an assignment for themself (征询意见).

    @extend_schema(
        summary="评价答复",
        description="提出人(领衔人、联名人或并案的提出人)各自评价该交办最近一次已送达的答复:"
        "满意、基本满意或不满意(不满意须写明原因),每人每份答复评价一次(同网页“评价这份答复”)。"
        "评价只能由提出人本人作出,承办单位不能代评;委员会工作人员可填写 proposer(和意见表上的"
        "日期 paper_dated_on)录入书面征询意见表,办理记录中注明由其代为录入;同一提出人已评价的"
        "返回 400。所有答复都已评价后该件办结。记入办理记录。"
        f"尚无已送达的答复返回 409。{NOT_VISIBLE}{REFUSALS}",
        request=RatingSerializer,
        responses={201: FeedbackSerializer, **ACTION_REFUSALS},
        tags=["评价与重新办理"],
    )
    def post(self, request, pk: int):
        assignment = _visible_assignment(request, pk)
        incoming = RatingSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        letter = (
            ReplyLetter.objects.visible_to(request.user)
            .filter(assignment=assignment, status=ReplyLetter.Status.SENT)
            .order_by("-round")
            .first()
        )
        if letter is None:
            raise TransitionNotAllowed("该交办尚无已送达的答复,不能评价。")
        feedback = services.feedback_submit(
            letter=letter, by=request.user, **incoming.validated_data
        )
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class AssignmentRehandleView(APIView):
    # After a 不满意, the proposer (or staff) has the assignment handled again.

    @extend_schema(
        summary="申请重新办理",
        description="答复被评价为不满意后,评价不满意的提出人(或委员会工作人员)申请重新办理"
        "(同网页“申请重新办理”):交办进入新一轮办理,重新计算答复期限,承办单位再次答复。"
        f"重新办理次数有上限。记入办理记录。{NOT_VISIBLE}{REFUSALS}",
        request=RehandleSerializer,
        responses={200: AssignmentStateSerializer, **ACTION_REFUSALS},
        tags=["评价与重新办理"],
    )
    def post(self, request, pk: int):
        assignment = _visible_assignment(request, pk)
        incoming = RehandleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.assignment_rehandle(
            assignment=assignment, note=incoming.validated_data.get("note", ""), by=request.user
        )
        return Response(AssignmentStateSerializer(_visible_assignment(request, pk)).data)
