"""Map pages: a full page per municipality or police zone with the map, its BINs and an iframe snippet,
and a bare page of the map for other sites to embed; for the police, the alert map, an alert's page and
the evaluation map of a period."""

import re
from datetime import date, timedelta

import folium
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from alerts.models import Alert, Delivery, Reaction
from areas.models import Municipality, Network, PoliceZone
from areas.selectors import networks_visible
from members.permissions import can_send_alerts, municipality_ids, police_zone_ids

from .builders import (
    alert_map,
    evaluation_map,
    municipality_map,
    municipality_name,
    police_alert_map,
    police_zone_map,
)
from .selectors import (
    POPUP_FIELDS,
    alerts_in_period,
    municipality_by_key,
    network_statistics_in_period,
    networks_in_municipality,
    networks_in_police_zone,
)

__all__ = [
    "alert_page",
    "evaluation_page",
    "municipality_embed",
    "municipality_page",
    "police_alert_page",
    "police_zone_embed",
    "police_zone_page",
]

PAGE_MAP_HEIGHT = "70vh"
# folium's header forbids zooming the page on phones; the page keeps its own viewport tag instead.
_VIEWPORT_META = re.compile(r"<meta name=\"viewport\"[^>]*>", re.S)


def _municipality_or_404(key: str) -> Municipality:
    municipality = municipality_by_key(key)
    if municipality is None:
        raise Http404(_("No municipality “%(key)s”.") % {"key": key})
    return municipality


def _map_parts(m: folium.Map) -> dict:
    """The map split for a Django template: what goes in <head>, the map's <div>, and its script."""
    figure = m.get_root()
    figure.render()
    return {
        "map_header": _VIEWPORT_META.sub("", figure.header.render()),
        "map_html": figure.html.render(),
        "map_script": figure.script.render(),
    }


def _embed_response(m: folium.Map, title: str) -> HttpResponse:
    figure = m.get_root()
    figure.title = escape(title)
    return HttpResponse(figure.render())


def _page(request, *, m, title, networks, embed_url, extra=None):
    embed_src = request.build_absolute_uri(embed_url)
    snippet = (
        f'<iframe src="{escape(embed_src)}" title="{escape(title)}" width="100%" height="500" '
        'style="border:0" loading="lazy"></iframe>'
    )
    context = {
        "title": title,
        "networks": networks.select_related(None).only(*POPUP_FIELDS).order_by("kind", "name"),
        "embed_url": embed_url,
        "embed_snippet": snippet,
        **_map_parts(m),
        **(extra or {}),
    }
    return render(request, "maps/area_page.html", context)


def municipality_page(request, key):
    municipality = _municipality_or_404(key)
    title = _("Neighbourhood information networks in %(name)s") % {"name": municipality_name(municipality)}
    return _page(
        request,
        m=municipality_map(municipality=municipality, user=request.user, height=PAGE_MAP_HEIGHT),
        title=title,
        networks=networks_in_municipality(
            municipality=municipality, networks=networks_visible(user=request.user)
        ),
        embed_url=reverse("maps:municipality-embed", args=[municipality.nis_code]),
        extra={"municipality": municipality},
    )


@xframe_options_exempt
def municipality_embed(request, key):
    """The bare map for an iframe on another site: public networks only, whoever is logged in here."""
    municipality = _municipality_or_404(key)
    title = _("Neighbourhood information networks in %(name)s") % {"name": municipality_name(municipality)}
    return _embed_response(municipality_map(municipality=municipality), title)


def police_zone_page(request, number):
    zone = get_object_or_404(PoliceZone, number=number)
    title = _("Neighbourhood information networks in police zone %(name)s") % {"name": zone.name}
    return _page(
        request,
        m=police_zone_map(police_zone=zone, user=request.user, height=PAGE_MAP_HEIGHT),
        title=title,
        networks=networks_in_police_zone(police_zone=zone, networks=networks_visible(user=request.user)),
        embed_url=reverse("maps:police-zone-embed", args=[zone.number]),
        extra={"police_zone": zone},
    )


@xframe_options_exempt
def police_zone_embed(request, number):
    """The bare zone map for an iframe; public networks only."""
    zone = get_object_or_404(PoliceZone, number=number)
    title = _("Neighbourhood information networks in police zone %(name)s") % {"name": zone.name}
    return _embed_response(police_zone_map(police_zone=zone), title)


# --- police pages ------------------------------------------------------------------------------------

POLICE_MAP_HEIGHT = "100%"  # the page sizes the map's frame
EVALUATION_DAYS = 90  # the period shown when none is asked for: about a quarter


def _login(request):
    return redirect_to_login(request.get_full_path(), reverse("members:login"))


def police_alert_page(request, number):
    """The officer's alert map: draw, preview, send. Police of the zone and administrators."""
    if not request.user.is_authenticated:
        return _login(request)
    zone = get_object_or_404(PoliceZone, number=number)
    if not can_send_alerts(request.user, zone.pk):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    m = police_alert_map(
        police_zone=zone, user=request.user, height=POLICE_MAP_HEIGHT, panel_target="#alert-panel"
    )
    get_token(request)  # the map's script reads the CSRF token from its cookie
    return render(
        request,
        "maps/police_alert_page.html",
        {
            "title": _("New alert in police zone %(name)s") % {"name": zone.name},
            "police_zone": zone,
            **_map_parts(m),
        },
    )


