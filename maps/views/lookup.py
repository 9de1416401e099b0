"""The resident page: type an address, learn which BIN covers it. Works without JavaScript.

Each match gets a small map in the page itself (like every other map page: map_parts, the script under the
Content-Security-Policy nonce), not in an iframe of its own. What the page says beside the matches (the
village of a postcode, the nearest BINs, whom to call, hints) is maps.answer's."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.metrics import lookup_counted
from streets.address_text import AddressTextError, clean_query
from streets.selectors import address_lookup

from ..answer import (
    address_query,
    address_text,
    lookup_hints,
    nearest_live,
    place_notes,
    public_contacts,
    suggestion_query,
)
from ..builders import lookup_map, municipality_name
from .public import map_parts

MATCH_LABELS = {
    "exact": _("address found"),
    "interpolated": _("house number not in the register: position estimated between its neighbours"),
    "nearest_same_side": _("house number not in the register: nearest number on the same side"),
    "street": _("street found, no house number"),
    "postcode": _("postcode or municipality only"),
}


__all__ = ["resident_lookup"]


def _annotate(result) -> str | None:
    """Give each match what its card shows; the header of the first map (every map links the same scripts
    and styles, so the page takes one)."""
    header = None
    for s in result.suggestions:
        s.query = suggestion_query(s)
    notes = place_notes(result)
    for i, m in enumerate(result.matches):
        m.match_label = MATCH_LABELS.get(m.match, m.match)
        m.place_note = notes.get(i, "")
        m.address_query = address_query(m)
        if not m.covered:
            m.nearest_live = nearest_live(m)
            if m.street is not None:
                m.contacts = public_contacts(municipality=m.street.municipality)
        parts = map_parts(lookup_map(point=m.point, networks=[c.network for c in m.networks]))
        header = header or parts["map_header"]
        m.map_html, m.map_script = parts["map_html"], parts["map_script"]
        m.map_title = _("Map of %(address)s") % {"address": address_text(m)}
        if m.street is not None:
            m.municipality_name = municipality_name(m.street.municipality)
    return header


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
        context["map_header"] = _annotate(result)
        context["result"] = result
        context["hints"] = lookup_hints(parsed=result.parsed, result=result)
    return render(request, "maps/lookup.html", context)
