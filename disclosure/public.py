"""The public portal: published replies to read, filter and cite, without signing in.

Every page reads ``Publication`` only, so nothing that is not published can appear
here: a letter not yet published, withheld (不予公开) or only on request has no row.
Every query starts from ``Publication.objects.public()``, which leaves out a reply
withdrawn after publication (撤回公开).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import NamedTuple

import segno
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import http_date

from agencies.models import Agency
from portal import clock
from portal.forms import QuickSelect
from portal.script import to_simplified
from proposals.models import Session, Topic
from proposals.selectors import can
from proposals.similarity import public_repeats
from responses import documents
from responses.models import ResultCategory

from . import caching, counting, search
from .caching import cached_public_page
from .models import Publication

PAGE_SIZE = 20
SORTS = {
    "new": ("-published_on", "-id"),
    "old": ("published_on", "id"),
}
FIRST_YEAR = 1949
ID = re.compile(r"[0-9]{1,18}")  # an id the database can compare (a bigint)
YEAR = re.compile(r"[0-9]{4}")


def last_year() -> int:
    """The latest year a filter may name: next year (a reply dated ahead, a bookmark)."""
    return clock.today().year + 1


class ReplyFilter(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    agency = forms.TypedChoiceField(
        label="承办单位", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    year = forms.TypedChoiceField(
        label="年份", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    session = forms.ChoiceField(label="会议", required=False, widget=QuickSelect)
    category = forms.ChoiceField(label="办理结果", required=False, widget=QuickSelect)
    topic = forms.TypedChoiceField(
        label="主题分类", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        widget=QuickSelect,
        choices=[
            ("", "相关度(有关键词时)"),
            ("new", "发布日期从新到旧"),
            ("old", "发布日期从旧到新"),
        ],
    )

    explanation = ""

    def __init__(self, *args, facets: dict, beyond_facets: bool = False, **kwargs):
        """The filters, each offering the values the published replies have (``facets``).

        With ``beyond_facets`` a value that no published reply has yet is a choice too when
        it names something (``existing_label``), so that filtering by it finds nothing
        rather than failing; without it (the HTML list) such a value is not a choice.
        """
        # Every choice comes from the cached facets: drawing the form reads no table.
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "全部单位"), *facets["agency_choices"]]
        self.fields["topic"].choices = [("", "全部主题"), *facets["topic_choices"]]
        self.fields["year"].choices = [("", "全部年份")] + [(y, f"{y}年") for y in facets["years"]]
        self.fields["session"].choices = [("", "全部会议")] + [(s, s) for s in facets["sessions"]]
        self.fields["category"].choices = [("", "全部结果")] + [
            (c, c) for c in facets["categories"]
        ]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")
        if beyond_facets and self.is_bound:
            for name in FILTERS:
                field, value = self.fields[name], str(self.data.get(name) or "")
                if value and value not in {str(v) for v, _ in field.choices}:
                    label = existing_label(name, value)
                    if label is not None:
                        field.choices = [*field.choices, (value, label)]


def existing_label(name: str, value: str) -> str | None:
    """What ``value`` of the filter ``name`` names, whether or not a published reply has it:
    an agency or a topic by its id, a session by its name, a result category by its name,
    or a year from 1949 to next year. ``None`` when it names nothing."""
    if "\x00" in value:
        return None  # no name holds a NUL character (nor can PostgreSQL compare one)
    if name == "agency" and ID.fullmatch(value):
        return Agency.objects.filter(pk=int(value)).values_list("name", flat=True).first()
    if name == "topic" and ID.fullmatch(value):
        topic = Topic.objects.select_related("parent").filter(pk=int(value)).first()
        return str(topic) if topic else None
    if name == "session" and Session.objects.filter(label=value).exists():
        return value
    if name == "category" and ResultCategory.objects.filter(name=value).exists():
        return value
    if name == "year" and YEAR.fullmatch(value) and FIRST_YEAR <= int(value) <= last_year():
        return f"{int(value)}年"
    return None


def facets() -> dict:
    """What the public can browse by, shared by every public page until the next publication."""
    return caching.shared(caching.FACETS_KEY, _facets)


FILTERS = ("agency", "year", "session", "category", "topic")


def _facets() -> dict:
    counts = {name: Counter() for name in FILTERS}
    for *values, n in (
        Publication.objects.public()
        .order_by()
        .values_list("agency_id", "year", "session_label", "result_category", "topic_id")
        .annotate(n=Count("id"))
    ):
        for name, value in zip(FILTERS, values, strict=True):
            if value:
                counts[name][value] += n
    agencies = list(
        Agency.objects.filter(pk__in=counts["agency"]).order_by("name").values_list("pk", "name")
    )
    topics = [
        (topic.pk, str(topic))
        for topic in Topic.objects.filter(pk__in=counts["topic"])
        .select_related("parent")
        .order_by("position", "name")
    ]
    return {
        "agencies": [pk for pk, _ in agencies],
        "agency_choices": agencies,
        "topics": [pk for pk, _ in topics],
        "topic_choices": topics,
        "years": sorted(counts["year"], reverse=True),
        "sessions": sorted(counts["session"]),
        "categories": sorted(counts["category"]),
        "total": sum(counts["agency"].values()),
        # How many replies each value of each filter holds: a list with at most one filter
        # is counted from here, not by counting the table on every page.
        "counts": {name: dict(counter) for name, counter in counts.items()},
    }


def counted(browse: dict, chosen: dict) -> int | None:
    """How many public replies the filters ``chosen`` select, when the facets tell
    (no filter, or one); ``None`` for a combination, which the paginator counts."""
    if not chosen:
        return browse["total"]
    if len(chosen) == 1:
        [(name, value)] = chosen.items()
        return browse["counts"][name].get(value, 0)
    return None


class Listing(NamedTuple):
    """The replies a list or export shows, the form that chose them, and their number
    when it is known without a query (``None``: the paginator counts)."""

    form: ReplyFilter
    replies: QuerySet
    q: str
    count: int | None


def filtered(data, *, ranked: bool = True, beyond_facets: bool = False) -> Listing:
    """The published replies the filters choose, in the order the reader asked for.

    With a search, ``ranked`` gives the search's ranked pool (the list); without it every
    match, newest first (the exports). ``beyond_facets`` filters by a value no published
    reply has yet when it names something (the API), which finds none; otherwise such a
    value is left out like any other that is not a choice (the HTML list).
    """
    browse = facets()
    form = ReplyFilter(data or None, facets=browse, beyond_facets=beyond_facets)
    replies = Publication.objects.public().select_related("agency", "topic__parent")
    d = {name: None for name in form.fields} | {"q": "", "sort": ""}
    if form.is_bound:
        form.is_valid()  # a value that is not among the choices is left out, not an error page
        d |= form.cleaned_data
        form.ignored = [form.fields[name].label for name in form.errors]
    lookups = {
        "agency": "agency",
        "year": "published_on__year",  # a range of the date indexes (the year is its date's)
        "session": "session_label",
        "category": "result_category",
        "topic": "topic",
    }
    chosen = {name: d[name] for name in FILTERS if d[name]}
    replies = replies.filter(**{lookups[name]: value for name, value in chosen.items()})
    q = to_simplified((d["q"] or "").strip())
    sort = d["sort"] if d["sort"] in SORTS else ""
    if not q:
        return Listing(form, replies.order_by(*SORTS[sort or "new"]), q, counted(browse, chosen))
    if not ranked:
        return Listing(form, search.matching(replies, q).order_by(*SORTS[sort or "new"]), q, None)
    within = counted(browse, chosen)
    found = search.search(
        replies,
        q,
        oldest_first=sort == "old",
        sizes=(browse["total"] if within is None else within, browse["total"]),
    )
    form.explanation = found.explanation
    results = found.results.order_by(*SORTS[sort]) if sort else found.results
    return Listing(form, results, q, found.count)


class CountedPaginator(Paginator):
    """A paginator told its count, so that a page costs no ``COUNT(*)`` of the table."""

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property's slot


def _page(replies: QuerySet, q: str, count: int | None, number):
    """The page of ``replies`` asked for.

    Without a search the page's ids are read first, off the list's index alone (a deep
    page skips index entries, not rows), then those rows; a search's results are a
    bounded pool already.
    """
    replies = replies.defer("contact_name", "contact_phone")
    if q:
        return CountedPaginator(replies, PAGE_SIZE, count=count).get_page(number)
    page = CountedPaginator(replies.values_list("pk", flat=True), PAGE_SIZE, count=count).get_page(
        number
    )
    ids = list(page.object_list)
    rows = replies.defer("body").in_bulk(ids) if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


@cached_public_page
def reply_list(request):
    form, replies, q, count = filtered(request.GET)
    page = _page(replies, q, count, request.GET.get("page"))
    if q:
        for reply in page.object_list:
            reply.snippet = search.snippet(reply, q)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/list.html",
        {"form": form, "page": page, "q": q, "query": query.urlencode()},
    )


def reply_detail(request, pk: int):
    response = _detail_page(request, pk)
    if response.status_code == 200:
        counting.seen(pk)
        response.counts_visit_of = pk  # a kept copy counts its visits too
    return response


def _with_last_modified(response, reply):
    # A publication never changes after it is written; its page changes with the portal's
    # templates, which the version of the cached pages covers.
    response["Last-Modified"] = http_date(reply.created_at.timestamp())
    return response


@cached_public_page
def _detail_page(request, pk: int):
    reply = get_object_or_404(
        Publication.objects.public().select_related(
            "agency", "topic__parent", "stats", "letter__assignment"
        ),
        pk=pk,
    )
    views = (reply.stats.views if hasattr(reply, "stats") else 0) + counting.pending(pk)
    # Signed-in users are never served from the cache (nor is their page stored), so the
    # link for those who may withdraw the reply costs anonymous readers nothing.
    can_withdraw = request.user.is_authenticated and can(
        request.user, "disclosure.withdraw_publication", reply
    )
    response = render(
        request,
        "public/detail.html",
        {
            "reply": reply,
            "views": views,
            "can_withdraw": can_withdraw,
            # 重复提出: the other published replies of items marked as repeats of this one.
            "repeats": public_repeats(reply),
        },
    )
    return _with_last_modified(response, reply)


@cached_public_page
def reply_print(request, pk: int):
    reply = get_object_or_404(
        Publication.objects.public().select_related("agency", "topic__parent"), pk=pk
    )
    return _with_last_modified(render(request, "public/print.html", {"reply": reply}), reply)


def reply_qr(request, pk: int):
    """A QR code of the reply's address, for printed copies and screens (SVG)."""
    get_object_or_404(Publication.objects.public().only("pk"), pk=pk)
    url = request.build_absolute_uri(reverse("public:detail", args=[pk]))
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=4, title="本页网址二维码")
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def reply_docx(request, pk: int):
    """The published reply as a Word document (its public text, in the standard layout)."""
    reply = get_object_or_404(Publication.objects.public().select_related("agency"), pk=pk)
    name = f"{reply.index_number or reply.pk}".replace("/", "-") + ".docx"
    return FileResponse(
        io.BytesIO(documents.publication_docx(reply)),
        as_attachment=True,
        filename=f"{reply.title[:60]}({name})",
        content_type=documents.DOCX_CONTENT_TYPE,
    )
