"""The knowledge base in the admin: entries (text only; states change through the services and
the knowledge pages) and the synonym groups the search uses."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.audit.admin import AuditedModelAdmin
from hotline.knowledge.models import Entry, EntryEvent, Synonym


class EntryEventInline(admin.TabularInline):
    model = EntryEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor", "from_state", "to_state", "note", "version")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "category", "state", "valid_to", "updated_at"]
    list_filter = ["state", "unit", "category"]
    search_fields = ["title", "questions"]
    list_select_related = ["unit", "category"]
    autocomplete_fields = ["unit", "category"]
    readonly_fields = [
        "state",
        "revises",
        "version",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "published_by",
        "published_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "questions", "answer", "unit", "category", "source"]}),
        (_("有效期"), {"fields": ["valid_from", "valid_to"]}),
        (
            _("状态与记录"),
            {
                "fields": [
                    "state",
                    "key",
                    "revises",
                    "version",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                    "published_by",
                    "published_at",
                ]
            },
        ),
    ]
    inlines = [EntryEventInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Entries are withdrawn, never deleted: orders keep referring to them (直接答复).
        return False


@admin.register(Synonym)
class SynonymAdmin(AuditedModelAdmin):
    list_display = ["term", "synonyms", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["term", "synonyms"]
