from django.contrib import admin

from finsam.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is read-only, for superusers too."""

    list_display = ["at", "association", "user", "action", "object_type", "object_repr"]
    list_filter = ["association", "action", "object_type"]
    search_fields = ["object_repr", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
