"""The sitemap of published replies, for search engines: an index at ``/sitemap.xml``
naming each page of the replies' section (``/sitemap-replies.xml?p=N``)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Publication


class ReplySitemap(Sitemap):
    """Every published reply's page (a withdrawn one drops out)."""

    changefreq = "never"
    limit = 5000

    def items(self):
        return Publication.objects.public().only("pk", "published_on").order_by("pk")

    def location(self, item):
        return reverse("public:detail", args=[item.pk])

    def lastmod(self, item):
        return item.published_on

    def get_latest_lastmod(self):
        # Django's default reads every item to find it; the index needs only the latest date.
        return Publication.objects.public().aggregate(latest=Max("published_on"))["latest"]


SITEMAPS = {"replies": ReplySitemap}
