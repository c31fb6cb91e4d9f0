"""The workflow API (``/api/v1/``): sessions, proposers, proposals and their assignments,
and every step of the handling up to the agencies' replies as a POST calling the same
service as the page.

What a user may read comes from the pages' querysets (``visible_to``): an item or an
assignment they may not see is a 404, as on the pages. What they may do is the services'
decision, taken after the object was found and the input read: a refused step is a 403
(not theirs to take), a 409 (not in this state) or a 400 (what was sent, by field), each
with the service's own Chinese message. The serializers check only the shape of the
input: types, lengths, and that every id names a record the caller may name.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.roles import roles_of
from agencies.api import AgencySummarySerializer
from agencies.models import Agency, Body
from deadlines import services as deadline_services
from deadlines.api import (
    DECISIONS,
    DeadlineSerializer,
    ExtensionDecisionInputSerializer,
    ExtensionRequestInputSerializer,
    ExtensionRequestSerializer,
)
from deadlines.models import Deadline, ExtensionRequest

from . import services, timeline
from .errors import InvalidInput, TransitionNotAllowed
from .filters import PROPOSER_TYPES, RegisterFilter, stat_choices, topic_choices
from .forms import ProposerNames
from .models import (
    Assignment,
    Attachment,
    CoSigner,
    Event,
    Proposal,
    Proposer,
    Session,
    Topic,
    Verb,
)
from .selectors import can, next_due_subquery
from .services.filing import (
    ATTACHMENT_TYPES,
    BODY_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    check_length,
)
from .views.common import attachment_download

# -- the error shape, for the schema ----------------------------------------------------


class ApiErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="HTTP 状态码。")
    code = serializers.CharField(
        help_text="错误类别:invalid、permission_denied、not_found、transition_not_allowed 等。"
    )
    message = serializers.CharField(help_text="中文说明,可直接展示给用户。")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="400 时按字段列出的问题(字段名 → 说明列表);其他情况为空对象。",
    )


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorBodySerializer(help_text="错误信息。")


REFUSALS = {
    400: "提交的内容有误:fields 中按字段列出问题。",
    403: "无权进行此操作(如提出人不能立案、非本单位人员不能签收)。",
    404: "对象不存在或无权查看。",
    409: "当前状态不允许此操作(message 说明当前状态)。",
}


def refusals(*codes: int) -> dict:
    """The error responses of an endpoint, for ``extend_schema(responses=...)``."""
    return {code: OpenApiResponse(ApiErrorSerializer, description=REFUSALS[code]) for code in codes}


ACTION_REFUSALS = refusals(400, 403, 404, 409)
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="页码,从 1 开始。"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="每页条数,默认 20,至多 100。"),
]


# -- fields that name records -----------------------------------------------------------


def _does_not_exist(what: str) -> dict:
    return {
        "does_not_exist": f"没有编号为 {{pk_value}} 的{what}。",
        "incorrect_type": f"请填写{what}的编号(整数)。",
    }


def active_agency_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        error_messages=_does_not_exist("启用中的承办单位"),
        **kwargs,
    )


class IdListField(serializers.ManyRelatedField):
    """Ids of records in the order given, at most ``max_length``; an unknown id is refused
    with the field's own message, not an error per position."""

    def __init__(self, *, max_length: int = 100, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > self.max_length:
            raise serializers.ValidationError(f"至多填写 {self.max_length} 个编号。")
        return super().to_internal_value(data)


class NameListField(serializers.ListField):
    """Names as strings; a bad entry is refused in one list of messages, each naming its
    place, rather than an error per position."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError(
                [
                    f"第{int(place) + 1}个:{message}"
                    for place, messages in sorted(error.detail.items(), key=lambda i: int(i[0]))
                    for message in messages
                ]
            ) from error


def agency_list_field(help_text: str) -> IdListField:
    return IdListField(
        child_relation=active_agency_field(), required=False, default=list, help_text=help_text
    )


class VisibleProposalField(serializers.PrimaryKeyRelatedField):
    """A proposal the caller may see; any other id is refused as if it did not exist."""

    def get_queryset(self) -> QuerySet:
        return Proposal.objects.visible_to(self.context["request"].user)


def note_field(help_text: str = "说明,记入办理记录。") -> serializers.CharField:
    return serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text=help_text
    )


# -- what the API shows -----------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="会议编号;录入建议提案、筛选时使用。")
    name = serializers.CharField(
        source="__str__", help_text="会议全称,如“杭州市政协十二届二次会议”。"
    )
    label = serializers.CharField(help_text="会议名称,如“市政协十二届二次会议”。")
    body = serializers.ChoiceField(
        choices=Body.choices, help_text="所属:npc 人大(建议),cppcc 政协(提案)。"
    )
    region = serializers.CharField(help_text="地区,如“杭州市”;没有时为空字符串。")
    term = serializers.IntegerField(help_text="届。")
    number = serializers.IntegerField(help_text="次。")
    opens_on = serializers.DateField(allow_null=True, help_text="开幕日期;未定时为 null。")
    closes_on = serializers.DateField(allow_null=True, help_text="闭幕日期;未定时为 null。")


class SessionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="会议编号。")
    label = serializers.CharField(help_text="会议名称,如“市政协十二届二次会议”。")


class ProposerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="提出人编号。")
    name = serializers.CharField(help_text="姓名或集体名称。")
    title = serializers.CharField(help_text="称谓:代表、委员;集体为空字符串。")


class ProposerSerializer(ProposerSummarySerializer):
    body = serializers.ChoiceField(choices=Body.choices, help_text="所属:npc 人大,cppcc 政协。")
    kind = serializers.ChoiceField(
        choices=Proposer.Kind.choices, help_text="类型:person 个人,group 集体。"
    )
    group_kind = serializers.CharField(
        help_text="集体类型:party 党派,sector 界别,member_group 委员小组/工作站,"
        "committee 专门委员会,delegation 代表团,other 其他;个人为空字符串。"
    )
    constituency = serializers.CharField(help_text="代表团或界别;没有时为空字符串。")


class TopicSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="主题分类编号。")
    label = serializers.CharField(source="__str__", help_text="主题分类名称(含上级分类)。")


class ReplyingAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="agency.id", help_text="承办单位编号。")
    display_name = serializers.CharField(source="agency.display_name", help_text="单位简称。")
    mode = serializers.ChoiceField(
        choices=Assignment.Mode.choices, help_text="办理方式:lead 主办,split 分办。"
    )


class ProposalSerializer(serializers.Serializer):
    # An item in a list: what the register shows. (Comments, not docstrings, on the
    # serializers: the schema would show a docstring to API users.)

    id = serializers.IntegerField(help_text="建议提案编号(接口中的 id,不是“第几号”)。")
    number = serializers.CharField(help_text="编号,如“607”;草稿尚未编号时为空字符串。")
    title = serializers.CharField(help_text="标题。")
    kind = serializers.ChoiceField(
        choices=Proposal.Kind.choices, help_text="类别:suggestion 建议,proposal 提案。"
    )
    kind_label = serializers.CharField(source="get_kind_display", help_text="类别名称。")
    session = SessionSummarySerializer(help_text="会议。")
    status = serializers.ChoiceField(
        choices=Proposal.Status.choices,
        help_text="状态:draft 草稿,submitted 待审查,withdrawn 已撤回,accepted 已立案,"
        "merged 已并案,rejected 不予立案,assigned 办理中,replied 已答复,closed 已办结。",
    )
    status_label = serializers.CharField(source="get_status_display", help_text="状态名称。")
    is_key = serializers.BooleanField(help_text="是否重点督办件。")
    filed_during = serializers.ChoiceField(
        choices=Proposal.FiledDuring.choices,
        help_text="提出时间:session 大会期间,interim 闭会期间。",
    )
    lead_proposer = ProposerSummarySerializer(help_text="领衔人。")
    replying_agencies = ReplyingAgencySerializer(
        source="replying_assignments",
        many=True,
        help_text="主办或分办单位(尚未交办时为空)。",
    )
    next_due = serializers.DateField(
        allow_null=True, help_text="各承办单位最近的未完成期限;没有时为 null。"
    )
    created_at = serializers.DateTimeField(help_text="录入时间。")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="提交时间。")
    closed_at = serializers.DateTimeField(allow_null=True, help_text="办结时间。")


class CoSignerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="proposer.id", help_text="提出人编号。")
    name = serializers.CharField(source="proposer.name", help_text="姓名或集体名称。")
    position = serializers.IntegerField(help_text="联名顺序,从 1 开始。")
    state = serializers.ChoiceField(
        choices=CoSigner.State.choices,
        help_text="联名状态:pending 待确认,confirmed 已确认,declined 已谢绝。",
    )
    state_label = serializers.CharField(source="get_state_display", help_text="联名状态名称。")
    invited_at = serializers.DateTimeField(
        allow_null=True, help_text="邀请联名的时间;早于网上起草的记录为 null。"
    )
    confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="确认联名的时间;未确认为 null。"
    )
    declined_at = serializers.DateTimeField(
        allow_null=True, help_text="谢绝联名的时间;未谢绝为 null。"
    )
    decline_reason = serializers.CharField(help_text="谢绝理由;没有时为空字符串。")


class ProposalSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="建议提案编号。")
    number = serializers.CharField(help_text="编号;尚未编号时为空字符串。")
    title = serializers.CharField(help_text="标题。")
    kind = serializers.ChoiceField(
        choices=Proposal.Kind.choices, help_text="类别:suggestion 建议,proposal 提案。"
    )
    session = SessionSummarySerializer(help_text="会议。")
    status = serializers.ChoiceField(choices=Proposal.Status.choices, help_text="状态。")
    status_label = serializers.CharField(source="get_status_display", help_text="状态名称。")
    is_key = serializers.BooleanField(help_text="是否重点督办件。")


class AssignmentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="交办编号(见 /api/v1/assignments/)。")
    agency = AgencySummarySerializer(help_text="承办单位。")
    mode = serializers.ChoiceField(
        choices=Assignment.Mode.choices,
        help_text="办理方式:lead 主办,co 会办,split 分办,reference 参阅。",
    )
    mode_label = serializers.CharField(source="get_mode_display", help_text="办理方式名称。")
    status = serializers.ChoiceField(
        choices=Assignment.Status.choices,
        help_text="状态:pending 待签收,adjustment 申请调整,handling 办理中,"
        "opinion_sent 已会办,replied 已答复,read 已签阅,withdrawn 已撤销。",
    )
    status_label = serializers.CharField(source="get_status_display", help_text="状态名称。")
    round = serializers.IntegerField(help_text="办理轮次:1 为首次办理,重新办理依次加 1。")
    assigned_at = serializers.DateTimeField(help_text="交办时间。")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="签收(签阅)时间。")


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="附件编号。")
    name = serializers.CharField(help_text="文件名。")
    content_type = serializers.CharField(help_text="文件类型。")
    size = serializers.IntegerField(help_text="大小(字节)。")
    uploaded_at = serializers.DateTimeField(help_text="上传时间。")
    download_url = serializers.SerializerMethodField(help_text="下载地址(接口中,需登录)。")

    def get_download_url(self, attachment: Attachment) -> str:
        address = reverse("proposal-attachment", args=[attachment.proposal_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(address) if request else address


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="要上传的文件:PDF、Word(.doc/.docx)、JPG 或 PNG,"
        "不超过平台设定的大小(默认 20 MB);类型按文件内容判断,不只看扩展名。",
        error_messages={
            "required": "请选择要上传的文件(表单字段 file)。",
            "invalid": "请以文件形式上传(multipart/form-data 的 file 字段)。",
            "empty": "上传的是空文件。",
            "no_name": "无法确定文件名,请重新上传。",
        },
    )


class ProposalDetailSerializer(ProposalSerializer):
    # One item as its page shows it.

    body = serializers.CharField(help_text="正文。")
    version = serializers.IntegerField(
        help_text="草稿的版本号,每次保存加 1;修改草稿时作为 version 提交,用于发现别处的修改。"
    )
    topic = TopicSummarySerializer(allow_null=True, help_text="主题分类;未分类时为 null。")
    co_signers = CoSignerSerializer(
        source="cosignatures", many=True, help_text="联名人,按联名顺序。"
    )
    merged_into = ProposalSummarySerializer(allow_null=True, help_text="已并案时并入的建议提案。")
    rejection_reason = serializers.CharField(
        help_text="不予立案的理由(提出人可见);其他状态为空字符串。"
    )
    forwarded_as_opinion = serializers.BooleanField(
        help_text="不予立案时是否转有关部门作为意见建议参考。"
    )
    assignments = AssignmentSummarySerializer(
        many=True, help_text="交办情况:各承办单位及其办理方式、状态(含已撤销的)。"
    )
    attachments = AttachmentSerializer(many=True, help_text="附件。")


class AssignmentSerializer(AssignmentSummarySerializer):
    # An assignment with its deadlines: an agency's work queue reads these.

    proposal = ProposalSummarySerializer(help_text="所交办的建议提案。")
    adjustment_reason = serializers.SerializerMethodField(
        help_text="申请调整的理由(申请调整待审批时);其他状态为空字符串。"
    )
    replaced_by = serializers.IntegerField(
        source="replaced_by_id",
        allow_null=True,
        help_text="同意调整后改由承办的交办编号;没有时为 null。",
    )
    next_due = serializers.DateField(allow_null=True, help_text="最近的未完成期限;没有时为 null。")
    deadlines = DeadlineSerializer(
        many=True, help_text="各环节的期限,按设立先后,含已完成和已撤销的。"
    )
    pending_extension = serializers.SerializerMethodField(
        help_text="待委员会审批的延期申请;没有时为 null。"
    )

    def get_adjustment_reason(self, assignment: Assignment) -> str:
        if assignment.status == Assignment.Status.ADJUSTMENT_REQUESTED:
            return assignment.adjustment_reason
        return ""

    @extend_schema_field(ExtensionRequestSerializer(allow_null=True))
    def get_pending_extension(self, assignment: Assignment) -> dict | None:
        pending = next((r for d in assignment.deadlines.all() for r in d.pending_requests), None)
        if pending is None:
            return None
        user = self.context["request"].user
        show_reason = can(user, "deadlines.read_extension_reason", assignment)
        return ExtensionRequestSerializer(pending, context={"show_reason": show_reason}).data


EXTENSION_VERBS = {Verb.EXTENSION_APPROVED, Verb.EXTENSION_REFUSED}


class TimelineEntrySerializer(serializers.Serializer):
    # One step of an item's timeline, as its page shows it to the caller.

    id = serializers.IntegerField(source="event.pk", help_text="办理记录编号。")
    at = serializers.DateTimeField(help_text="时间。")
    verb = serializers.ChoiceField(
        source="event.verb",
        choices=Event._meta.get_field("verb").choices,
        help_text="事项代码,如 submitted、accepted、assigned、signed_for。",
    )
    verb_label = serializers.CharField(source="event.get_verb_display", help_text="事项名称。")
    text = serializers.CharField(
        help_text="这一步的中文叙述,如“交办市民政局(主办)、市卫生健康委(会办)”。"
    )
    actor = serializers.CharField(
        allow_null=True, help_text="操作人;提出人查看或由系统完成时为 null。"
    )
    agency = serializers.SerializerMethodField(help_text="所涉承办单位(简称);没有时为 null。")
    from_state = serializers.CharField(
        source="event.from_state", help_text="原状态代码;没有时为空字符串。"
    )
    to_state = serializers.CharField(
        source="event.to_state", help_text="新状态代码;没有时为空字符串。"
    )
    from_state_label = serializers.SerializerMethodField(help_text="原状态名称。")
    to_state_label = serializers.SerializerMethodField(help_text="新状态名称。")
    note = serializers.CharField(
        help_text="说明(如不予立案理由、交办意见);提出人只看到不予立案理由、评价和重新办理的说明。"
    )

    def to_representation(self, entry):
        data = super().to_representation(entry)
        data["actor"] = data["actor"] or None
        return data

    def get_agency(self, entry) -> str | None:
        event = entry.event
        return event.assignment.agency.display_name if event.assignment_id else None

    @staticmethod
    def _state(entry, value: str) -> str:
        if entry.event.verb in EXTENSION_VERBS:
            return dict(ExtensionRequest.Status.choices).get(value, value)
        if entry.event.assignment_id:
            return dict(Assignment.Status.choices).get(value, value)
        return dict(Proposal.Status.choices).get(value, value)

    def get_from_state_label(self, entry) -> str:
        return self._state(entry, entry.event.from_state)

    def get_to_state_label(self, entry) -> str:
        return self._state(entry, entry.event.to_state)


# -- what the actions take --------------------------------------------------------------


def _within(value: str, limit: int, what: str, field: str) -> str:
    """The filing service's length rule, with its message, as a serializer's validation."""
    try:
        return check_length(value, limit=limit, field=field, what=what)
    except InvalidInput as error:
        raise serializers.ValidationError(error.message) from error


TITLE_HELP = f"标题,不超过{TITLE_MAX_CHARS}字。"
BODY_HELP = f"正文,不超过{BODY_MAX_CHARS}字;超过时返回 400,说明现有字数。"


class LimitedTextMixin:
    # Title and text within the filing service's limits, refused with its message.

    def validate_title(self, value: str) -> str:
        return _within(value, TITLE_MAX_CHARS, "标题", "title")

    def validate_body(self, value: str) -> str:
        return _within(value.strip(), BODY_MAX_CHARS, "正文", "body")


class ProposalCreateSerializer(LimitedTextMixin, serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.all(),
        help_text="会议编号(见 /api/v1/sessions/);决定是建议还是提案。",
        error_messages=_does_not_exist("会议"),
    )
    title = serializers.CharField(help_text=TITLE_HELP)
    body = serializers.CharField(required=False, allow_blank=True, default="", help_text=BODY_HELP)
    lead_proposer = serializers.PrimaryKeyRelatedField(
        queryset=Proposer.objects.filter(is_active=True),
        help_text="领衔人的提出人编号(委员会工作人员见 /api/v1/proposers/;"
        "提出人本人见 /api/v1/me/ 的 proposer_id)。",
        error_messages=_does_not_exist("在任的提出人"),
    )
    co_signers = IdListField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=Proposer.objects.filter(is_active=True),
            error_messages=_does_not_exist("在任的提出人"),
        ),
        required=False,
        default=list,
        max_length=200,
        help_text="联名人的提出人编号,按联名顺序。",
    )
    topic = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="主题分类编号;留空则暂不分类。",
        error_messages=_does_not_exist("启用中的主题分类"),
    )
    filed_during = serializers.ChoiceField(
        choices=Proposal.FiledDuring.choices,
        default=Proposal.FiledDuring.SESSION,
        help_text="提出时间:session 大会期间(默认),interim 闭会期间。",
    )
    number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="编号;仅委员会工作人员可填,留空则提交时按本次会议的编号规则自动编号。",
    )
    is_key = serializers.BooleanField(
        default=False, help_text="列为重点督办件;仅委员会工作人员可用。"
    )
    submit_now = serializers.BooleanField(
        default=False,
        help_text="录入后直接提交(默认保存为草稿)。提出人录入时,联名人须先确认联名;"
        "委员会工作人员据纸质件录入的,联名视为已确认。",
    )


class NoteSerializer(serializers.Serializer):
    note = note_field()


class WithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000,
        help_text="撤回理由(必填),记入办理记录。",
        error_messages={"required": "请填写撤回理由。", "blank": "请填写撤回理由。"},
    )


class DraftUpdateSerializer(LimitedTextMixin, serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="客户端最后读取到的版本号(该件的 version)。草稿已在别处保存了更新的版本时"
        "返回 409(edit_conflict),修改不保存:请重新读取,对照后以新版本号再提交。",
    )
    title = serializers.CharField(required=False, help_text=TITLE_HELP)
    body = serializers.CharField(required=False, allow_blank=True, help_text=BODY_HELP)
    topic = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="主题分类编号;null 为暂不分类;不提交则不变。",
        error_messages=_does_not_exist("启用中的主题分类"),
    )
    filed_during = serializers.ChoiceField(
        choices=Proposal.FiledDuring.choices,
        required=False,
        help_text="提出时间:session 大会期间,interim 闭会期间。",
    )


class CosignInviteSerializer(serializers.Serializer):
    co_signers = IdListField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=Proposer.objects.all(), error_messages=_does_not_exist("提出人")
        ),
        required=False,
        default=list,
        max_length=200,
        help_text="要邀请的联名人的提出人编号,按联名顺序排在已有联名人之后。",
    )
    names = NameListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        max_length=200,
        help_text="或按姓名邀请:同届代表或委员的姓名,在本件所属的人大或政协名册中查找;"
        "名册中没有或重名时返回 400。",
    )

    def validate(self, data):
        if not data["co_signers"] and not data["names"]:
            raise serializers.ValidationError(
                {"co_signers": ["请填写要邀请的联名人(co_signers 或 names)。"]}
            )
        return data


class CosignRemoveSerializer(serializers.Serializer):
    proposer = serializers.PrimaryKeyRelatedField(
        queryset=Proposer.objects.all(),
        help_text="要移出的联名人的提出人编号(见该件的 co_signers)。",
        error_messages=_does_not_exist("提出人"),
    )


class DeclineCosignSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=f"谢绝理由,可不填;领衔人会看到。不超过{REASON_MAX_CHARS}字。",
    )

    def validate_reason(self, value: str) -> str:
        return _within(value.strip(), REASON_MAX_CHARS, "谢绝理由", "reason")


class MergeSerializer(serializers.Serializer):
    into = VisibleProposalField(
        queryset=Proposal.objects.all(),
        help_text="并入的建议提案编号(接口中的 id);须为同一次会议、待审查、已立案或办理中的件。",
        error_messages=_does_not_exist("建议提案"),
    )
    note = note_field()


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="不予立案理由;提出人会看到这段理由,请写明依据。"
    )
    forward = serializers.BooleanField(
        default=False, help_text="转有关部门作为意见建议(社情民意)参考。"
    )


class MarkKeySerializer(serializers.Serializer):
    is_key = serializers.BooleanField(
        default=True, help_text="true 列为重点督办件(默认),false 取消重点督办。"
    )
    note = note_field()


class AssignSerializer(serializers.Serializer):
    lead = active_agency_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="主办单位编号;分办时不填。",
    )
    co_handlers = agency_list_field("会办单位编号(须同时有主办单位)。")
    split = agency_list_field("分办单位编号:分别答复时填两个及以上单位,此时不设主办。")
    reference = agency_list_field("参阅单位编号(不需答复)。")
    note = note_field("交办意见,记入办理记录并随通知发给承办单位。")


class ConfirmCosignSerializer(serializers.Serializer):
    proposer = serializers.PrimaryKeyRelatedField(
        queryset=Proposer.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="联名人编号:委员会工作人员代为登记纸质签名时填写;联名人本人确认时不填。",
        error_messages=_does_not_exist("提出人"),
    )


class AdjustmentRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="申请调整理由:说明为何不属于本单位职责,以及建议由哪个单位承办。",
    )


class AdjustmentDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=DECISIONS, help_text="审批意见:approve 同意调整,refuse 不同意调整(退回原单位签收)。"
    )
    new_agency = active_agency_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="同意调整时改由哪个单位承办;主办、分办单位调整时必须指定。",
    )
    note = note_field("说明;不同意时必填。")


# -- filters ----------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class AgencyChoiceFilter(filters.ModelChoiceFilter):
    """An agency by its id, for a filter that is a method (the schema cannot tell its type)."""


@extend_schema_field(OpenApiTypes.STR)
class TextChoiceFilter(filters.ChoiceFilter):
    """A choice among codes, for a filter that is a method (the schema cannot tell its type)."""


class ProposalFilter(filters.FilterSet):
    """The register's filters (``RegisterFilter``), over every item the caller may see."""

    session = filters.ModelChoiceFilter(queryset=Session.objects.all(), help_text="会议编号。")
    kind = filters.ChoiceFilter(
        choices=Proposal.Kind.choices, help_text="类别:suggestion 建议,proposal 提案。"
    )
    status = filters.ChoiceFilter(choices=Proposal.Status.choices, help_text="状态。")
    agency = AgencyChoiceFilter(
        queryset=Agency.objects.all(),
        method="by_agency",
        help_text="承办单位编号:只列交办给该单位(未撤销)的件。",
    )
    is_key = filters.BooleanFilter(method="key_only", help_text="为 true 时只列重点督办件。")
    overdue = filters.BooleanFilter(
        method="overdue_only", help_text="为 true 时只列有超期未完成期限的件。"
    )
    q = filters.CharFilter(
        method="search",
        max_length=100,
        help_text="编号(“第12号”或“12”)或标题中的文字。",
    )
    year_from = filters.NumberFilter(
        method="from_year",
        min_value=1949,
        max_value=9999,
        help_text="会议年度起(含),如 2024:只列开幕于该年及以后的会议的件。",
    )
    year_to = filters.NumberFilter(
        method="to_year", min_value=1949, max_value=9999, help_text="会议年度止(含)。"
    )
    topic = TextChoiceFilter(
        choices=topic_choices,
        method="by_topic",
        help_text="主题分类编号(含其下级分类);none 为未分类的件。",
    )
    proposer_kind = TextChoiceFilter(
        choices=PROPOSER_TYPES,
        method="by_proposer_kind",
        help_text="领衔人类型:person 个人;集体为 party 党派、sector 界别、member_group "
        "委员小组/工作站、committee 专门委员会、delegation 代表团、other 其他。",
    )
    filed_during = filters.ChoiceFilter(
        choices=Proposal.FiledDuring.choices,
        help_text="提出时间:session 大会期间,interim 闭会期间。",
    )
    stat = TextChoiceFilter(
        choices=stat_choices,
        method="by_stat",
        help_text="统计口径:只列办理情况统计中该数字所计的件,如 replied 已答复、on_time "
        "按期答复、overdue 超期、class_A A类;与 /api/v1/stats/ 的同一筛选下的数字一致。"
        "同时给出 agency 时,按该单位的交办计(与统计表中该单位一行一致)。",
    )

    class Meta:
        model = Proposal
        fields = RegisterFilter.Meta.fields

    search = RegisterFilter.search
    by_agency = RegisterFilter.by_agency
    key_only = RegisterFilter.key_only
    overdue_only = RegisterFilter.overdue_only
    from_year = RegisterFilter.from_year
    to_year = RegisterFilter.to_year
    by_topic = RegisterFilter.by_topic
    by_proposer_kind = RegisterFilter.by_proposer_kind
    by_stat = RegisterFilter.by_stat
    _chosen_agency = RegisterFilter._chosen_agency


class AssignmentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Assignment.Status.choices, help_text="状态。")
    agency = filters.ModelChoiceFilter(queryset=Agency.objects.all(), help_text="承办单位编号。")
    proposal = filters.NumberFilter(field_name="proposal_id", help_text="建议提案编号。")
    mode = filters.ChoiceFilter(
        choices=Assignment.Mode.choices,
        help_text="办理方式:lead 主办,co 会办,split 分办,reference 参阅。",
    )
    mine = filters.BooleanFilter(
        method="of_my_agencies",
        help_text="为 true 时只列本人所在单位的交办(承办单位的待办);false 时只列其他单位的。",
    )

    class Meta:
        model = Assignment
        fields = ["status", "agency", "proposal", "mode", "mine"]

    def of_my_agencies(self, queryset, name, value):
        agency_ids = roles_of(self.request.user).agency_ids
        if value:
            return queryset.filter(agency_id__in=agency_ids)
        return queryset.exclude(agency_id__in=agency_ids)


