"""Admin for alerts. Tips are edited here; alerts, deliveries, reactions and the audit log are written by the
services only, so the admin shows them read-only."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Alert, AlertAuditLog, Delivery, Reaction, Tip


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "active", "updated"]
    list_filter = ["category", "active"]
    search_fields = ["title", "text_nl", "text_fr", "text_de"]
    exclude = ["updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "msg_type", "category", "urgency", "status", "police_zone", "sent_at", "recipients"]
    list_filter = ["msg_type", "status", "category", "urgency", "police_zone"]
    list_select_related = ["police_zone"]
    search_fields = ["message"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "alert", "channel", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["alert", "member"]


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "alert", "kind", "observed_at", "created_at"]
    list_filter = ["kind"]


@admin.register(AlertAuditLog)
class AlertAuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "alert", "police_zone", "recipients"]
    list_filter = ["action", "police_zone"]
