from django import forms

from deadlines.forms import DateInput
from portal.forms import PortalForm


class ApiTokenForm(PortalForm):
    name = forms.CharField(
        label="令牌名称",
        max_length=50,
        help_text="用来认出这个令牌,如“统计脚本”或“办公系统对接”,最多50个字。",
        error_messages={
            "required": "请填写令牌名称。",
            "max_length": "令牌名称不能超过50个字。",
        },
    )
    expires_on = forms.DateField(
        label="有效期至",
        required=False,
        widget=DateInput(),
        help_text="当天结束后失效;不填则长期有效,直到撤销。",
        error_messages={"invalid": "请填写有效日期,如 2026-12-31。"},
    )
