from django.contrib import admin

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


class ReadOnlyAdmin(admin.ModelAdmin):
    # Alerts are written by the services only (outbox, audit): the admin looks, it does not edit.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["id", "msg_type", "category", "urgency", "status", "police_zone", "sent_at", "recipients"]
    list_filter = ["msg_type", "status", "category", "urgency", "police_zone"]
    list_select_related = ["police_zone"]
    search_fields = ["message"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "alert", "channel", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["alert", "member"]


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "alert", "kind", "observed_at", "created_at"]
    list_filter = ["kind"]


@admin.register(AlertAuditLog)
class AlertAuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "alert", "police_zone", "recipients"]
    list_filter = ["action", "police_zone"]
