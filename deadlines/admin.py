"""Admin for the working calendar, the rules and the deadlines.

Saving or deleting a calendar day or year recomputes the open deadlines it touches.
"""

from datetime import date

from django.contrib import admin, messages

from proposals.errors import WorkflowError

from . import services
from .models import CalendarDay, CalendarYear, Deadline, DeadlineRule, ExtensionRequest, Reminder


class RecomputesDeadlines:
    def _changed(self, request, first: date, last: date) -> None:
        services.calendar_changed(first=first, last=last, by=request.user)
        self.message_user(request, "已按新的节假日安排重新计算受影响的办理期限。", messages.INFO)

    def _span(self, obj) -> tuple[date, date]:
        if isinstance(obj, CalendarYear):
            return date(obj.year, 1, 1), date(obj.year, 12, 31)
        return obj.date, obj.date

    def save_model(self, request, obj, form, change):
        previous = type(obj).objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        spans = [self._span(obj)] + ([self._span(previous)] if previous else [])
        self._changed(request, min(s[0] for s in spans), max(s[1] for s in spans))

    def delete_model(self, request, obj):
        first, last = self._span(obj)
        super().delete_model(request, obj)
        self._changed(request, first, last)

    def delete_queryset(self, request, queryset):
        spans = [self._span(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        if spans:
            self._changed(request, min(s[0] for s in spans), max(s[1] for s in spans))


@admin.register(CalendarYear)
class CalendarYearAdmin(RecomputesDeadlines, admin.ModelAdmin):
    list_display = ("year", "notice")


@admin.register(CalendarDay)
class CalendarDayAdmin(RecomputesDeadlines, admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind", "name")
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("step", "body", "unit", "amount")
    list_filter = ("body", "step")


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = (
        "assignment",
        "step",
        "round",
        "starts_on",
        "due_on",
        "extended_to",
        "status",
        "provisional",
    )
    list_filter = ("step", "status", "provisional")
    search_fields = ("assignment__proposal__number", "assignment__proposal__title")
    list_select_related = ("assignment__agency", "assignment__proposal")
    date_hierarchy = "effective_due_on"
    readonly_fields = [f.name for f in Deadline._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _decide(modeladmin, request, queryset, approve: bool):
    for extension in queryset:
        try:
            services.extension_decide(
                request=extension, approve=approve, by=request.user, note="(管理后台审批)"
            )
        except WorkflowError as error:
            modeladmin.message_user(request, f"{extension}:{error}", messages.WARNING)


@admin.action(description="同意所选延期申请(按申请日期)")
def approve_selected(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, approve=True)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("deadline", "proposed_date", "status", "requested_by", "requested_at")
    list_filter = ("status",)
    list_select_related = ("deadline__assignment__agency", "requested_by")
    readonly_fields = [f.name for f in ExtensionRequest._meta.fields]
    actions = [approve_selected]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("deadline", "kind", "n", "created_at")
    list_filter = ("kind",)
    list_select_related = ("deadline__assignment__agency",)
    readonly_fields = ("deadline", "kind", "n", "sweep", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
