"""The admin's rules, and the admin of roles, accounts and the two logs.

Every admin page asks access.permissions (Django's model permissions grant nothing: access.backends). Roles,
accounts and both logs are for administrators only; the other apps' admins use the mixins below. Changes to
rights made here go through access.services or run inside access.audit.acting_as, so the grant log the
database writes names the administrator who made them.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .audit import acting_as
from .models import AccessLog, GrantLog, Role
from .permissions import is_administrator
from .services import role_revoke, role_save

__all__ = ["ActingAdminMixin", "AdministratorsOnlyAdminMixin"]


class AdministratorsOnlyAdminMixin:
    """Pages for administrators only, whatever else an account holds. Goes before ModelAdmin (and after
    ReadOnlyAdminMixin, which still forbids every change)."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class ActingAdminMixin:
    """What a POST to these pages changes runs inside acting_as(user, via="admin"): the grant log names
    who changed a coordinator, a role or an account's staff or superuser status here."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with acting_as(request.user, via="admin"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with acting_as(request.user, via="admin"):
            return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        with acting_as(request.user, via="admin"):
            return super().changelist_view(request, extra_context)


@admin.register(Role)
class RoleAdmin(ActingAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "police_zone", "municipality"]
    list_filter = ["kind", "police_zone", "municipality"]
    list_select_related = ["user", "police_zone", "municipality"]
    autocomplete_fields = ["user", "police_zone", "municipality", "network"]

    def save_model(self, request, obj, form, change):
        role_save(actor=request.user, role=obj, via="admin")

    def delete_model(self, request, obj):
        role_revoke(actor=request.user, role=obj, via="admin")

    def delete_queryset(self, request, queryset):
        for role in queryset.select_related("user"):
            role_revoke(actor=request.user, role=role, via="admin")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "member_id", "network_id", "count", "reason"]
    list_filter = ["action"]
    search_fields = ["=member_id", "=network_id", "user__username", "reason"]
    date_hierarchy = "at"


@admin.register(GrantLog)
class GrantLogAdmin(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "username", "role_kind", "scope", "actor", "via"]
    list_filter = ["action", "via"]
    search_fields = ["username", "actor_name", "=user_id", "=network_id"]
    date_hierarchy = "at"

    @admin.display(description=_("where"))
    def scope(self, obj):
        parts = [
            (_("network"), obj.network_id),
            (_("police zone"), obj.police_zone_id),
            (_("municipality"), obj.municipality_id),
        ]
        return ", ".join(f"{label} {value}" for label, value in parts if value is not None)

    @admin.display(description=_("changed by"))
    def actor(self, obj):
        return obj.actor_name or _("nobody with an account (a command, a shell, SQL)")


User = get_user_model()
admin.site.unregister(User)
# Groups carry model permissions, which grant nothing here (access.backends): no page for them.
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(ActingAdminMixin, AdministratorsOnlyAdminMixin, UserAdmin):
    """Accounts: administrators only. Staff status comes with a municipality role (access.services);
    superuser status makes an administrator. Model permissions and groups are left out: they grant nothing."""

    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
