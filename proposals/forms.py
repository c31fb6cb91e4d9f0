"""Forms of the staff and proposer pages. They check the shape of what was typed;
the rules are the services'."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from agencies.models import Agency, Body
from portal.forms import PortalForm

from .errors import InvalidInput
from .models import Proposal, Proposer, Session, Topic
from .services.filing import BODY_MAX_CHARS, REASON_MAX_CHARS, TITLE_MAX_CHARS, check_length

NAME_SEPARATORS = re.compile(r"[、,,;;\s]+")


def split_names(text: str) -> list[str]:
    return [n for n in NAME_SEPARATORS.split(text or "") if n]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProposerNames:
    """Turns names typed by staff into proposers of one body, or says which are unknown."""

    UNKNOWN = "提出人名册中没有:{names}。请先在名册中登记。"

    def __init__(self, body: str, *, unknown: str = UNKNOWN):
        self.body = body
        self.unknown = unknown

    @classmethod
    def for_proposers(cls, body: str) -> ProposerNames:
        """Names typed by a proposer inviting co-signers: only the serving members of the body."""
        member = f"{Body(body).label}{Body(body).member_title}"
        return cls(
            body,
            unknown=f"{member}名册中没有:{{names}}。联名人须为本届会议的{member},请核对姓名。",
        )

    def resolve(self, names: list[str], field: str = "") -> list[Proposer]:
        found: dict[str, list[Proposer]] = {}
        for proposer in Proposer.objects.filter(body=self.body, name__in=names, is_active=True):
            found.setdefault(proposer.name, []).append(proposer)
        unknown = [n for n in names if n not in found]
        if unknown:
            raise ValidationError(self.unknown.format(names="、".join(unknown)))
        ambiguous = [n for n in names if len(found[n]) > 1]
        if ambiguous:
            raise ValidationError(
                f"名册中有重名:{'、'.join(ambiguous)}。请在数据管理中为重名者加注以区分。"
            )
        return [found[n][0] for n in names]


class FilingForm(PortalForm):
    session = forms.ModelChoiceField(
        label="会议", queryset=Session.objects.none(), empty_label="请选择"
    )
    number = forms.CharField(
        label="编号",
        max_length=30,
        required=False,
        help_text="留空则提交时按本次会议的编号规则自动编号。",
    )
    title = forms.CharField(label="标题", max_length=300)
    lead_proposer = forms.CharField(
        label="领衔人",
        max_length=100,
        help_text="填写名册中的姓名或集体名称。",
        # Suggests the names of the register (the page's datalist) as staff type.
        widget=forms.TextInput(attrs={"list": "proposer-names", "autocomplete": "off"}),
    )
    co_signers = forms.CharField(
        label="联名人",
        required=False,
        help_text="按联名顺序填写,用顿号或逗号分隔,如:何珊珊、郭锦、邱小燕。",
    )
    filed_during = forms.ChoiceField(
        label="提出时间", choices=Proposal.FiledDuring.choices, initial=Proposal.FiledDuring.SESSION
    )
    topic = forms.ModelChoiceField(
        label="主题分类",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label="(暂不分类)",
    )
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}), required=False)
    is_key = forms.BooleanField(label="列为重点督办件", required=False)
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可选多个文件:PDF、Word(.doc/.docx)、JPG 或 PNG。",
    )
    submit_now = forms.BooleanField(
        label="录入后直接提交", required=False, initial=True, help_text="不勾选则保存为草稿。"
    )

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.filter(body__in=list(bodies))

    def clean(self):
        data = super().clean()
        session = data.get("session")
        if session is None:
            return data
        names = ProposerNames(session.body)
        try:
            data["lead"] = names.resolve(split_names(data.get("lead_proposer", ""))[:1], "lead")[0]
        except (ValidationError, IndexError) as error:
            self.add_error(
                "lead_proposer", error if isinstance(error, ValidationError) else "请填写领衔人。"
            )
        try:
            data["co_signer_list"] = names.resolve(split_names(data.get("co_signers", "")), "co")
        except ValidationError as error:
            self.add_error("co_signers", error)
        return data


class RejectForm(PortalForm):
    reason = forms.CharField(
        label="不予立案理由",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="提出人会看到这段理由,请写明依据。",
    )
    forward = forms.BooleanField(label="转有关部门作为意见建议参考", required=False)


class MergeForm(PortalForm):
    into_number = forms.CharField(label="并入第几号", max_length=30)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


def agency_choices():
    return Agency.objects.filter(is_active=True).order_by("name")


class AssignForm(PortalForm):
    """Who handles the item: a lead and co-handlers, or a split; reference copies with either."""

    lead = forms.ModelChoiceField(
        label="主办单位", queryset=Agency.objects.none(), required=False, empty_label="(无)"
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label="会办单位",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="可多选(按住 Ctrl 或 Shift)。",
    )
    split = forms.ModelMultipleChoiceField(
        label="分办单位",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="分别答复时选择两个及以上单位,此时不设主办。",
    )
    reference = forms.ModelMultipleChoiceField(
        label="参阅单位",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(
        label="交办意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead", "co_handlers", "split", "reference"):
            self.fields[name].queryset = agency_choices()


class BulkAssignForm(AssignForm):
    proposals = forms.ModelMultipleChoiceField(
        label="建议提案", queryset=Proposal.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = (
            proposals if proposals is not None else Proposal.objects.none()
        )


class AdjustmentRequestForm(PortalForm):
    reason = forms.CharField(
        label="申请调整理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="说明为何不属于本单位职责,以及建议由哪个单位承办。",
    )


class AdjustmentDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label="审批意见",
        choices=[("approve", "同意调整"), ("refuse", "不同意调整")],
        widget=forms.RadioSelect,
    )
    new_agency = forms.ModelChoiceField(
        label="改由哪个单位承办",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="(不再交办其他单位)",
        help_text="同意调整时选择;主办、分办单位调整时必须指定。",
    )
    note = forms.CharField(
        label="说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不同意时必填。",
    )

    def __init__(self, *args, choices=None, **kwargs):
        """``choices``: the agency options computed once for a page holding many such forms."""
        super().__init__(*args, **kwargs)
        field = self.fields["new_agency"]
        field.queryset = agency_choices()
        if choices is not None:
            field.choices = choices


class CloseForm(PortalForm):
    note = forms.CharField(
        label="办结说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(PortalForm):
    """An assignment list (交办清单) to import into one session."""

    session = forms.ModelChoiceField(
        label="会议",
        queryset=Session.objects.none(),
        empty_label="请选择",
        help_text="建议或提案按会议所属的人大或政协确定。",
    )
    file = forms.FileField(
        label="交办清单文件",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text="Excel 工作簿(.xlsx),请使用导入模板填写。",
    )

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.filter(body__in=list(bodies))
        limits = settings.PORTAL
        self.fields["file"].help_text = (
            f"Excel 工作簿(.xlsx),不超过 {limits['IMPORT_MAX_MB']} MB、"
            f"{limits['IMPORT_MAX_ROWS']} 行;请使用导入模板填写。"
        )


class ImportConfirmForm(PortalForm):
    valid_only = forms.BooleanField(
        label="只导入无误的行",
        required=False,
        help_text="有问题的行不导入,可修改后另行上传。不勾选时,只要有一行有问题就不导入任何内容。",
    )


def _within(value: str, limit: int, what: str, field: str) -> str:
    """The service's length rule on a form field, with its message."""
    try:
        return check_length(value, limit=limit, field=field, what=what)
    except InvalidInput as error:
        raise ValidationError(error.message) from error


