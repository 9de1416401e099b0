from django import forms
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import Municipality, Network, PoliceZone
from .services import network_boundary_errors


class MapAdmin(GISModelAdmin):
    # OpenLayers on OpenStreetMap tiles; the widget transforms between the storage CRS and web mercator.
    gis_widget_kwargs = {"attrs": {"default_zoom": 13, "default_lon": 4.24, "default_lat": 50.73}}


@admin.register(PoliceZone)
class PoliceZoneAdmin(MapAdmin):
    list_display = ["name", "number", "code"]
    search_fields = ["name", "code", "=number"]


@admin.register(Municipality)
class MunicipalityAdmin(MapAdmin):
    list_display = ["nis_code", "name_nl", "name_fr", "name_de", "police_zone"]
    list_filter = ["police_zone"]
    search_fields = ["nis_code", "name_nl", "name_fr", "name_de"]
    list_select_related = ["police_zone"]


class NetworkAdminForm(forms.ModelForm):
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
class NetworkAdmin(MapAdmin):
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
        ("Life cycle", {"fields": ["status", "info_evening_date", "charter_signed_date", "recognised_date"]}),
        ("Contacts", {"fields": ["coordinators", "police_contact", "contact_email"]}),
        ("Area", {"fields": ["boundary", "source_id"]}),
    ]
