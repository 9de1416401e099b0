"""The resident page: type an address, learn which BIN covers it. Works without JavaScript."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from streets.address_text import AddressTextError, clean_query
from streets.selectors import address_lookup

from ..builders import lookup_map

MATCH_LABELS = {
    "exact": _("address found"),
    "interpolated": _("house number not in the register: position estimated between its neighbours"),
    "nearest_same_side": _("house number not in the register: nearest number on the same side"),
    "street": _("street found, no house number"),
    "postcode": _("postcode or municipality only"),
}


__all__ = ["resident_lookup"]


def resident_lookup(request):
    query = request.GET.get("q", "")
    context = {"query": query[:200]}
    if query:
        try:
            text = clean_query(query)
        except AddressTextError as exc:
            context["error"] = str(exc)
            return render(request, "maps/lookup.html", context, status=400)
        result = address_lookup(text=text, user=request.user, max_candidates=3)
        for m in result.matches:
            m.match_label = MATCH_LABELS.get(m.match, m.match)
            m.map_html = (
                lookup_map(point=m.point, networks=[c.network for c in m.networks]).get_root()._repr_html_()
            )
        context["result"] = result
    return render(request, "maps/lookup.html", context)
