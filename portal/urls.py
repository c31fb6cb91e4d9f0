from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from disclosure import feeds, sitemaps
from disclosure.caching import cached_public_page

from . import health, views

admin.site.site_header = "建议提案办理平台 管理"
admin.site.site_title = "建议提案办理平台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("workspace/", views.workspace, name="workspace"),
    path("replies/", include("disclosure.public_urls")),
    path("feeds/replies.atom", feeds.LatestReplies(), name="feed_replies"),
    path("feeds/agencies/<int:pk>/replies.atom", feeds.AgencyReplies(), name="feed_agency"),
    path(
        "sitemap.xml",
        cached_public_page(sitemap_views.index),
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_public_page(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("preferences/text-size/", views.set_text_size, name="set_text_size"),
    path("preferences/script/", views.set_script, name="set_script"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("proposals/", include("proposals.urls")),
    path("agency/", include("agencies.urls")),
    path("letters/", include("responses.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("inbox/", include("notifications.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("stats/", include("stats.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
