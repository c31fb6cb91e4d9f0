"""Admin pages. Workflow states are read-only here: steps go through the services,
which the actions below call with the signed-in user."""

from django.contrib import admin, messages

from .errors import WorkflowError
from .models import (
    Assignment,
    Attachment,
    CoSigner,
    Event,
    ImportJob,
    Proposal,
    ProposalSearch,
    ProposalTerm,
    Proposer,
    RepeatLink,
    Session,
    Topic,
)
from .services import proposal_accept


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "body",
        "term",
        "number",
        "opens_on",
        "closes_on",
        "filing_closes_at",
    )
    list_filter = ("body", "region")
    search_fields = ("label", "region", "level_name")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("__str__", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    autocomplete_fields = ["parent"]


@admin.register(Proposer)
class ProposerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "body", "constituency", "user", "is_active")
    list_filter = ("body", "kind", "is_active")
    search_fields = ("name", "constituency")
    autocomplete_fields = ["user"]


class CoSignerInline(admin.TabularInline):
    model = CoSigner
    extra = 0
    autocomplete_fields = ["proposer"]

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == Proposal.Status.DRAFT

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("agency", "mode", "status", "round", "assigned_at", "signed_at")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("at", "verb", "actor", "from_state", "to_state", "note")
    readonly_fields = fields


@admin.action(description="立案/登记所选建议提案")
def accept_selected(modeladmin, request, queryset):
    done = 0
    for proposal in queryset:
        try:
            proposal_accept(proposal=proposal, by=request.user)
            done += 1
        except WorkflowError as error:
            modeladmin.message_user(request, f"{proposal}:{error}", messages.WARNING)
    if done:
        modeladmin.message_user(request, f"已立案 {done} 件。", messages.SUCCESS)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "session", "kind", "lead_proposer", "status", "is_key")
    list_display_links = ("number", "title")
    list_filter = ("kind", "status", "is_key", "session")
    search_fields = ("number", "title")
    autocomplete_fields = ["lead_proposer", "topic", "merged_into"]
    list_select_related = ("session", "lead_proposer")
    readonly_fields = (
        "status",
        "merged_into",
        "rejection_reason",
        "forwarded_as_opinion",
        "created_by",
        "created_at",
        "submitted_at",
        "closed_at",
        "version",
    )
    inlines = [CoSignerInline, AttachmentInline, AssignmentInline, EventInline]
    actions = [accept_selected]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status != Proposal.Status.DRAFT:
            fields += [
                "session",
                "number",
                "kind",
                "filed_during",
                "title",
                "body",
                "lead_proposer",
            ]
        return fields

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == Proposal.Status.DRAFT

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "proposal", "content_type", "size", "uploaded_at")
    search_fields = ("name", "proposal__number", "proposal__title")
    list_select_related = ("proposal",)
    readonly_fields = (
        "proposal",
        "file",
        "name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoSigner)
class CoSignerAdmin(admin.ModelAdmin):
    list_display = ("proposal", "proposer", "position", "confirmed_at", "declined_at")
    search_fields = ("proposal__number", "proposal__title", "proposer__name")
    list_select_related = ("proposal", "proposer")
    readonly_fields = ("proposal", "proposer", "position", "confirmed_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("proposal", "agency", "mode", "status", "round", "assigned_at")
    list_filter = ("mode", "status", "agency")
    search_fields = ("proposal__number", "proposal__title", "agency__name")
    list_select_related = ("proposal", "agency")
    raw_id_fields = ("proposal", "replaced_by")
    readonly_fields = (
        "proposal",
        "agency",
        "mode",
        "status",
        "round",
        "assigned_at",
        "assigned_by",
        "signed_at",
        "signed_by",
        "adjustment_reason",
        "replaced_by",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("at", "proposal", "verb", "actor", "from_state", "to_state")
    list_filter = ("verb",)
    search_fields = ("proposal__number", "proposal__title", "note")
    list_select_related = ("proposal", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are made on the staff pages; here they are read, and old ones cleared away."""

    list_display = (
        "file_name",
        "session",
        "uploaded_by",
        "created_at",
        "status",
        "row_count",
        "done",
        "created_count",
        "failed_count",
    )
    list_filter = ("status", "session")
    search_fields = ("file_name", "uploaded_by__username", "uploaded_by__full_name")
    list_select_related = ("session", "uploaded_by")
    date_hierarchy = "created_at"
    # The rows as uploaded can run to thousands; the results say what became of each.
    exclude = ("rows",)
    readonly_fields = (
        "session",
        "uploaded_by",
        "created_at",
        "file_name",
        "status",
        "valid_only",
        "row_count",
        "total",
        "done",
        "created_count",
        "failed_count",
        "results",
        "confirmed_at",
        "finished_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A running import would lose its record midway.
        return obj is None or obj.status != ImportJob.Status.RUNNING


class ReadOnlyAdmin(admin.ModelAdmin):
    """Kept by the services; the administrator only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProposalSearch)
class ProposalSearchAdmin(ReadOnlyAdmin):
    """What jieba made of an item, for the similar-items lookup; rebuilt by
    ``manage.py rebuild_similar_index``."""

    list_display = ("proposal", "indexed_at")
    search_fields = ("proposal__title",)
    list_select_related = ("proposal",)
    exclude = ("document", "title_document")


@admin.register(ProposalTerm)
class ProposalTermAdmin(ReadOnlyAdmin):
    """How many items use each word: what makes a word distinctive in the lookup."""

    list_display = ("word", "documents")
    search_fields = ("word",)
    ordering = ("-documents",)


@admin.register(RepeatLink)
class RepeatLinkAdmin(ReadOnlyAdmin):
    """Repeat marks, set and lifted by staff on the items' pages."""

    list_display = ("proposal", "earlier", "marked_by", "marked_at", "unmarked_at")
    list_select_related = ("proposal__session", "earlier__session", "marked_by")
    raw_id_fields = ("proposal", "earlier")
