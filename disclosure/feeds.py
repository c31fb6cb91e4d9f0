"""Atom feeds of published replies: all of them, and one per agency (withdrawn ones left out)."""

from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from agencies.models import Agency
from responses import richtext

from .models import Publication

ITEMS = 50


class LatestReplies(Feed):
    feed_type = Atom1Feed
    title = "建议提案办理平台:最新公开的答复"
    subtitle = "人大代表建议、政协提案的答复,按发布日期从新到旧。"

    def link(self):
        return reverse("public:list")

    def items(self):
        return (
            Publication.objects.public()
            .select_related("agency")
            .order_by("-published_on", "-id")[:ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return richtext.to_plain(item.body)[:300]

    def item_link(self, item):
        return reverse("public:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.publisher

    def item_guid(self, item):
        return item.index_number or f"publication-{item.pk}"

    item_guid_is_permalink = False


class AgencyReplies(LatestReplies):
    def get_object(self, request, pk: int):
        # An agency whose only publications were withdrawn has no public feed.
        public = Publication.objects.public().filter(agency=OuterRef("pk"))
        return get_object_or_404(Agency.objects.filter(Exists(public)), pk=pk)

    def title(self, agency):
        return f"{agency.name}:最新公开的答复"

    def link(self, agency):
        return f"{reverse('public:list')}?agency={agency.pk}"

    def items(self, agency):
        return (
            Publication.objects.public()
            .filter(agency=agency)
            .select_related("agency")
            .order_by("-published_on", "-id")[:ITEMS]
        )
