"""Admin for alerts, for administrators (access.permissions). Alerts, deliveries, the gateways' message ids
(with their delivery receipts), reactions and the audit log are written by the services only, so the admin
shows them read-only; the police work with alerts on
their own pages. Tips: whoever works with tips reads those of their zones and the national ones here, and
writes those access.permissions.can_edit_tip gives them (administrators: all)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from access.admin import AdministratorsOnlyAdminMixin
from access.permissions import can_edit_tip, can_work_with_tips, is_administrator, police_zone_ids
from areas.models import PoliceZone
from core.admin import ReadOnlyAdminMixin

from .models import Alert, AlertAuditLog, AlertPreviewLog, Delivery, ProviderMessage, Reaction, Tip
from .selectors import tips_visible


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "police_zone", "active", "updated"]
    list_filter = ["category", "active", "police_zone"]
    list_select_related = ["police_zone"]
    search_fields = ["title", "text_nl", "text_fr", "text_de"]
    exclude = ["updated_by"]

    def get_queryset(self, request):
        return tips_visible(user=request.user)

    def has_module_permission(self, request):
        return can_work_with_tips(request.user)

    def has_view_permission(self, request, obj=None):
        return can_work_with_tips(request.user)

    def _writes(self, request, obj=None) -> bool:
        if obj is not None:
            return can_edit_tip(request.user, obj.police_zone_id)
        return is_administrator(request.user) or bool(police_zone_ids(request.user))

    def has_add_permission(self, request):
        return self._writes(request)

    def has_change_permission(self, request, obj=None):
        return self._writes(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._writes(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "police_zone" and not is_administrator(request.user):
            kwargs["queryset"] = PoliceZone.objects.filter(pk__in=police_zone_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The zone the form chose is checked too: a tip does not move to a shelf one may not write.
        if not can_edit_tip(request.user, obj.police_zone_id):
            raise PermissionDenied
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "msg_type", "category", "urgency", "status", "police_zone", "sent_at", "recipients"]
    list_filter = ["msg_type", "status", "category", "urgency", "police_zone"]
    list_select_related = ["police_zone"]
    search_fields = ["message"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "alert", "channel", "status", "attempts", "sent_at", "receipt_at", "last_error"]
    # The status filter lists every Delivery.Status, the receipts' delivered/undeliverable/expired too.
    list_filter = ["status", "channel"]
    raw_id_fields = ["alert", "member"]


@admin.register(ProviderMessage)
class ProviderMessageAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    # Which gateway id leads to which delivery, and what its receipt said (empty: none yet): for an
    # administrator who follows up a gateway's complaint or a receipt counted as unknown.
    list_display = ["id", "gateway", "provider_id", "delivery_id", "status", "created"]
    list_filter = ["gateway", "status"]
    search_fields = ["=provider_id"]
    raw_id_fields = ["delivery"]


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "alert", "kind", "observed_at", "created_at"]
    list_filter = ["kind"]


@admin.register(AlertAuditLog)
class AlertAuditLogAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "alert", "police_zone", "recipients"]
    list_filter = ["action", "police_zone"]


@admin.register(AlertPreviewLog)
class AlertPreviewLogAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    # Who looked at the reach of which perimeter (alerts.preview): for an administrator who checks that
    # no officer narrows previews down to one house (access.permissions.can_audit_previews).
    list_display = ["at", "username", "police_zone", "area_m2", "urgency", "counted"]
    list_filter = ["urgency", "counted", "police_zone"]
    list_select_related = ["police_zone"]
    search_fields = ["username"]
