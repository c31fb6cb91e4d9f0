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
