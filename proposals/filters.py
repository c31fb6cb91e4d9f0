"""The register's filters. Each one is backed by an index (see the models' Meta).

The statistics link each number to the register with these filters and ``stat``, the
figure it counts (``stats.figures``): the register then lists exactly the items counted.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from agencies.models import Agency
from deadlines.models import Deadline
from portal import clock

from .models import Assignment, Proposal, Proposer, Session, Topic

NO_TOPIC = "none"
PROPOSER_TYPES = [("person", "个人"), *Proposer.GroupKind.choices]


def topic_choices():
    """Every topic (a top-level one includes its subtopics), and 未分类."""
    topics = Topic.objects.select_related("parent").order_by(
        "parent__position", "parent__name", "position", "name"
    )
    return [(str(t.pk), str(t)) for t in topics] + [(NO_TOPIC, "未分类")]


def stat_choices():
    from stats.figures import FIGURES
    from stats.queries import result_classes

    return [(f.key, f.label) for f in FIGURES] + [(c.key, c.label) for c in result_classes()]


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
    year_from = django_filters.NumberFilter(
        label="会议年度自", method="from_year", min_value=1949, max_value=9999
    )
    year_to = django_filters.NumberFilter(
        label="会议年度至", method="to_year", min_value=1949, max_value=9999
    )
    topic = django_filters.ChoiceFilter(
        label="主题分类", choices=[], method="by_topic", empty_label="全部主题"
    )
    proposer_kind = django_filters.ChoiceFilter(
        label="提出人类型",
        choices=PROPOSER_TYPES,
        method="by_proposer_kind",
        empty_label="全部类型",
    )
    filed_during = django_filters.ChoiceFilter(
        label="提出时间", choices=Proposal.FiledDuring.choices, empty_label="全部"
    )
    # Last: it counts by the agency chosen above, as the statistics' agency rows count.
    stat = django_filters.ChoiceFilter(
        label="统计口径", choices=[], method="by_stat", empty_label="不限"
    )

    class Meta:
        model = Proposal
        fields = [
            "q",
            "session",
            "kind",
            "status",
            "agency",
            "is_key",
            "overdue",
            "year_from",
            "year_to",
            "topic",
            "proposer_kind",
            "filed_during",
            "stat",
        ]

    def __init__(self, *args, bodies=None, **kwargs):
        """``bodies``: the bodies whose sessions to offer; ``None`` offers every session."""
        super().__init__(*args, **kwargs)
        sessions = Session.objects.all()
        if bodies is not None:
            sessions = sessions.filter(body__in=list(bodies))
        self.filters["session"].queryset = sessions
        self.filters["topic"].extra["choices"] = topic_choices()
        self.filters["stat"].extra["choices"] = stat_choices()
        for field in self.form.fields.values():
            field.required = False

    def _chosen_agency(self):
        data = getattr(self.form, "cleaned_data", {})
        return data.get("agency")

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
        """Items with a step past its due date; with an agency chosen, a step of its own."""
        if not value:
            return queryset
        late = (
            Deadline.objects.overdue(clock.today())
            .filter(assignment__proposal=OuterRef("pk"))
            .exclude(assignment__status=Assignment.Status.WITHDRAWN)
        )
        agency = self._chosen_agency()
        if agency is not None:
            late = late.filter(assignment__agency=agency)
        return queryset.filter(Exists(late))

    def from_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(session__opens_on__year__gte=int(value))

    def to_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(session__opens_on__year__lte=int(value))

    def by_topic(self, queryset, name, value):
        if not value:
            return queryset
        if value == NO_TOPIC:
            return queryset.filter(topic__isnull=True)
        return queryset.on_topic(int(value))

    def by_proposer_kind(self, queryset, name, value):
        if not value:
            return queryset
        if value == "person":
            return queryset.filter(lead_proposer__kind=Proposer.Kind.PERSON)
        groups = queryset.filter(lead_proposer__kind=Proposer.Kind.GROUP)
        if value == Proposer.GroupKind.OTHER:
            return groups.filter(lead_proposer__group_kind__in=["", Proposer.GroupKind.OTHER])
        return groups.filter(lead_proposer__group_kind=value)

    def by_stat(self, queryset, name, value):
        from stats import facts, queries

        if not value:
            return queryset
        facts.settle()
        return queries.with_figure(
            queryset, value, today=clock.today(), agency=self._chosen_agency()
        )
