"""Admin for police zones, municipalities and networks, with map widgets.

What each account sees and changes here is access.permissions' answer (admin_scope): administrators
everything; municipality staff their municipalities' networks (no deletions, and not the coordinators,
police zone or police contact, which only administrators set) and the municipality itself (read-only).
"""

from django import forms
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy as _

from access.admin import ActingAdminMixin, AdministratorsOnlyAdminMixin
from access.permissions import (
    admin_scope,
    can_admin_in_municipality,
    can_delete_networks,
    can_grant_rights,
    is_administrator,
)

from .admin_import import NetworkImportAdminMixin
from .admin_versions import BoundaryHistoryAdminMixin
from .boundary_editor import BoundaryAdminMixin
from .boundary_upload import BoundaryUploadForm
from .models import Municipality, Network, PoliceZone
from .services import network_boundary_errors


class MapAdmin(BoundaryAdminMixin, GISModelAdmin):
    """Geometry fields edited on our own map (areas.boundary_editor): vendored Leaflet, no CDN, and a save
    that keeps a geometry nobody edited byte for byte."""


@admin.register(PoliceZone)
class PoliceZoneAdmin(AdministratorsOnlyAdminMixin, MapAdmin):
    list_display = ["name", "number", "code"]
    search_fields = ["name", "code", "=number"]


@admin.register(Municipality)
class MunicipalityAdmin(MapAdmin):
    list_display = ["nis_code", "name_nl", "name_fr", "name_de", "police_zone"]
    list_filter = ["police_zone"]
    search_fields = ["nis_code", "name_nl", "name_fr", "name_de"]
    list_select_related = ["police_zone"]

    def get_queryset(self, request):
        # Municipality staff see their own municipality (the network form's municipality field offers it).
        scope = admin_scope(request.user)
        queryset = super().get_queryset(request)
        return queryset if scope.everything else queryset.filter(pk__in=scope.municipalities)

    def has_module_permission(self, request):
        return can_admin_in_municipality(request.user)

    def has_view_permission(self, request, obj=None):
        return can_admin_in_municipality(request.user, obj.pk if obj is not None else None)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class NetworkAdminForm(BoundaryUploadForm, forms.ModelForm):
    """The admin's network form: the boundary checks of areas.services, as the importer and API run them."""

    class Meta:
        model = Network
        # The admin's fieldsets say which fields the page shows; these are the ones clean() reads.
        fields = ["name", "kind", "municipality", "boundary"]

    def clean(self):
        data = super().clean()
        boundary, municipality = data.get("boundary"), data.get("municipality")
        if boundary is not None and municipality is not None:
            for error in network_boundary_errors(
                boundary=boundary,
                kind=data.get("kind") or Network.Kind.BIN,
                municipality_id=municipality.pk,
                exclude_pk=self.instance.pk,
            ):
                self.add_error("boundary", error)
        return data


@admin.register(Network)
class NetworkAdmin(NetworkImportAdminMixin, BoundaryHistoryAdminMixin, ActingAdminMixin, MapAdmin):
    form = NetworkAdminForm
    list_display = ["name", "kind", "status", "municipality", "police_zone", "published"]
    list_filter = ["kind", "status", "published", "police_zone", "municipality"]
    search_fields = ["name", "slug", "municipality__name_nl", "municipality__name_fr"]
    list_select_related = ["municipality", "police_zone"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality", "police_zone", "coordinators", "police_contact"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "municipality", "police_zone", "published", "description"]},
        ),
        (
            _("Life cycle"),
            {"fields": ["status", "info_evening_date", "charter_signed_date", "recognised_date"]},
        ),
        (
            _("Contacts"),
            {"fields": ["coordinators", "police_contact", "contact_email", "relay_via_coordinator"]},
        ),
        (_("Area"), {"fields": ["boundary", "boundary_file", "source_id"]}),
    ]

    # Who may grant them (access.permissions.can_grant_rights): coordinators see members' data, the police
    # zone decides which police reach the members, the police contact is an account.
    RIGHTS_FIELDS = ["coordinators", "police_contact", "police_zone"]

    def get_queryset(self, request):
        return super().get_queryset(request).in_scope(admin_scope(request.user))

    def has_module_permission(self, request):
        return can_admin_in_municipality(request.user)

    def has_view_permission(self, request, obj=None):
        return can_admin_in_municipality(request.user, obj.municipality_id if obj is not None else None)

    def has_add_permission(self, request):
        return can_admin_in_municipality(request.user)

    def has_change_permission(self, request, obj=None):
        return can_admin_in_municipality(request.user, obj.municipality_id if obj is not None else None)

    def has_delete_permission(self, request, obj=None):
        return can_delete_networks(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if can_grant_rights(request.user) else [*readonly, *self.RIGHTS_FIELDS]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = admin_scope(request.user)
        if db_field.name == "municipality" and not scope.everything:
            # A network moves only between the municipalities one works for.
            kwargs["queryset"] = Municipality.objects.filter(pk__in=scope.municipalities)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
