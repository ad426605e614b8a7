"""The knowledge base in the admin: only the synonym groups the search uses, which are the
system administrator's configuration (audited). Entries are not here: their text changes only
through the knowledge pages and `knowledge.services`, where the host unit reviews and publishes
and every version stays on record (Art. 10, 11(2))."""

from django.contrib import admin

from hotline.audit.admin import AuditedModelAdmin
from hotline.knowledge.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(AuditedModelAdmin):
    list_display = ["term", "synonyms", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["term", "synonyms"]
