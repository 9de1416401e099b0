"""Admin for roles and the access log (read-only for everyone)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import AccessLog, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "police_zone", "municipality"]
    list_filter = ["kind", "police_zone", "municipality"]
    list_select_related = ["user", "police_zone", "municipality"]
    autocomplete_fields = ["user", "police_zone", "municipality", "network"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "member_id", "network_id", "count", "reason"]
    list_filter = ["action"]
    search_fields = ["=member_id", "=network_id", "user__username", "reason"]
    date_hierarchy = "at"