def _minutes(start, end) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def alert_page(request, pk):
    """An alert: its perimeter and incident, deliveries, the reactions over time, follow-ups, outcome."""
    if not request.user.is_authenticated:
        return _login(request)
    alert = get_object_or_404(Alert.objects.select_related("police_zone", "tip", "references"), pk=pk)
    if not can_send_alerts(request.user, alert.police_zone_id):
        raise PermissionDenied(_("This alert belongs to another police zone."))
    if alert.references_id:  # a follow-up is shown with the alert it follows
        return redirect("maps:alert", alert.references_id)
    thread = [alert, *alert.follow_ups.order_by("pk")]
    counts = {a.pk: dict.fromkeys(Delivery.Status.values, 0) for a in thread}
    channels = {a.pk: {} for a in thread}
    rows = Delivery.objects.filter(alert__in=thread).values_list("alert_id", "status", "channel")
    for alert_id, status, channel in rows:
        counts[alert_id][status] += 1
        channels[alert_id][channel] = channels[alert_id].get(channel, 0) + 1
    reactions = list(Reaction.objects.filter(alert=alert).order_by("created_at", "pk"))
    names = dict(
        Network.objects.filter(pk__in={n for r in reactions for n in r.network_ids}).values_list("pk", "name")
    )
    per_network: dict[str, dict[str, int]] = {}
    timeline = []
    for r in reactions:
        networks = [names[n] for n in r.network_ids if n in names]
        for name in networks:
            per_network.setdefault(name, {"seen": 0, "observation": 0})[r.kind] += 1
        timeline.append(
            {
                "reaction": r,
                "minutes": _minutes(alert.sent_at, r.created_at),
                "networks": networks,
            }
        )
    messages = [
        {
            "alert": a,
            "deliveries": counts[a.pk],
            "channels": channels[a.pk],
            "minutes": _minutes(alert.sent_at, a.sent_at),
        }
        for a in thread
    ]
    title = _("Alert %(id)s: %(category)s") % {"id": alert.pk, "category": alert.get_category_display()}
    return render(
        request,
        "maps/alert_page.html",
        {
            "title": title,
            "alert": alert,
            "messages_sent": messages,
            "timeline": timeline,
            "reactions_per_network": sorted(per_network.items()),
            "counts": {
                "seen": sum(1 for r in reactions if r.kind == Reaction.Kind.SEEN),
                "observation": sum(1 for r in reactions if r.kind == Reaction.Kind.OBSERVATION),
            },
            **_map_parts(alert_map(alert=alert, height=POLICE_MAP_HEIGHT)),
        },
    )


def _may_evaluate(user, zone: PoliceZone) -> bool:
    """Police of the zone, staff of a municipality in the zone, administrators."""
    if user.is_superuser or zone.pk in police_zone_ids(user):
        return True
    mine = municipality_ids(user)
    return bool(mine) and zone.municipalities.filter(pk__in=mine).exists()


def _period(request) -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included; ValueError with a message when they are wrong."""
    today = timezone.localdate()
    values = {}
    for key, default in (("to", today), ("from", None)):
        raw = request.GET.get(key, "").strip()
        if not raw:
            values[key] = default
            continue
        try:
            values[key] = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": raw[:20]}
            ) from None
    end = values["to"]
    start = values["from"] or end - timedelta(days=EVALUATION_DAYS - 1)
    if start > end:
        raise ValueError(_("The period starts after it ends."))
    return start, end


def evaluation_page(request, number):
    """The alerts of a period on the zone's map, and per BIN what they reached and what came back."""
    if not request.user.is_authenticated:
        return _login(request)
    zone = get_object_or_404(PoliceZone, number=number)
    if not _may_evaluate(request.user, zone):
        raise PermissionDenied(_("The evaluation is for the police and municipalities of this zone."))
    context = {
        "title": _("Alerts in police zone %(name)s") % {"name": zone.name},
        "police_zone": zone,
        "from": request.GET.get("from", ""),
        "to": request.GET.get("to", ""),
    }
    try:
        start, end = _period(request)
    except ValueError as exc:
        context["error"] = str(exc)
        return render(request, "maps/evaluation_page.html", context, status=400)
    alerts = alerts_in_period(police_zone=zone, start=start, end=end)
    police = can_send_alerts(request.user, zone.pk)
    m = evaluation_map(police_zone=zone, alerts=alerts, alert_links=police, height=POLICE_MAP_HEIGHT)
    context.update(
        {
            "start": start,
            "end": end,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "alerts": alerts,
            "alert_links": police,
            "networks": network_statistics_in_period(police_zone=zone, start=start, end=end),
            "totals": {
                "alerts": len(alerts),
                "recipients": sum(a["recipients"] for a in alerts),
                "seen": sum(a["reactions"]["seen"] for a in alerts),
                "observation": sum(a["reactions"]["observation"] for a in alerts),
                "with_outcome": sum(1 for a in alerts if a["outcome"]),
            },
            **_map_parts(m),
        }
    )
    return render(request, "maps/evaluation_page.html", context)
