from django import forms

from deadlines.forms import DateInput
from portal.forms import PortalForm


class PublishForm(PortalForm):
    published_on = forms.DateField(
        label="发布日期",
        required=False,
        widget=DateInput(),
        help_text="留空则为今天。",
        error_messages={"invalid": "请填写有效日期,如 2026-11-20。"},
    )


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label="撤回理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明为什么撤回公开,如发现公开文本含有不应公开的内容。理由记入办理记录,不在公开页面显示。",
        error_messages={"required": "请填写撤回理由。"},
    )
