from django import forms

from portal.forms import PortalForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ExtensionRequestForm(PortalForm):
    proposed_date = forms.DateField(
        label="申请延至",
        widget=DateInput(),
        help_text="最晚不超过交办之日起6个月。",
        error_messages={"invalid": "请填写有效日期,如 2026-12-31。"},
    )
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 4}))


class ExtensionDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label="审批意见",
        choices=[("approve", "同意延期"), ("refuse", "不同意延期")],
        widget=forms.RadioSelect,
    )
    granted_date = forms.DateField(
        label="批准延至",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "请填写有效日期,如 2026-12-31。"},
    )
    note = forms.CharField(
        label="审批说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不同意时必填。",
    )