class DraftForm(PortalForm):
    """A proposer's draft. No ``maxlength`` on the text fields: a browser would cut a long
    paste silently, so the length is checked on saving and said, with the text kept."""

    title = forms.CharField(label="标题", help_text=f"一事一议,不超过{TITLE_MAX_CHARS}字。")
    filed_during = forms.ChoiceField(
        label="提出时间", choices=Proposal.FiledDuring.choices, initial=Proposal.FiledDuring.SESSION
    )
    topic = forms.ModelChoiceField(
        label="主题分类",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label="(暂不分类)",
    )
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        help_text=f"写明情况、问题和具体建议,可分条列出;不超过{BODY_MAX_CHARS}字。",
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可选多个文件:PDF、Word(.doc/.docx)、JPG 或 PNG。",
    )

    def clean_title(self):
        return _within(self.cleaned_data["title"], TITLE_MAX_CHARS, "标题", "title")

    def clean_body(self):
        return _within(self.cleaned_data["body"], BODY_MAX_CHARS, "正文", "body")


class NewDraftForm(DraftForm):
    """A new draft: its session (of the proposer's body) and the co-signers to invite."""

    session = forms.ModelChoiceField(
        label="会议", queryset=Session.objects.none(), empty_label=None
    )
    co_signers = forms.CharField(
        label="邀请联名人",
        required=False,
        help_text="可不填。填写同届代表或委员的姓名,多人用顿号或逗号分隔;他们确认联名后才能提交。",
        widget=forms.TextInput(attrs={"list": "proposer-names", "autocomplete": "off"}),
    )

    field_order = ["session", "title", "filed_during", "topic", "body", "co_signers"]

    def __init__(self, *args, body: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_kind = body
        self.fields["session"].queryset = Session.objects.filter(body=body)

    def clean_co_signers(self):
        names = split_names(self.cleaned_data["co_signers"])
        return ProposerNames.for_proposers(self.body_kind).resolve(names)


class EditDraftForm(DraftForm):
    """Changes to a draft, saved against the version the proposer opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class InviteForm(PortalForm):
    names = forms.CharField(
        label="邀请联名人",
        help_text="填写同届代表或委员的姓名,多人用顿号或逗号分隔,如:何珊珊、郭锦。",
        widget=forms.TextInput(attrs={"list": "proposer-names", "autocomplete": "off"}),
    )

    def __init__(self, *args, body: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_kind = body

    def clean_names(self):
        names = split_names(self.cleaned_data["names"])
        if not names:
            raise ValidationError("请填写要邀请的联名人。")
        return ProposerNames.for_proposers(self.body_kind).resolve(names)


class DeclineForm(PortalForm):
    reason = forms.CharField(
        label="谢绝理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="可不填;填写的理由领衔人会看到。",
    )

    def clean_reason(self):
        return _within(self.cleaned_data["reason"], REASON_MAX_CHARS, "谢绝理由", "reason")


class WithdrawForm(PortalForm):
    note = forms.CharField(
        label="撤回理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="撤回后不再审查办理;理由记入办理过程。",
        error_messages={"required": "请填写撤回理由。"},
    )

    def clean_note(self):
        return _within(self.cleaned_data["note"], REASON_MAX_CHARS, "撤回理由", "note")
