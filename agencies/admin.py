from django.contrib import admin

from .models import Agency, AgencyMembership, CommitteeStaff


class MembershipInline(admin.TabularInline):
    model = AgencyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "org_code", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name", "org_code")
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name")
    autocomplete_fields = ["user", "agency"]
    list_select_related = ("user", "agency")


@admin.register(CommitteeStaff)
class CommitteeStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "body", "office")
    list_filter = ("body",)
    search_fields = ("user__username", "user__full_name", "office")
    autocomplete_fields = ["user"]
    list_select_related = ("user",)
