from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from proposals.errors import WorkflowError

from .models import ApiToken, User
from .tokens import token_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "email", "phone", "email_notices")}),
        (
            "权限",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")},
        ),
    )


@admin.action(description="撤销所选接口令牌")
def revoke_selected(modeladmin, request, queryset):
    done = 0
    for token in queryset:
        try:
            token_revoke(token=token, by=request.user)
            done += 1
        except WorkflowError as error:
            modeladmin.message_user(request, f"{token}:{error}", messages.WARNING)
    if done:
        modeladmin.message_user(request, f"已撤销 {done} 个令牌。", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners and revoked through the service; no digest shown."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_on",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_on")
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_on", "revoked_at")
    readonly_fields = fields
    actions = [revoke_selected]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
