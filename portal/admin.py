from django.contrib import admin

from .models import QueuedTask


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """The tasks waiting for the broker: seen, never written by hand (the relay sends them)."""

    list_display = ("name", "args", "created_at", "attempts", "error")
    readonly_fields = ("name", "args", "created_at", "attempts", "error")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
