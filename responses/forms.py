from django import forms

from deadlines.forms import DateInput
from portal.forms import PortalForm
from proposals.models import Proposer

from .models import ContactLog, Feedback, ReplyLetter, ResultCategory


class OpinionForm(PortalForm):
    body = forms.CharField(
        label="会办意见",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="会办意见送主办单位,由主办单位综合后答复提出人。",
    )


class ContactForm(PortalForm):
    contacted_on = forms.DateField(
        label="沟通日期",
        widget=DateInput(),
        error_messages={"invalid": "请填写有效日期,如 2026-11-20。"},
    )
    way = forms.ChoiceField(label="方式", choices=ContactLog.Way.choices)
    people = forms.CharField(label="参加人员", max_length=300)
    summary = forms.CharField(label="沟通情况", widget=forms.Textarea(attrs={"rows": 5}))


class LetterForm(PortalForm):
    body = forms.CharField(
        label="答复正文",
        widget=forms.Textarea(attrs={"rows": 24, "class": "letter-editor"}),
        required=False,
    )
    result_category = forms.ModelChoiceField(
        label="办理结果分类",
        queryset=ResultCategory.objects.none(),
        required=False,
        empty_label="(签发前须选择)",
    )
    disclosure = forms.ChoiceField(
        label="公开方式", choices=ReplyLetter.Disclosure.choices, widget=forms.RadioSelect
    )
    nondisclosure_reason = forms.CharField(
        label="不予公开理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    document_number = forms.CharField(label="发文字号", max_length=50, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, body_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_category"].queryset = ResultCategory.objects.filter(
            body=body_kind, is_active=True
        )


class ReturnForm(PortalForm):
    comment = forms.CharField(
        label="退回意见", widget=forms.Textarea(attrs={"rows": 5}), help_text="写明需要修改之处。"
    )


class FeedbackForm(PortalForm):
    rating = forms.ChoiceField(
        label="您对这份答复的评价", choices=Feedback.Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="评价为不满意时请写明原因,承办单位将据此重新办理。",
    )


class PaperRatingForm(PortalForm):
    """A rating a proposer returned on the paper form (书面征询意见表), entered by staff."""

    proposer = forms.ModelChoiceField(
        label="评价人", queryset=Proposer.objects.none(), empty_label="请选择"
    )
    rating = forms.ChoiceField(
        label="评价", choices=Feedback.Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="照录意见表上的意见;评价为不满意时必填。",
    )
    paper_dated_on = forms.DateField(
        label="意见表日期",
        widget=DateInput(),
        help_text="提出人在意见表上填写的日期。",
        error_messages={"invalid": "请填写有效日期,如 2026-11-20。"},
    )

    def __init__(self, *args, proposers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = proposers


class RehandleForm(PortalForm):
    note = forms.CharField(
        label="希望重新办理的内容", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
