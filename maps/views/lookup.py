"""The resident page: type an address, learn which BIN covers it. Works without JavaScript.

Each match gets a small map in the page itself (like every other map page: map_parts, the script under the
Content-Security-Policy nonce), not in an iframe of its own."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.metrics import lookup_counted
from streets.address_text import AddressTextError, clean_query
from streets.selectors import address_lookup

from ..builders import lookup_map
from .public import map_parts

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
        result = address_lookup(text=text, user=request.user, max_candidates=3, cached=True)
        lookup_counted(kind="address", match=result.matches[0].match if result.matches else "none")
        for m in result.matches:
            m.match_label = MATCH_LABELS.get(m.match, m.match)
            parts = map_parts(lookup_map(point=m.point, networks=[c.network for c in m.networks]))
            # Every map's header links the same scripts and styles: the page takes the first one's.
            context.setdefault("map_header", parts["map_header"])
            m.map_html, m.map_script = parts["map_html"], parts["map_script"]
        context["result"] = result
    return render(request, "maps/lookup.html", context)
