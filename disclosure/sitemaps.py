from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Publication


class ReplySitemap(Sitemap):
    """Every published reply's page, for search engines (a withdrawn one drops out)."""

    changefreq = "never"
    limit = 10000

    def items(self):
        return Publication.objects.public().only("pk", "published_on").order_by("pk")

    def location(self, item):
        return reverse("public:detail", args=[item.pk])

    def lastmod(self, item):
        return item.published_on
