"""Publications and index counters are read-only here: only publishing writes them."""

from django.contrib import admin

from .models import IndexSerial, Publication, PublicationSearch, PublicationStats


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("index_number", "title", "publisher", "published_on", "topic", "disclosure")
    list_filter = ("published_on", "topic", "agency")
    search_fields = ("index_number", "title", "document_number")
    date_hierarchy = "published_on"
    list_select_related = ("topic__parent",)


@admin.register(IndexSerial)
class IndexSerialAdmin(ReadOnlyAdmin):
    list_display = ("agency", "year", "last")
    list_filter = ("year",)
    search_fields = ("agency__name", "agency__org_code")
    list_select_related = ("agency",)


@admin.register(PublicationSearch)
class PublicationSearchAdmin(ReadOnlyAdmin):
    """The search rows, to look at what jieba made of a publication; rebuilt by
    ``manage.py rebuild_search_index``."""

    list_display = ("publication", "indexed_at")
    search_fields = ("publication__index_number", "publication__title")
    list_select_related = ("publication",)
    exclude = ("document",)


@admin.register(PublicationStats)
class PublicationStatsAdmin(ReadOnlyAdmin):
    list_display = ("publication", "views")
    list_select_related = ("publication",)