class ProposerFilter(filters.FilterSet):
    body = filters.ChoiceFilter(choices=Body.choices, help_text="所属:npc 人大,cppcc 政协。")
    kind = filters.ChoiceFilter(
        choices=Proposer.Kind.choices, help_text="类型:person 个人,group 集体。"
    )
    q = filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=100, help_text="姓名中的文字。"
    )

    class Meta:
        model = Proposer
        fields = ["body", "kind", "q"]


class SessionFilter(filters.FilterSet):
    body = filters.ChoiceFilter(choices=Body.choices, help_text="所属:npc 人大,cppcc 政协。")

    class Meta:
        model = Session
        fields = ["body"]


# -- querysets --------------------------------------------------------------------------


def proposal_rows(user) -> QuerySet:
    """The items ``user`` may see, with what a list shows, in constant queries."""
    return (
        Proposal.objects.visible_to(user)
        .select_related("session", "lead_proposer")
        .annotate(next_due=next_due_subquery())
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.replying().select_related("agency"),
                to_attr="replying_assignments",
            )
        )
        .order_by(
            F("session__opens_on").desc(nulls_last=True), "session_id", "serial", "number", "id"
        )
    )


def proposal_details(user) -> QuerySet:
    """The items ``user`` may see, with everything the item's page shows of them."""
    return (
        proposal_rows(user)
        .select_related("topic__parent", "merged_into__session")
        .prefetch_related(
            "cosignatures__proposer",
            Prefetch(
                "assignments", queryset=Assignment.objects.select_related("agency").order_by("id")
            ),
            "attachments",
        )
    )


