"""Admin for members, memberships and proposals.

Members' personal data (members and memberships) is for administrators only (access.permissions.
can_use_member_admin), and every admin page that shows it writes the access log, as the coordinators'
pages do. Proposals are their municipality's: administrators and its municipality staff
(access.permissions.can_admin_in_municipality).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from access.log import access_log_write
from access.permissions import admin_scope, can_admin_in_municipality, can_use_member_admin
from areas.admin import MapAdmin
from areas.models import Municipality, Network
from streets.models import Street

from .models import Member, Membership, NetworkProposal
from .services import member_erase


class MemberDataOnlyForAdministrators:
    """The model's admin pages hold members' personal data: administrators only."""

    def has_module_permission(self, request):
        return can_use_member_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return can_use_member_admin(request.user)

    def has_add_permission(self, request):
        return can_use_member_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return can_use_member_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_use_member_admin(request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["network", "status", "requested_at", "decided_at", "decided_by", "reason"]
    readonly_fields = ["requested_at"]
    autocomplete_fields = ["network"]
    raw_id_fields = ["decided_by"]


@admin.register(Member)
class MemberAdmin(MemberDataOnlyForAdministrators, MapAdmin):
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

    @admin.action(description=_("Erase the selected members (personal data removed at once)"))
    def erase_selected(self, request, queryset):
        count = 0
        for member in queryset:
            member_erase(member=member, user=request.user, reason="erased by an administrator")
            count += 1
        message = ngettext("%(count)s member erased.", "%(count)s members erased.", count)
        self.message_user(request, message % {"count": count})

    def delete_model(self, request, obj):
        member_erase(member=obj, user=request.user, reason="erased by an administrator")


@admin.register(Membership)
class MembershipAdmin(MemberDataOnlyForAdministrators, admin.ModelAdmin):
    list_display = ["member", "network", "status", "requested_at", "decided_at"]
    list_filter = ["status", "network"]
    list_select_related = ["member", "network"]
    raw_id_fields = ["member", "decided_by"]
    autocomplete_fields = ["network"]

    def changelist_view(self, request, extra_context=None):
        access_log_write(user=request.user, action="view", reason="admin: membership list")
        return super().changelist_view(request, extra_context)


@admin.register(NetworkProposal)
class NetworkProposalAdmin(MapAdmin):
    list_display = ["name", "kind", "municipality", "initiator_type", "network", "created"]
    list_filter = ["kind", "initiator_type", "municipality"]
    list_select_related = ["municipality", "network"]
    raw_id_fields = ["network", "streets"]

    def get_queryset(self, request):
        scope = admin_scope(request.user)
        queryset = super().get_queryset(request)
        return queryset if scope.everything else queryset.filter(municipality_id__in=scope.municipalities)

    def _allowed(self, request, obj=None) -> bool:
        return can_admin_in_municipality(request.user, obj.municipality_id if obj is not None else None)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices stay inside the municipalities one works for (raw id fields included: the form
        # checks a typed id against this queryset).
        scope = admin_scope(request.user)
        if not scope.everything and db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(pk__in=scope.municipalities)
        if not scope.everything and db_field.name == "network":
            kwargs["queryset"] = Network.objects.in_scope(scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope = admin_scope(request.user)
        if not scope.everything and db_field.name == "streets":
            kwargs["queryset"] = Street.objects.filter(municipality_id__in=scope.municipalities)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
