"""Street lists as CSV files (streets.streetlists): a network's, and a municipality's residential BINs'."""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from access.permissions import sees_unpublished_networks
from areas.selectors import municipality_by_key, networks_visible
from core.api import CSVRenderer
from streets.streetlists import street_list_csv

__all__ = ["MunicipalityStreetListsView", "street_list_response"]


def street_list_response(*, networks, context, filename: str, user) -> HttpResponse:
    """The street lists of `networks` as a CSV download (`context`: the networks of the border rule)."""
    response = HttpResponse(
        street_list_csv(networks=networks, context=context), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if sees_unpublished_networks(user):
        # Unpublished networks may be in it: no shared cache may keep it for the next visitor.
        patch_cache_control(response, private=True, no_store=True)
    return response


class MunicipalityStreetListsView(APIView):
    """The street lists of a municipality's residential BINs that the caller may see, as one CSV file."""

    renderer_classes = [CSVRenderer]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.STR}, summary="A municipality's street lists (CSV)"
    )
    def get(self, request, key):
        municipality = municipality_by_key(key)
        if municipality is None:
            raise Http404
        visible = networks_visible(user=request.user).filter(municipality=municipality).existing()
        return street_list_response(
            networks=visible.exclusive(),
            context=visible,
            filename=f"street-lists-{municipality.nis_code}.csv",
            user=request.user,
        )