def _assignment_next_due():
    return Subquery(
        Deadline.objects.open()
        .filter(assignment=OuterRef("pk"))
        .order_by("effective_due_on")
        .values("effective_due_on")[:1]
    )


def assignment_rows(user) -> QuerySet:
    """The assignments ``user`` may see with their deadlines and pending extension, soonest
    due first, as an agency's workspace orders them."""
    deadlines = Deadline.objects.order_by("id").prefetch_related(
        Prefetch(
            "extension_requests",
            queryset=ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING),
            to_attr="pending_requests",
        )
    )
    return (
        Assignment.objects.visible_to(user)
        .select_related("agency", "proposal__session")
        .annotate(next_due=_assignment_next_due())
        .prefetch_related(Prefetch("deadlines", queryset=deadlines))
        .order_by(F("next_due").asc(nulls_last=True), "assigned_at", "id")
    )


# -- views ------------------------------------------------------------------------------


class IsCommitteeStaff(BasePermission):
    """Committee staff of either body; the register of proposers is theirs."""

    def has_permission(self, request, view) -> bool:
        return bool(roles_of(request.user).staff_bodies)


@extend_schema(tags=["基础数据"])
@extend_schema_view(
    list=extend_schema(
        summary="会议",
        description="人大、政协的各次会议,最近的在前;录入建议提案和筛选时以其编号指定会议。"
        "任何登录用户可读。",
    ),
    retrieve=extend_schema(summary="一次会议", description="一次会议;不存在时返回 404。"),
)
class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    queryset = Session.objects.order_by(
        F("opens_on").desc(nulls_last=True), "-term", "-number", "id"
    )


