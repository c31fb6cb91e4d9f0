"""Publications, withdrawals and index counters are read-only here: only publishing and
withdrawing (``disclosure.services``) write them."""

from django.contrib import admin
from django.urls import reverse

from proposals.selectors import can

from .models import (
    IndexSerial,
    Publication,
    PublicationSearch,
    PublicationStats,
    PublicationWithdrawal,
)


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


class WithdrawnFilter(admin.SimpleListFilter):
    title = "公开状态"
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("no", "公开中"), ("yes", "已撤回公开")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.public()
        if self.value() == "yes":
            return queryset.filter(withdrawal__isnull=False)
        return queryset


class WithdrawalInline(admin.StackedInline):
    model = PublicationWithdrawal
    fields = ("withdrawn_at", "withdrawn_by", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = (
        "index_number",
        "title",
        "publisher",
        "published_on",
        "topic",
        "disclosure",
        "is_public",
    )
    list_filter = (WithdrawnFilter, "published_on", "topic", "agency")
    search_fields = ("index_number", "title", "document_number")
    date_hierarchy = "published_on"
    list_select_related = ("topic__parent", "withdrawal")
    inlines = [WithdrawalInline]
    # Withdrawing is a service with its own page (an imported reply has no other).
    change_form_template = "admin/disclosure/publication/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["withdraw_url"] = (
            reverse("disclosure:withdraw_publication", args=[obj.pk])
            if obj is not None
            and not hasattr(obj, "withdrawal")
            and can(request.user, "disclosure.withdraw_publication", obj)
            else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="公开中", boolean=True)
    def is_public(self, obj) -> bool:
        return not hasattr(obj, "withdrawal")


@admin.register(PublicationWithdrawal)
class PublicationWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("publication", "withdrawn_at", "withdrawn_by", "reason")
    search_fields = ("publication__index_number", "publication__title", "reason")
    date_hierarchy = "withdrawn_at"
    list_select_related = ("publication", "withdrawn_by")


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
