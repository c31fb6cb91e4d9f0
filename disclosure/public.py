"""The public portal: published replies to read, filter and cite, without signing in.

Every page reads ``Publication`` only, so nothing that is not published can appear
here: a letter not yet published, withheld (不予公开) or only on request has no row.
"""

from __future__ import annotations

import io

import segno
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import condition

from agencies.models import Agency
from portal.script import to_simplified
from proposals.models import Topic
from responses import documents

from . import caching, counting, search
from .caching import cached_public_page
from .models import Publication

PAGE_SIZE = 20
SORTS = {
    "new": ("-published_on", "-id"),
    "old": ("published_on", "id"),
}


class ReplyFilter(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    agency = forms.ModelChoiceField(
        label="承办单位", queryset=Agency.objects.none(), required=False, empty_label="全部单位"
    )
    year = forms.TypedChoiceField(label="年份", coerce=int, required=False, empty_value=None)
    session = forms.ChoiceField(label="会议", required=False)
    category = forms.ChoiceField(label="办理结果", required=False)
    topic = forms.ModelChoiceField(
        label="主题分类", queryset=Topic.objects.none(), required=False, empty_label="全部主题"
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("", "相关度(有关键词时)"),
            ("new", "发布日期从新到旧"),
            ("old", "发布日期从旧到新"),
        ],
    )

    explanation = ""

    def __init__(self, *args, facets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=facets["agencies"]).order_by(
            "name"
        )
        self.fields["topic"].queryset = (
            Topic.objects.filter(pk__in=facets["topics"]).select_related("parent")
        ).order_by("position", "name")
        self.fields["year"].choices = [("", "全部年份")] + [(y, f"{y}年") for y in facets["years"]]
        self.fields["session"].choices = [("", "全部会议")] + [(s, s) for s in facets["sessions"]]
        self.fields["category"].choices = [("", "全部结果")] + [
            (c, c) for c in facets["categories"]
        ]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")


def facets() -> dict:
    """What the public can browse by, shared by every public page until the next publication."""
    return caching.shared(caching.FACETS_KEY, _facets)


def _facets() -> dict:
    rows = list(
        Publication.objects.order_by()
        .values("agency_id", "year", "session_label", "result_category", "topic_id")
        .annotate(n=Count("id"))
    )
    return {
        "agencies": sorted({r["agency_id"] for r in rows}),
        "years": sorted({r["year"] for r in rows}, reverse=True),
        "sessions": sorted({r["session_label"] for r in rows if r["session_label"]}),
        "categories": sorted({r["result_category"] for r in rows if r["result_category"]}),
        "topics": sorted({r["topic_id"] for r in rows if r["topic_id"]}),
        "total": sum(r["n"] for r in rows),
    }


def filtered(data) -> tuple[ReplyFilter, object, str]:
    """The published replies the filters choose, and the form that chose them."""
    form = ReplyFilter(data or None, facets=facets())
    replies = Publication.objects.select_related("agency", "topic__parent")
    q = ""
    if form.is_bound:
        form.is_valid()  # a value that is not among the choices is left out, not an error page
        d = {name: None for name in form.fields} | {"q": ""} | form.cleaned_data
        if d["agency"]:
            replies = replies.filter(agency=d["agency"])
        if d["year"]:
            replies = replies.filter(year=d["year"])
        if d["session"]:
            replies = replies.filter(session_label=d["session"])
        if d["category"]:
            replies = replies.filter(result_category=d["category"])
        if d["topic"]:
            replies = replies.filter(topic=d["topic"])
        q = to_simplified(d["q"].strip())
        if q:
            replies, form.explanation = search.search(replies, q)
        if d["sort"] in SORTS or not q:
            replies = replies.order_by(*SORTS.get(d["sort"] or "new", SORTS["new"]))
        form.ignored = [form.fields[name].label for name in form.errors]
    else:
        replies = replies.order_by(*SORTS["new"])
    return form, replies, q


@cached_public_page
def reply_list(request):
    form, replies, q = filtered(request.GET)
    if not q:
        replies = replies.defer("body")
    page = Paginator(replies.defer("contact_name", "contact_phone"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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


def _last_modified(request, pk: int):
    # A publication never changes after it is written; its page changes with the portal's
    # templates, which the version of the cached pages covers.
    return Publication.objects.filter(pk=pk).values_list("created_at", flat=True).first()


@condition(last_modified_func=_last_modified)
def reply_detail(request, pk: int):
    response = _detail_page(request, pk)
    if response.status_code == 200:
        counting.seen(pk)
    return response


@cached_public_page
def _detail_page(request, pk: int):
    reply = get_object_or_404(
        Publication.objects.select_related("agency", "topic__parent", "stats"), pk=pk
    )
    views = (reply.stats.views if hasattr(reply, "stats") else 0) + counting.pending(pk)
    return render(request, "public/detail.html", {"reply": reply, "views": views})


@condition(last_modified_func=_last_modified)
@cached_public_page
def reply_print(request, pk: int):
    reply = get_object_or_404(Publication.objects.select_related("agency", "topic__parent"), pk=pk)
    return render(request, "public/print.html", {"reply": reply})


def reply_qr(request, pk: int):
    """A QR code of the reply's address, for printed copies and screens (SVG)."""
    get_object_or_404(Publication.objects.only("pk"), pk=pk)
    url = request.build_absolute_uri(reverse("public:detail", args=[pk]))
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=4, title="本页网址二维码")
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def reply_docx(request, pk: int):
    """The published reply as a Word document (its public text, in the standard layout)."""
    reply = get_object_or_404(Publication.objects.select_related("agency"), pk=pk)
    name = f"{reply.index_number or reply.pk}".replace("/", "-") + ".docx"
    return FileResponse(
        io.BytesIO(documents.publication_docx(reply)),
        as_attachment=True,
        filename=f"{reply.title[:60]}({name})",
        content_type=documents.DOCX_CONTENT_TYPE,
    )
