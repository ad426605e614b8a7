from django.contrib import admin

from hotline.callbacks.models import CallbackPolicy


@admin.register(CallbackPolicy)
class CallbackPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "required_types",
        "sample_percent",
        "max_attempts",
        "distinct_days",
        "auto_close_days",
    ]
