"""Forms of the staff and proposer pages. They check the shape of what was typed;
the rules are the services'."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from agencies.models import Agency
from portal.forms import PortalForm

from .models import Proposal, Proposer, Session, Topic

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

    def __init__(self, body: str):
        self.body = body

    def resolve(self, names: list[str], field: str) -> list[Proposer]:
        found: dict[str, list[Proposer]] = {}
        for proposer in Proposer.objects.filter(body=self.body, name__in=names, is_active=True):
            found.setdefault(proposer.name, []).append(proposer)
        unknown = [n for n in names if n not in found]
        if unknown:
            raise ValidationError(f"提出人名册中没有:{'、'.join(unknown)}。请先在名册中登记。")
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
