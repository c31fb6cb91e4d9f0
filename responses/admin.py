from django import forms
from django.contrib import admin
from django.http import JsonResponse
from django.urls import path

from portal import clock
from proposals.models import Assignment

from . import drafting
from .models import (
    CoHandlingOpinion,
    ContactLog,
    Feedback,
    LetterRevision,
    ReplyLetter,
    ReplyTemplate,
    ResultCategory,
)


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
        "paper_dated_on",
    )
    list_select_related = ("reply__assignment__agency", "reply__assignment__proposal", "proposer")

    def has_add_permission(self, request):
        return False


class ReplyTemplateForm(forms.ModelForm):
    """A template that does not compile, or fails on a real case, is refused with the error."""

    class Meta:
        model = ReplyTemplate
        fields = ["body", "agency", "name", "content", "docx", "is_active"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 22, "cols": 90, "class": "vLargeTextField"})
        }

    def clean_content(self):
        content = self.cleaned_data["content"]
        try:
            drafting.compile_template(content)
        except drafting.TemplateError as error:
            raise forms.ValidationError(str(error)) from error
        return content

    def clean(self):
        cleaned = super().clean()
        content, body = cleaned.get("content"), cleaned.get("body")
        if content and body:
            sample = drafting.sample_assignment(body, cleaned.get("agency"))
            if sample is not None:
                try:
                    drafting.render_text(content, drafting.DraftContext.for_assignment(sample))
                except drafting.TemplateError as error:
                    self.add_error("content", str(error))
        upload = cleaned.get("docx")
        if (
            upload
            and hasattr(upload, "read")
            and self.has_changed()
            and "docx" in self.changed_data
        ):
            from . import documents

            try:
                documents.check_docx_template(upload)
            except documents.DocxTemplateError as error:
                self.add_error("docx", str(error))
        return cleaned


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(NoDeleteAdmin):
    form = ReplyTemplateForm
    list_display = ("name", "body", "agency", "is_active", "updated_at")
    list_filter = ("body", "is_active")
    search_fields = ("name", "agency__name")
    autocomplete_fields = ("agency",)
    change_form_template = "admin/responses/replytemplate/change_form.html"

    class Media:
        js = ("js/template_preview.js",)

    def save_model(self, request, obj, form, change):
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="responses_replytemplate_preview"),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "variables": drafting.VARIABLES,
            "cases": drafting.preview_cases(),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def preview_view(self, request):
        """Render the template being edited against a real case: {"text"} or {"error"}."""
        if request.method != "POST" or not self.has_view_or_change_permission(request):
            return JsonResponse({"error": "请求无效。"}, status=400)
        case = request.POST.get("assignment", "")
        assignment = (
            Assignment.objects.select_related("agency", "proposal__session").filter(pk=case).first()
            if case.isdigit()
            else None
        )
        if assignment is None:
            return JsonResponse({"error": "请选择一个用于预览的案例。"})
        try:
            text = drafting.render_text(
                request.POST.get("content", ""), drafting.DraftContext.for_assignment(assignment)
            )
        except drafting.TemplateError as error:
            return JsonResponse({"error": str(error)})
        return JsonResponse({"text": text})


@admin.register(LetterRevision)
class LetterRevisionAdmin(NoDeleteAdmin):
    list_display = ("letter", "version", "saved_by", "saved_at", "note")
    list_select_related = ("letter__assignment__agency", "letter__assignment__proposal", "saved_by")
    readonly_fields = [f.name for f in LetterRevision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
