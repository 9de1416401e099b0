from django.contrib import admin

from areas.admin import MapAdmin

from .admin_street_lists import NetworkStreetRangeAdmin
from .models import Address, Street


@admin.register(Street)
class StreetAdmin(MapAdmin):
    list_display = ["name_nl", "name_fr", "name_de", "postcode", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name_nl", "name_fr", "name_de", "=source_id"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    show_full_result_count = False


@admin.register(Address)
class AddressAdmin(MapAdmin):
    list_display = ["__str__", "house_number", "box_number", "postcode"]
    list_filter = ["street__municipality"]
    search_fields = ["=source_id", "street__name_nl", "street__name_fr", "=postcode"]
    list_select_related = ["street", "street__municipality"]
    autocomplete_fields = ["street"]
    # A country holds millions of addresses: no COUNT(*) on every page.
    show_full_result_count = False


__all__ = ["AddressAdmin", "NetworkStreetRangeAdmin", "StreetAdmin"]
