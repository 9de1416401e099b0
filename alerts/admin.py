"""Admin for alerts, for administrators (access.permissions). Alerts, deliveries, the gateways' message ids
(with their delivery receipts), reactions and the audit log are written by the services only, so the admin
shows them read-only; the police work with alerts on
their own pages. Tips: whoever works with tips reads those of their zones and the national ones here, and
writes those access.permissions.can_edit_tip gives them (administrators: all)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from access.admin import AdministratorsOnlyAdminMixin
from access.permissions import (
    alert_content_scope,
    can_edit_alert_content,
    can_edit_tip,
    can_set_alert_policy,
    can_work_with_tips,
    is_administrator,
    is_police,
    police_zone_ids,
)
from areas.models import PoliceZone
from core.admin import ReadOnlyAdminMixin

from .content import placeholders_checked
from .languages import ALERT_LANGUAGES
from .models import (
    Alert,
    AlertAuditLog,
    AlertEvent,
    AlertPreviewLog,
    Delivery,
    MessageTemplate,
    ProviderMessage,
    Reaction,
    SavedArea,
    Tip,
    ZoneAlertPolicy,
)
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
    list_display = [
        "id", "msg_type", "category", "urgency", "status", "exercise", "police_zone", "sent_at", "recipients"
    ]
    list_filter = ["msg_type", "status", "exercise", "category", "urgency", "police_zone"]
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


class _ZoneContentAdmin(admin.ModelAdmin):
    """Templates and saved areas: the zone's police and administrators, each only their zones'
    (access.permissions.alert_content_scope / can_edit_alert_content)."""

    list_select_related = ["police_zone"]
    list_filter = ["active", "police_zone"]
    search_fields = ["name"]
    exclude = ["updated_by"]

    def get_queryset(self, request):
        scope = alert_content_scope(request.user)
        queryset = super().get_queryset(request)
        return queryset if scope.everything else queryset.filter(police_zone_id__in=scope.police_zones)

    def has_module_permission(self, request):
        return is_police(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return can_edit_alert_content(request.user, obj.police_zone_id)
        return is_police(request.user)

    def has_add_permission(self, request):
        return is_police(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "police_zone" and not is_administrator(request.user):
            kwargs["queryset"] = PoliceZone.objects.filter(pk__in=police_zone_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(_ZoneContentAdmin):
    list_display = ["name", "police_zone", "category", "urgency", "active", "updated"]
    search_fields = ["name", "text_nl", "text_fr", "text_de", "text_en"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        # The checks of the API (alerts.content.template_save): known placeholders, a text at all.
        class Checked(form):
            def clean(self):
                cleaned = super().clean()
                for language in ALERT_LANGUAGES:
                    key = f"text_{language}"
                    try:
                        placeholders_checked(cleaned.get(key) or "")
                    except ValidationError as exc:
                        self.add_error(key, exc)
                if not any(cleaned.get(f"text_{language}") for language in ALERT_LANGUAGES):
                    self.add_error("text_nl", _("Write the template's text in at least one language."))
                return cleaned

        return Checked

    def save_model(self, request, obj, form, change):
        if not can_edit_alert_content(request.user, obj.police_zone_id):
            raise PermissionDenied
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SavedArea)
class SavedAreaAdmin(_ZoneContentAdmin):
    # The polygon is made in the console or the API (drawn, a network, a street: alerts.content.area_save,
    # which clips it to the zone); here it is named, described and retired.
    list_display = ["name", "police_zone", "source", "active", "updated"]
    list_filter = ["active", "source", "police_zone"]
    readonly_fields = ["source", "network", "street", "margin_m", "geometry"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if not can_edit_alert_content(request.user, obj.police_zone_id):
            raise PermissionDenied
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ZoneAlertPolicy)
class ZoneAlertPolicyAdmin(admin.ModelAdmin):
    """Whether a police zone's alerts need a second officer's approval: administrators set it
    (access.permissions.can_set_alert_policy)."""

    list_display = ["police_zone", "four_eyes", "updated"]
    list_filter = ["four_eyes"]
    list_select_related = ["police_zone"]

    def has_module_permission(self, request):
        return can_set_alert_policy(request.user)

    def has_view_permission(self, request, obj=None):
        return can_set_alert_policy(request.user)

    def has_add_permission(self, request):
        return can_set_alert_policy(request.user)

    def has_change_permission(self, request, obj=None):
        return can_set_alert_policy(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_set_alert_policy(request.user)


@admin.register(AlertEvent)
class AlertEventAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    """The alerts' history: append-only, so the admin only shows it."""

    list_display = ["at", "alert", "action", "username", "status_from", "status_to"]
    list_filter = ["action"]
    search_fields = ["=alert__id", "username"]
    raw_id_fields = ["alert"]
