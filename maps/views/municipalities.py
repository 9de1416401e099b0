"""The list of the municipalities that have a BIN on the map, each linking to its map page: where the home
page's "maps" link leads. A name typed in `q` narrows the list (any language, accents and case ignored)."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from areas.models import Municipality
from areas.selectors import municipality_ids_matching, networks_visible

from ..builders import municipality_name

__all__ = ["municipality_list"]


def municipality_list(request):
    query = request.GET.get("q", "").strip()[:100]
    visible = networks_visible(user=request.user)
    municipalities = Municipality.objects.annotate(
        network_count=Count("networks", filter=Q(networks__in=visible))
    ).filter(network_count__gt=0)
    if query:
        municipalities = municipalities.filter(pk__in=municipality_ids_matching(text=query))
    rows = sorted(
        ({"municipality": m, "name": municipality_name(m), "count": m.network_count} for m in municipalities),
        key=lambda row: row["name"].casefold(),
    )
    context = {"rows": rows, "query": query, "title": _("Maps of the neighbourhood information networks")}
    return render(request, "maps/municipality_list.html", context)
