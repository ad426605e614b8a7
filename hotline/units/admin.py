from django.contrib import admin

from hotline.audit.admin import AuditedModelAdmin
from hotline.units.models import Place, Unit


class PlaceInline(admin.TabularInline):
    model = Place
    extra = 0


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "parent", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [PlaceInline]


@admin.register(Place)
class PlaceAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "unit", "is_active"]
    list_filter = ["kind", "unit"]
    search_fields = ["name"]
