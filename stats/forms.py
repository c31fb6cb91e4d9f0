"""The statistics' filters: session, years, body, agency and topic, checked once for the
page, the exports and the API.

A committee office sees its bodies' items; an agency's members see their agency's slice
(its own assignments), the agency being chosen among theirs. A value that is not among
the choices is left out with a message on the page, and is a 400 in the API.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator

from accounts.roles import roles_of
from agencies.models import Agency, Body
from portal import clock
from portal.forms import QuickSelect
from proposals.models import Session, Topic

from .queries import Scope

FIRST_YEAR = 1949


class StatsFilterForm(forms.Form):
    session = forms.TypedChoiceField(
        label="会议", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    year_from = forms.IntegerField(label="会议年度自", required=False, min_value=FIRST_YEAR)
    year_to = forms.IntegerField(label="会议年度至", required=False, min_value=FIRST_YEAR)
    body = forms.ChoiceField(label="类别", required=False, widget=QuickSelect)
    agency = forms.TypedChoiceField(
        label="承办单位", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    topic = forms.TypedChoiceField(
        label="主题分类", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_of(user)
        self.is_staff = bool(roles.staff_bodies)
        bodies = sorted(roles.staff_bodies) if self.is_staff else list(Body.values)
        last = clock.today().year + 1
        for name in ("year_from", "year_to"):
            self.fields[name].validators.append(MaxValueValidator(last))
            self.fields[name].widget.attrs.update(min=FIRST_YEAR, max=last)
        sessions = Session.objects.filter(body__in=bodies)
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"].choices = [("", "全部会议")] + [
            (s.pk, str(s)) for s in self.sessions.values()
        ]
        self.fields["body"].choices = [("", "全部类别")] + [
            (b, f"{Body(b).label}({Body(b).item_noun})") for b in bodies
        ]
        if self.is_staff:
            agencies = Agency.objects.order_by("name")
            self.fields["agency"].choices = [("", "全部单位")]
        else:
            agencies = Agency.objects.filter(pk__in=roles.agency_ids).order_by("name")
            self.fields["agency"].choices = []
        self.agencies = {a.pk: a for a in agencies}
        self.fields["agency"].choices += [(a.pk, a.name) for a in self.agencies.values()]
        topics = Topic.objects.select_related("parent").order_by(
            "parent__position", "parent__name", "position", "name"
        )
        self.topics = {t.pk: t for t in topics}
        self.fields["topic"].choices = [("", "全部主题")] + [
            (t.pk, str(t)) for t in self.topics.values()
        ]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error("year_to", "结束年度不能早于起始年度。")
        return data

    @property
    def ignored(self) -> list[str]:
        """The labels of the filters left out for a value that is not a choice."""
        return [self.fields[name].label for name in self.errors if name in self.fields]

    def catalog(self):
        """The names of what the form offers, for labelling the tables' rows."""
        from .tables import Catalog

        names = {pk: agency.name for pk, agency in self.agencies.items()}
        return Catalog(sessions=self.sessions, topics=self.topics, agencies=names)

    def scope(self) -> Scope:
        """What the valid filters choose; an agency's member always sees one of theirs."""
        data = self.cleaned_data if self.is_bound else {}
        agency = self.agencies.get(data.get("agency"))
        if agency is None and not self.is_staff and self.agencies:
            agency = next(iter(self.agencies.values()))
        return Scope(
            session=self.sessions.get(data.get("session")),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            body=data.get("body") or None,
            agency=agency,
            topic=self.topics.get(data.get("topic")),
        )


def as_data(form: StatsFilterForm) -> dict:
    """The valid filters as query parameters, to choose the same again later."""
    data = form.cleaned_data if form.is_bound else {}
    return {name: str(value) for name, value in data.items() if value not in (None, "")}


def as_query(form: StatsFilterForm) -> str:
    """The valid filters as a query string, for links that keep them (the exports)."""
    from urllib.parse import urlencode

    return urlencode(as_data(form))


def checked(data, *, user) -> StatsFilterForm:
    """The form over ``data``, validated; its invalid fields are left out of ``scope()``."""
    form = StatsFilterForm(data or None, user=user)
    if form.is_bound:
        form.is_valid()
    return form
