"""Admin for members, roles, proposals and the access log.

Members' personal data (members and memberships) is for superusers only, and every admin page that shows it
writes the access log, as the coordinators' pages do. Roles and proposals follow the usual model permissions;
the access log is read-only for everyone.
"""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import AccessLog, Member, Membership, NetworkProposal, Role
from .services import access_log_write, member_erase


class SuperuserOnly:
    """Hide the model from everyone but superusers."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["network", "status", "requested_at", "decided_at", "decided_by", "reason"]
    readonly_fields = ["requested_at"]
    autocomplete_fields = ["network"]
    raw_id_fields = ["decided_by"]


@admin.register(Member)
class MemberAdmin(SuperuserOnly, GISModelAdmin):
    list_display = ["name", "business_name", "kind", "language", "address_unverified", "email_confirmed_at"]
    list_filter = ["kind", "language", "address_unverified", "memberships__network"]
    search_fields = ["name", "business_name", "email", "mobile", "address_text"]
    readonly_fields = [
        "public_id",
        "created",
        "updated",
        "consent_at",
        "consent_version",
        "email_confirmed_at",
    ]
    raw_id_fields = ["address", "registered_by"]
    inlines = [MembershipInline]
    actions = ["erase_selected"]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        if cl is not None:
            access_log_write(
                user=request.user, action="view", count=len(cl.result_list), reason="admin: member list"
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if object_id and str(object_id).isdigit():
            access_log_write(
                user=request.user, action="view", member_id=int(object_id), reason="admin: member"
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting through the admin would skip the erasure's clean-up: erase instead.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Erase the selected members (personal data removed at once)")
    def erase_selected(self, request, queryset):
        count = 0
        for member in queryset:
            member_erase(member=member, user=request.user, reason="erased by an administrator")
            count += 1
        self.message_user(request, f"{count} members erased.")

    def delete_model(self, request, obj):
        member_erase(member=obj, user=request.user, reason="erased by an administrator")


@admin.register(Membership)
class MembershipAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["member", "network", "status", "requested_at", "decided_at"]
    list_filter = ["status", "network"]
    list_select_related = ["member", "network"]
    raw_id_fields = ["member", "decided_by"]
    autocomplete_fields = ["network"]

    def changelist_view(self, request, extra_context=None):
        access_log_write(user=request.user, action="view", reason="admin: membership list")
        return super().changelist_view(request, extra_context)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "police_zone", "municipality"]
    list_filter = ["kind", "police_zone", "municipality"]
    list_select_related = ["user", "police_zone", "municipality"]
    autocomplete_fields = ["user", "police_zone", "municipality", "network"]


@admin.register(NetworkProposal)
class NetworkProposalAdmin(GISModelAdmin):
    list_display = ["name", "kind", "municipality", "initiator_type", "network", "created"]
    list_filter = ["kind", "initiator_type", "municipality"]
    list_select_related = ["municipality", "network"]
    raw_id_fields = ["network", "streets"]
    gis_widget_kwargs = {"attrs": {"default_zoom": 13, "default_lon": 4.24, "default_lat": 50.73}}


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "member_id", "network_id", "count", "reason"]
    list_filter = ["action"]
    search_fields = ["=member_id", "=network_id", "user__username", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
