"""The register's filters. Each one is backed by an index (see the models' Meta)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from agencies.models import Agency
from deadlines.models import Deadline
from portal import clock

from .models import Assignment, Proposal, Session


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="编号或标题", method="search")
    session = django_filters.ModelChoiceFilter(
        label="会议", queryset=Session.objects.none(), empty_label="全部会议"
    )
    kind = django_filters.ChoiceFilter(
        label="类别", choices=Proposal.Kind.choices, empty_label="全部类别"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=Proposal.Status.choices[1:], empty_label="全部状态"
    )
    agency = django_filters.ModelChoiceFilter(
        label="承办单位",
        queryset=Agency.objects.filter(is_active=True),
        method="by_agency",
        empty_label="全部单位",
    )
    is_key = django_filters.BooleanFilter(
        label="只看重点件", widget=forms.CheckboxInput, method="key_only"
    )
    overdue = django_filters.BooleanFilter(
        label="只看超期件", widget=forms.CheckboxInput, method="overdue_only"
    )

    class Meta:
        model = Proposal
        fields = ["q", "session", "kind", "status", "agency", "is_key", "overdue"]

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["session"].queryset = Session.objects.filter(body__in=list(bodies))
        for field in self.form.fields.values():
            field.required = False

    def search(self, queryset, name, value):
        value = value.strip().removeprefix("第").removesuffix("号")
        if not value:
            return queryset
        return queryset.filter(Q(number=value) | Q(title__icontains=value))

    def by_agency(self, queryset, name, agency):
        if agency is None:
            return queryset
        return queryset.filter(
            Exists(Assignment.objects.active().filter(proposal=OuterRef("pk"), agency=agency))
        )

    def key_only(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset

    def overdue_only(self, queryset, name, value):
        if not value:
            return queryset
        late = Deadline.objects.overdue(clock.today()).filter(assignment__proposal=OuterRef("pk"))
        return queryset.filter(Exists(late))
