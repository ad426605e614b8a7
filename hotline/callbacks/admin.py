from django.contrib import admin

from hotline.audit.admin import AuditedModelAdmin
from hotline.callbacks.models import CallbackPolicy


@admin.register(CallbackPolicy)
class CallbackPolicyAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "required_types",
        "sample_percent",
        "max_attempts",
        "distinct_days",
        "auto_close_days",
    ]
