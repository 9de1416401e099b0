"""Where a logged-in user starts: the police their console (new alert, alerts in progress with their live
delivery, recent alerts, evaluation, maps), municipality staff their maps and the proposals for new BINs,
everyone else the dashboard of their networks. Which home is whose is access.permissions.home_of."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from access.permissions import (
    HOME_MUNICIPALITY,
    HOME_POLICE,
    alert_scope,
    can_evaluate,
    home_of,
    is_police,
    municipality_ids,
)
from alerts.selectors import (
    alert_progress,
    alerts_awaiting_closing,
    alerts_in_progress,
    alerts_recent,
)
from areas.models import Municipality, PoliceZone
from members.selectors import proposals_visible

from ..builders import municipality_name
from .police import progress_for_page

__all__ = ["home", "municipality_home", "police_home"]

# An alert counts as in progress for this long after it was sent, unless cancelled or closed before: a
# night shift's alerts are still on the morning shift's screen.
IN_PROGRESS_HOURS = 24
RECENT_ALERTS = 20
# The live bars of more alerts than this would poll the progress API too often for a page left open.
LIVE_PROGRESS_MAX = 10


@login_required
def home(request):
    """settings.LOGIN_REDIRECT_URL: on to the user's own home."""
    kind = home_of(request.user)
    if kind == HOME_POLICE:
        return redirect("maps:police-home")
    if kind == HOME_MUNICIPALITY:
        return redirect("maps:municipality-home")
    return redirect("members:dashboard")


def _zones_of(user):
    scope = alert_scope(user)
    zones = PoliceZone.objects.all()
    if not scope.everything:
        zones = zones.filter(pk__in=scope.police_zones)
    return list(zones.order_by("name"))


@never_cache
@login_required
def police_home(request):
    """The police console: a new alert per zone, the alerts in progress with their live delivery, the
    recent alerts, and the evaluation and maps of each zone."""
    if not is_police(request.user):
        raise PermissionDenied(_("This page is for police officers; your own start page is linked below."))
    now = timezone.now()
    since = now - timedelta(hours=IN_PROGRESS_HOURS)
    running = list(alerts_in_progress(user=request.user, since=since)[: LIVE_PROGRESS_MAX + 1])
    scope = alert_scope(request.user)
    zone_ids = None if scope.everything else scope.police_zones
    unclosed = alerts_awaiting_closing(police_zone_ids=zone_ids, now=now)
    return render(
        request,
        "maps/police_home.html",
        {
            "title": _("Police console"),
            "zones": _zones_of(request.user),
            "in_progress": [
                {
                    "alert": a,
                    "progress": progress_for_page(alert_progress(alert=a)),
                    "prefix": f"progress-{a.pk}",
                }
                for a in running[:LIVE_PROGRESS_MAX]
            ],
            "more_in_progress": len(running) > LIVE_PROGRESS_MAX,
            "in_progress_hours": IN_PROGRESS_HOURS,
            "recent": list(alerts_recent(user=request.user, limit=RECENT_ALERTS)),
            # Urgent alerts still without a closing message (BIN_ALERT_CLOSING_REMINDER_MINUTES).
            "unclosed": [
                {"alert": a, "minutes": int((now - a.sent_at).total_seconds() // 60)}
                for a in unclosed[:RECENT_ALERTS]
            ],
        },
    )


@never_cache
@login_required
def municipality_home(request):
    """Municipality staff: the maps of their municipalities, the evaluation of their police zones, the
    proposals for new BINs and the member counts of their networks."""
    mine = municipality_ids(request.user)
    if not mine:
        raise PermissionDenied(_("This page is for municipality staff; your own start page is linked below."))
    municipalities = list(
        Municipality.objects.filter(pk__in=mine).select_related("police_zone").order_by("name_nl")
    )
    rows = []
    for m in municipalities:
        zone = m.police_zone
        rows.append(
            {
                "municipality": m,
                "name": municipality_name(m),
                "zone": zone,
                "evaluation": zone is not None and can_evaluate(request.user, zone),
            }
        )
    return render(
        request,
        "maps/municipality_home.html",
        {
            "title": _("Municipality"),
            "municipalities": rows,
            "proposals": list(proposals_visible(user=request.user)[:RECENT_ALERTS]),
        },
    )