@extend_schema(tags=["基础数据"])
@extend_schema_view(
    list=extend_schema(
        summary="提出人名册",
        description="本人所在委员会(人大或政协)的在任代表、委员和集体提出人,按姓名排序;"
        "录入建议提案时以其编号指定领衔人和联名人。仅委员会工作人员可读,其他人返回 403"
        "(提出人本人的编号见 /api/v1/me/)。",
        responses={200: ProposerSerializer(many=True), **refusals(403)},
    ),
    retrieve=extend_schema(
        summary="一位提出人",
        description="本人所在委员会的一位在任提出人;其他委员会的或不存在时返回 404。",
        responses={200: ProposerSerializer, **refusals(403, 404)},
    ),
)
class ProposerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposerSerializer
    filterset_class = ProposerFilter
    permission_classes = [IsAuthenticated, IsCommitteeStaff]

    def get_queryset(self) -> QuerySet:
        bodies = sorted(roles_of(self.request.user).staff_bodies)
        return Proposer.objects.filter(body__in=bodies, is_active=True).order_by(
            "body", "name", "id"
        )


class WorkflowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reads scoped by ``rows``/``details``; actions find the object the same way (else 404)."""

    read_serializer = serializers.Serializer
    detail_serializer = serializers.Serializer

    model = Proposal

    def rows(self, user) -> QuerySet:
        raise NotImplementedError

    def details(self, user) -> QuerySet:
        return self.rows(user)

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if self.action == "list":
            return self.rows(user)
        if self.action == "retrieve":
            return self.details(user)
        # A step only needs to know the object is visible: the service locks and reads it.
        return self.model.objects.visible_to(user)

    def get_serializer_class(self):
        return self.read_serializer if self.action == "list" else self.detail_serializer

    def filter_queryset(self, queryset):
        # The list's filters; an object is found by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def read_input(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        """The object as it now stands, as its detail reads it."""
        obj = get_object_or_404(self.details(self.request.user), pk=pk)
        serializer = self.detail_serializer(obj, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


def proposal_action(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: ProposalDetailSerializer, **ACTION_REFUSALS},
    )


def assignment_action(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: AssignmentSerializer, **ACTION_REFUSALS},
    )


@extend_schema(tags=["建议提案"])
@extend_schema_view(
    list=extend_schema(
        summary="建议提案",
        description="本人可见的建议提案,与网页相同:委员会工作人员见本委员会的件(及本人录入的草稿),"
        "承办单位人员见交办给本单位的件,提出人见本人领衔、联名的件及并入其中的件。"
        "筛选条件与委员会登记簿相同。",
        responses={200: ProposalSerializer(many=True), **refusals(400)},
    ),
    retrieve=extend_schema(
        summary="一件建议提案",
        description="建议提案的全部信息:联名人、主题分类、状态、交办情况、附件;"
        "本人不可见或不存在时返回 404。",
        responses={200: ProposalDetailSerializer, **refusals(404)},
    ),
)
class ProposalViewSet(WorkflowViewSet):
    read_serializer = ProposalSerializer
    detail_serializer = ProposalDetailSerializer
    filterset_class = ProposalFilter

    def rows(self, user) -> QuerySet:
        return proposal_rows(user)

    def details(self, user) -> QuerySet:
        return proposal_details(user)

    @extend_schema(
        summary="录入建议提案",
        description="录入一件建议提案,保存为草稿或直接提交。委员会工作人员可为本委员会的任一"
        "提出人录入(可定编号、列为重点);提出人只能录入本人领衔的件。返回该件。",
        request=ProposalCreateSerializer,
        responses={201: ProposalDetailSerializer, **refusals(400, 403)},
    )
    def create(self, request):
        data = self.read_input(ProposalCreateSerializer)
        with transaction.atomic():
            proposal = services.proposal_create(
                session=data["session"],
                number=data["number"],
                title=data["title"],
                body=data["body"],
                lead_proposer=data["lead_proposer"],
                co_signers=data["co_signers"],
                topic=data["topic"],
                filed_during=data["filed_during"],
                is_key=data["is_key"],
                by=request.user,
            )
            if data["submit_now"]:
                services.proposal_submit(proposal=proposal, by=request.user)
        return self.respond(proposal.pk, status.HTTP_201_CREATED)

    @proposal_action(
        "确认联名",
        "联名人本人确认联名(谢绝后也可改为确认);或由委员会工作人员代为登记纸质签名"
        "(填 proposer)。仅草稿可确认(否则 409)。",
        ConfirmCosignSerializer,
    )
    @action(detail=True, methods=["post"], url_path="confirm-cosign")
    def confirm_cosign(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(ConfirmCosignSerializer)
        services.cosign_confirm(proposal=proposal, proposer=data["proposer"], by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "提交",
        "提交草稿(领衔人或录入人)。邀请的每位联名人都须已确认,谢绝的须先移出,否则返回 400,"
        "message 列出尚未确认和已谢绝的联名人。提出人提交“大会期间”的件,须在会议的提交截止时间"
        "之前(之后返回 409,message 说明截止时间)。尚未编号的按本次会议的编号规则编号。",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_submit(proposal=proposal, by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "撤回",
        "在立案审查前撤回已提交的件(领衔人或录入人),须写明理由(note),记入办理记录。",
        WithdrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(WithdrawSerializer)
        services.proposal_withdraw(proposal=proposal, note=data["note"], by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "修改草稿",
        "领衔人或录入人修改草稿的标题、正文、主题分类或提出时间,只提交要修改的项。须提交最后"
        "读取的 version:草稿已在别处保存了更新的版本时返回 409(edit_conflict),修改不保存。"
        "已提交的件不能修改(409)。提出人修改了标题或正文时,已确认的联名人须重新确认"
        "(办理记录中记一条“联名待重新确认”,并通知他们)。",
        DraftUpdateSerializer,
    )
    def partial_update(self, request, pk=None):
        proposal = self.get_object()
        changes = dict(self.read_input(DraftUpdateSerializer))
        services.proposal_update_draft(
            proposal=proposal, expected_version=changes.pop("version"), by=request.user, **changes
        )
        return self.respond(proposal.pk)

    @proposal_action(
        "邀请联名",
        "领衔人或录入人邀请联名人(按提出人编号 co_signers,或按姓名 names),排在已有联名人之后;"
        "须为同届在任的代表或委员(建议为人大代表,提案为政协委员),每人一次。提出人邀请的,"
        "联名人收到通知,在本人的工作台确认或谢绝;委员会工作人员据书面签名增加的,视为已确认。"
        "仅草稿可邀请(否则 409)。",
        CosignInviteSerializer,
    )
    @action(detail=True, methods=["post"], url_path="invite-cosigners")
    def invite_cosigners(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(CosignInviteSerializer)
        invited = list(data["co_signers"])
        if data["names"]:
            try:
                invited += ProposerNames.for_proposers(proposal.session.body).resolve(data["names"])
            except DjangoValidationError as error:
                raise serializers.ValidationError({"names": error.messages}) from error
        services.cosign_invite(proposal=proposal, proposers=invited, by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "移出联名人",
        "领衔人或录入人把一位联名人(如已谢绝的)移出草稿的联名人,其后的联名人顺序前移。"
        "记入办理记录。仅草稿可移出(否则 409)。",
        CosignRemoveSerializer,
    )
    @action(detail=True, methods=["post"], url_path="remove-cosigner")
    def remove_cosigner(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(CosignRemoveSerializer)
        services.cosign_remove(proposal=proposal, proposer=data["proposer"], by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "谢绝联名",
        "联名人本人谢绝联名草稿,可写明理由(reason);已确认的在提交前也可谢绝。领衔人收到通知,"
        "须将其移出联名人后才能提交;谢绝后仍可改为确认联名。仅草稿可谢绝(否则 409)。",
        DeclineCosignSerializer,
    )
    @action(detail=True, methods=["post"], url_path="decline-cosign")
    def decline_cosign(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(DeclineCosignSerializer)
        services.cosign_decline(proposal=proposal, reason=data["reason"], by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "立案",
        "委员会工作人员对待审查的件立案(提案)或登记(建议)。",
        NoteSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(NoteSerializer)
        services.proposal_accept(proposal=proposal, note=data["note"], by=request.user)
        return self.respond(proposal.pk)

    @proposal_action(
        "并案",
        "委员会工作人员把待审查的件并入同一次会议的另一件(into 为其编号);"
        "并入后其提出人随主件收到答复。仅经立案审查的提案可并案。",
        MergeSerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(MergeSerializer)
        services.proposal_merge(
            proposal=proposal, into=data["into"], note=data["note"], by=request.user
        )
        return self.respond(proposal.pk)

    @proposal_action(
        "不予立案",
        "委员会工作人员对待审查的件不予立案,写明理由(提出人可见),可转有关部门参考。"
        "仅经立案审查的提案可不予立案。",
        RejectSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(RejectSerializer)
        services.proposal_reject(
            proposal=proposal, reason=data["reason"], forward=data["forward"], by=request.user
        )
        return self.respond(proposal.pk)

    @proposal_action(
        "重点督办",
        "委员会工作人员把件列为重点督办件(is_key=true)或取消(is_key=false)。",
        MarkKeySerializer,
    )
    @action(detail=True, methods=["post"], url_path="mark-key")
    def mark_key(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(MarkKeySerializer)
        services.proposal_mark_key(
            proposal=proposal, is_key=data["is_key"], note=data["note"], by=request.user
        )
        return self.respond(proposal.pk)

    @proposal_action(
        "交办",
        "委员会工作人员交办已立案的件:一个主办单位加任意会办单位,或两个及以上分办单位;"
        "两种方式均可另加参阅单位,也可只送参阅。各单位的办理期限自交办之日起算。",
        AssignSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(AssignSerializer)
        services.proposal_assign(
            proposal=proposal,
            lead=data["lead"],
            co_handlers=data["co_handlers"],
            split=data["split"],
            reference=data["reference"],
            note=data["note"],
            by=request.user,
        )
        return self.respond(proposal.pk)

    @proposal_action(
        "办结",
        "委员会工作人员办结全部答复已送达并经领衔人评价的件;尚不能办结时返回 400,"
        "message 列出原因。",
        NoteSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        proposal = self.get_object()
        data = self.read_input(NoteSerializer)
        services.proposal_close(proposal=proposal, note=data["note"], by=request.user)
        return self.respond(proposal.pk)

    @extend_schema(
        methods=["GET"],
        summary="附件",
        description="建议提案的附件,按上传先后(与详情中的 attachments 相同);"
        "本人不可见或不存在时返回 404。",
        responses={200: AttachmentSerializer(many=True), **refusals(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="上传附件",
        description="以 multipart/form-data 上传一个文件(字段 file),与网页录入时上传附件相同:"
        "草稿由领衔人或录入人上传,已提交的件由本委员会工作人员上传;已撤回、已并案、"
        "不予立案或已办结的件不能再上传(409)。文件须为 PDF、Word(.doc/.docx)、JPG 或 PNG,"
        "不超过平台设定的大小,内容须与扩展名相符,否则返回 400(fields 中为 file)。"
        "返回新附件;办理记录中记一条“上传附件”。附件上传后不能删除。",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            **refusals(400, 403, 404, 409),
            415: OpenApiResponse(
                ApiErrorSerializer,
                description="请求内容须为 multipart/form-data(文件放在 file 字段)。",
            ),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        proposal = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            attachments = proposal.attachments.all()
            return Response(AttachmentSerializer(attachments, many=True, context=context).data)
        data = self.read_input(AttachmentUploadSerializer)
        try:
            attachment = services.proposal_attach(
                proposal=proposal, upload=data["file"], by=request.user
            )
        except InvalidInput as refusal:
            # The service names the filing form's field; here the file is sent as ``file``.
            field = "file" if refusal.field == "attachments" else refusal.field
            raise InvalidInput(refusal.message, field=field) from refusal
        return Response(
            AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="下载附件",
        description="下载建议提案的一个附件,以原文件名保存;与网页相同,本人可见该件即可下载,"
        "否则(或附件不属于该件、不存在)返回 404。",
        parameters=[
            OpenApiParameter(
                "attachment_pk",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="附件编号(附件的 id)。",
            )
        ],
        responses={
            # The file as uploaded: one of the types an attachment may have.
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description="文件内容;Content-Type 为附件的类型,"
                    "Content-Disposition 中为原文件名。",
                )
                for content_type in sorted({kind for kind, _ in ATTACHMENT_TYPES.values()})
            },
            **refusals(404),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)",
        url_name="attachment",
        filter_backends=[],
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        proposal = self.get_object()  # scoped to what the caller may see
        return attachment_download(get_object_or_404(proposal.attachments, pk=attachment_pk))

    def perform_content_negotiation(self, request, force=False):
        # A download is the file whatever Accept asks for; a refusal of it is JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action == "attachment"
        )

    @extend_schema(
        summary="办理记录",
        description="建议提案的办理过程,按时间先后,与网页上的办理过程相同:委员会工作人员和"
        "承办单位看到每一步、操作人和说明;提出人只看到与其相关的步骤,不显示操作人和内部说明。",
        parameters=PAGE_PARAMETERS,
        responses={200: TimelineEntrySerializer(many=True), **refusals(404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None):
        proposal = self.get_object()
        agency_ids = proposal.assignments.values_list("agency_id", flat=True)
        for_proposer = timeline.for_proposer(request.user, proposal, agency_ids)
        events = proposal.events.select_related(
            "actor", "assignment__agency", "assignment__proposal"
        )
        if for_proposer:
            events = timeline.proposer_events(events)
        page = self.paginate_queryset(events)
        entries = timeline.entries(proposal, page, for_proposer=for_proposer, reader=request.user)
        return self.get_paginated_response(TimelineEntrySerializer(entries, many=True).data)


@extend_schema(tags=["交办"])
@extend_schema_view(
    list=extend_schema(
        summary="交办",
        description="本人可见的建议提案的各项交办,最近到期的在前:承办单位人员用 mine=true "
        "取得本单位的待办(另可按状态筛选),委员会工作人员可按单位、状态、方式筛选。",
        responses={200: AssignmentSerializer(many=True), **refusals(400)},
    ),
    retrieve=extend_schema(
        summary="一项交办",
        description="一项交办及其各环节期限、待审批的延期申请;本人不可见或不存在时返回 404。",
        responses={200: AssignmentSerializer, **refusals(404)},
    ),
)
class AssignmentViewSet(WorkflowViewSet):
    model = Assignment
    read_serializer = AssignmentSerializer
    detail_serializer = AssignmentSerializer
    filterset_class = AssignmentFilter

    def rows(self, user) -> QuerySet:
        return assignment_rows(user)

    @assignment_action(
        "签收",
        "承办单位人员签收交办;参阅件为签阅,签阅后即告完成。",
    )
    @action(detail=True, methods=["post"], url_path="sign-for")
    def sign_for(self, request, pk=None):
        assignment = self.get_object()
        services.assignment_sign_for(assignment=assignment, by=request.user)
        return self.respond(assignment.pk)

    @assignment_action(
        "申请调整",
        "承办单位人员对待签收的交办申请调整,写明理由;由委员会工作人员审批。",
        AdjustmentRequestSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-adjustment")
    def request_adjustment(self, request, pk=None):
        assignment = self.get_object()
        data = self.read_input(AdjustmentRequestSerializer)
        services.assignment_request_adjustment(
            assignment=assignment, reason=data["reason"], by=request.user
        )
        return self.respond(assignment.pk)

    @assignment_action(
        "审批调整申请",
        "委员会工作人员同意调整(撤销本交办,可改由 new_agency 以同一方式承办,主办、分办必须指定)"
        "或不同意(写明理由,退回原单位签收)。同意并改由新单位承办时返回新的交办,否则返回本交办。",
        AdjustmentDecisionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="decide-adjustment")
    def decide_adjustment(self, request, pk=None):
        assignment = self.get_object()
        data = self.read_input(AdjustmentDecisionSerializer)
        standing = services.assignment_decide_adjustment(
            assignment=assignment,
            approve=data["decision"] == "approve",
            new_agency=data["new_agency"],
            note=data["note"],
            by=request.user,
        )
        return self.respond(standing.pk)

    @assignment_action(
        "申请延期",
        "承办单位人员为会办意见、答复或重新办理答复期限申请延期,写明理由和日期"
        "(最晚交办之日起6个月);由委员会工作人员审批。返回本交办(pending_extension 为该申请)。",
        ExtensionRequestInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        assignment = self.get_object()
        data = self.read_input(ExtensionRequestInputSerializer, assignment=assignment)
        deadline = data["deadline"] or _deadline_to_extend(assignment)
        deadline_services.extension_request(
            deadline=deadline,
            proposed_date=data["proposed_date"],
            reason=data["reason"],
            by=request.user,
        )
        return self.respond(assignment.pk)

    @assignment_action(
        "审批延期申请",
        "委员会工作人员同意延期(可另定 granted_date)或不同意(写明理由)。返回本交办。",
        ExtensionDecisionInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        assignment = self.get_object()
        data = self.read_input(ExtensionDecisionInputSerializer, assignment=assignment)
        extension = data["request"] or _extension_to_decide(assignment)
        deadline_services.extension_decide(
            request=extension,
            approve=data["decision"] == "approve",
            granted_date=data["granted_date"],
            note=data["note"],
            by=request.user,
        )
        return self.respond(assignment.pk)


def _deadline_to_extend(assignment: Assignment) -> Deadline:
    """The deadline a request names by default: the assignment's running one that may be
    extended, else its latest, for the service to say why it may not be."""
    deadlines = Deadline.objects.filter(assignment=assignment)
    running = (
        deadlines.open()
        .filter(step__in=deadline_services.EXTENDABLE_STEPS)
        .order_by("effective_due_on")
    )
    deadline = running.first() or deadlines.order_by("-starts_on", "-id").first()
    if deadline is None:
        raise TransitionNotAllowed("该交办没有办理期限,不能申请延期。")
    return deadline


def _extension_to_decide(assignment: Assignment) -> ExtensionRequest:
    """The request a decision names by default: the assignment's pending one, else its latest."""
    requests = ExtensionRequest.objects.filter(deadline__assignment=assignment)
    pending = requests.filter(status=ExtensionRequest.Status.PENDING).order_by("requested_at")
    extension = pending.first() or requests.order_by("-requested_at", "-id").first()
    if extension is None:
        raise TransitionNotAllowed("该交办没有延期申请。")
    return extension


__all__ = [
    "AssignmentViewSet",
    "ProposalViewSet",
    "ProposerViewSet",
    "SessionViewSet",
]
