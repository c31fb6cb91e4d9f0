"""What the API says of deadlines and extension requests, and what it takes to ask for or
decide an extension. The endpoints are the assignments' (``proposals.api``); the rules are
``deadlines.services``'."""

from __future__ import annotations

from rest_framework import serializers

from portal import clock

from .models import Deadline, ExtensionRequest


class DeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="期限编号;申请延期时可用作 deadline。")
    step = serializers.ChoiceField(
        choices=Deadline._meta.get_field("step").choices,
        help_text="环节:sign_for 签收,opinion 会办意见,reply 答复,"
        "rehandling 重新办理答复,publication 答复公开。",
    )
    step_label = serializers.CharField(source="get_step_display", help_text="环节名称。")
    round = serializers.IntegerField(help_text="办理轮次:1 为首次办理,重新办理依次加 1。")
    starts_on = serializers.DateField(help_text="起算日(当日不计入)。")
    due_on = serializers.DateField(help_text="按规则计算的截止日。")
    extended_to = serializers.DateField(allow_null=True, help_text="经批准延期至;未延期时为 null。")
    effective_due_on = serializers.DateField(help_text="实际截止日:延期后的日期或原截止日。")
    provisional = serializers.BooleanField(
        help_text="暂定:期间经过尚未发布节假日安排的年份,按周一至周五计算。"
    )
    status = serializers.ChoiceField(
        choices=Deadline.Status.choices, help_text="状态:open 办理中,met 已完成,cancelled 已撤销。"
    )
    is_overdue = serializers.SerializerMethodField(help_text="是否已超过实际截止日仍未完成。")
    state_label = serializers.SerializerMethodField(
        help_text="列表中日期旁的说明:已超期、已延期、暂定、按期完成、超期完成、已撤销,或空字符串。"
    )
    explanation = serializers.CharField(
        source="explanation_text", help_text="截止日的计算说明(起算日、规则、经过的节假日与调休)。"
    )

    def get_is_overdue(self, deadline: Deadline) -> bool:
        return deadline.is_overdue(clock.today())

    def get_state_label(self, deadline: Deadline) -> str:
        return deadline.state_label(clock.today())


class ExtensionRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="延期申请编号;审批时可用作 request。")
    deadline = serializers.IntegerField(source="deadline_id", help_text="申请延期的期限编号。")
    proposed_date = serializers.DateField(help_text="申请延至。")
    reason = serializers.SerializerMethodField(
        help_text="延期理由;仅委员会工作人员和申请单位可见,其他人为 null。"
    )
    requested_at = serializers.DateTimeField(help_text="申请时间。")
    status = serializers.ChoiceField(
        choices=ExtensionRequest.Status.choices,
        help_text="状态:pending 待审批,approved 已同意,refused 不同意。",
    )

    def get_reason(self, request: ExtensionRequest) -> str | None:
        return request.reason if self.context.get("show_reason") else None


class ExtensionRequestInputSerializer(serializers.Serializer):
    deadline = serializers.PrimaryKeyRelatedField(
        queryset=Deadline.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="申请延期的期限编号(本交办的会办意见、答复或重新办理答复期限);"
        "留空则为本交办正在计时的那一个。",
        error_messages={"does_not_exist": "本交办没有编号为 {pk_value} 的期限。"},
    )
    proposed_date = serializers.DateField(
        help_text="申请延至的日期,如 2026-12-31;须晚于现截止日,且不超过交办之日起6个月。",
        error_messages={"invalid": "请填写有效日期,如 2026-12-31。"},
    )
    reason = serializers.CharField(max_length=2000, help_text="延期理由,委员会审批时阅读。")

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None:
            self.fields["deadline"].queryset = Deadline.objects.filter(assignment=assignment)


DECISIONS = [("approve", "同意"), ("refuse", "不同意")]


class ExtensionDecisionInputSerializer(serializers.Serializer):
    request = serializers.PrimaryKeyRelatedField(
        queryset=ExtensionRequest.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="延期申请编号;留空则为本交办待审批的那一个。",
        error_messages={"does_not_exist": "本交办没有编号为 {pk_value} 的延期申请。"},
    )
    decision = serializers.ChoiceField(
        choices=DECISIONS, help_text="审批意见:approve 同意延期,refuse 不同意延期。"
    )
    granted_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="批准延至的日期;同意时可填,留空则按申请的日期。",
        error_messages={"invalid": "请填写有效日期,如 2026-12-31。"},
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="审批说明;不同意时必填。",
    )

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None:
            self.fields["request"].queryset = ExtensionRequest.objects.filter(
                deadline__assignment=assignment
            )
