from django.contrib import admin

from .models import CoHandlingOpinion, ContactLog, Feedback, ReplyLetter, ResultCategory


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(ResultCategory)
class ResultCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "body", "needs_follow_up", "position", "is_active")
    list_filter = ("body", "is_active")
    search_fields = ("code", "name")


@admin.register(CoHandlingOpinion)
class CoHandlingOpinionAdmin(NoDeleteAdmin):
    list_display = ("assignment", "round", "author", "submitted_at")
    raw_id_fields = ("assignment",)
    readonly_fields = ("assignment", "round", "author", "submitted_at")
    list_select_related = ("assignment__agency", "assignment__proposal", "author")

    def has_add_permission(self, request):
        return False


@admin.register(ContactLog)
class ContactLogAdmin(NoDeleteAdmin):
    list_display = ("assignment", "contacted_on", "way", "people", "logged_by")
    list_filter = ("way",)
    raw_id_fields = ("assignment",)
    readonly_fields = ("assignment", "logged_by", "logged_at")
    list_select_related = ("assignment__agency", "assignment__proposal", "logged_by")

    def has_add_permission(self, request):
        return False


@admin.register(ReplyLetter)
class ReplyLetterAdmin(NoDeleteAdmin):
    list_display = ("__str__", "round", "version", "status", "result_category", "disclosure")
    list_filter = ("status", "disclosure", "result_category")
    search_fields = ("assignment__proposal__number", "assignment__proposal__title", "body")
    raw_id_fields = ("assignment",)
    list_select_related = ("assignment__agency", "assignment__proposal", "result_category")
    readonly_fields = (
        "assignment",
        "round",
        "version",
        "status",
        "drafted_by",
        "created_at",
        "updated_at",
        "approved_by",
        "approved_at",
        "sent_at",
        "return_comment",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Letters change only through the services, which keep versions and sign-off rules.
        return False


@admin.register(Feedback)
class FeedbackAdmin(NoDeleteAdmin):
    list_display = ("reply", "proposer", "rating", "channel", "rated_at")
    list_filter = ("rating", "channel")
    raw_id_fields = ("reply", "proposer")
    readonly_fields = (
        "reply",
        "proposer",
        "rating",
        "comment",
        "channel",
        "entered_by",
        "rated_at",
    )
    list_select_related = ("reply__assignment__agency", "reply__assignment__proposal", "proposer")

    def has_add_permission(self, request):
        return False
