"""The police pages: the alert map an officer draws on, an alert's page, and the evaluation of a period.
Who may open them is asked of access.permissions; what they show comes from the alerts app's selectors."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access.permissions import can_evaluate, can_send_alerts
from alerts.models import Alert
from alerts.relay_selectors import relays_for_police
from alerts.selectors import (
    alert_follow_ups_possible,
    alert_progress,
    alert_thread,
    alerts_awaiting_closing,
    alerts_in_period,
    alerts_visible,
)
from alerts.statistics import NOT_CLOSED, UNCATEGORISED, alert_statistics
from areas.models import PoliceZone

from ..police import alert_map, evaluation_map, police_alert_map
from .follow_ups import follow_up_forms, follow_up_post, follow_up_sms_frames
from .public import map_parts

__all__ = ["alert_page", "evaluation_page", "police_alert_page"]

POLICE_MAP_HEIGHT = "100%"  # the page sizes the map's frame
EVALUATION_DAYS = 90  # the period shown when none is asked for: about a quarter
# A period lies between these days: the service holds no alert from before it, nor from after today. A
# date outside is clamped (?to=9999-12-31 reads as "until today"), which also keeps the date arithmetic
# of the period (a day more, 90 days less) inside Python's dates.
EARLIEST_DAY = date(2000, 1, 1)


@login_required
def police_alert_page(request, number):
    """The officer's alert map: draw, preview, send. Police of the zone and administrators."""
    zone = get_object_or_404(PoliceZone, number=number)
    if not can_send_alerts(request.user, zone.pk):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    m = police_alert_map(
        police_zone=zone, height=POLICE_MAP_HEIGHT, panel_target="#alert-panel", legend_target="#alert-legend"
    )
    get_token(request)  # the map's script reads the CSRF token from its cookie
    return render(
        request,
        "maps/police_alert_page.html",
        {
            "title": _("New alert in police zone %(name)s") % {"name": zone.name},
            "police_zone": zone,
            **map_parts(m),
        },
    )


def _sms_counter_labels() -> dict:
    """The follow-up forms' SMS counter texts, which the page's script fills in: the singular and the
    plural form (the languages of the site have two)."""
    forms = {
        key: ngettext(
            "As an SMS, with the heading and the reaction link: %(length)s characters (%(encoding)s), "
            "%(parts)s part.",
            "As an SMS, with the heading and the reaction link: %(length)s characters (%(encoding)s), "
            "%(parts)s parts.",
            n,
        )
        for key, n in (("one", 1), ("many", 2))
    }
    return {**forms, "chars": _("Not in the SMS alphabet, so every part holds 70 characters: %(chars)s")}


def progress_for_page(progress: dict) -> dict:
    """alert_progress with what the page shows besides: per channel and BIN the rows still waiting, and per
    channel those handled (the progress bar's value) and the bar's text equivalent."""
    for row in progress["channels"] + progress["networks"]:
        row["waiting"] = row["queued"] + row["sending"]
    # The page's script fills the same text in when it redraws the bars.
    progress["text_template"] = _(
        "%(delivered)s delivered, %(sent)s sent without a receipt yet, %(failed)s failed, "
        "%(skipped)s skipped, %(waiting)s waiting, of %(total)s"
    )
    for c in progress["channels"]:
        c["handled"] = c["total"] - c["waiting"]
        c["text"] = progress["text_template"] % c
    return progress


@login_required
def alert_page(request, pk):
    """An alert: its perimeter and incident, deliveries, the reactions over time, outcome, and the forms
    for its follow-ups (update, cancel, closing message: POSTed here, maps/views/follow_ups.py)."""
    alert = get_object_or_404(alerts_visible(user=request.user), pk=pk)  # another zone's: 404 too
    if not can_send_alerts(request.user, alert.police_zone_id):
        raise PermissionDenied(_("This alert belongs to another police zone."))
    if alert.references_id:  # a follow-up is shown with the alert it follows
        return redirect("maps:alert", alert.references_id)
    if alert.status in (Alert.Status.PENDING, Alert.Status.RETURNED):
        return redirect("maps:alert-approval", alert.pk)  # not sent: it is in the four-eyes approval
    bound, status, form_error = None, 200, ""
    if request.method == "POST":
        result = follow_up_post(request, alert=alert)
        if result is None:
            status, form_error = 400, _("Unknown follow-up: choose update, cancel or closing message.")
        elif not hasattr(result, "is_bound"):
            return result  # sent: back to the page (a redirect)
        else:
            bound, status = result, 400
        alert.refresh_from_db()
    thread = alert_thread(alert=alert)
    title = _("Alert %(id)s: %(category)s") % {"id": alert.pk, "category": alert.get_category_display()}
    now = timezone.now()
    awaiting = alerts_awaiting_closing(police_zone_ids=[alert.police_zone_id], now=now)
    open_since = (
        int((now - alert.sent_at).total_seconds() // 60) if awaiting.filter(pk=alert.pk).exists() else None
    )
    latest = max((m["alert"].pk for m in thread["messages"]), default=0)
    possible = alert_follow_ups_possible(alert=alert)
    # Follow-ups go on the alert's channels: an SMS counter for the forms when some went by SMS.
    by_sms = "sms" in thread["messages"][0]["channels"]
    return render(
        request,
        "maps/alert_page.html",
        {
            "title": title,
            "alert": alert,
            "messages_sent": thread["messages"],
            "timeline": thread["timeline"],
            "reactions_per_network": thread["reactions_per_network"],
            "relays": relays_for_police(alert=alert),
            "counts": thread["counts"],
            "progress": progress_for_page(alert_progress(alert=alert)),
            "follow_up_forms": follow_up_forms(possible=possible, after=latest, bound=bound),
            "sms_frames": follow_up_sms_frames(alert=alert, msg_types=possible) if by_sms else {},
            "sms_labels": _sms_counter_labels(),
            "form_error": form_error,
            "open_since_minutes": open_since,
            **map_parts(alert_map(alert=alert, height=POLICE_MAP_HEIGHT)),
        },
        status=status,
    )


def _period(request) -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included, clamped to EARLIEST_DAY…today; ValueError with a
    message when they are no dates."""
    today = timezone.localdate()
    values = {}
    for key, default in (("to", today), ("from", None)):
        raw = request.GET.get(key, "").strip()
        if not raw:
            values[key] = default
            continue
        try:
            values[key] = min(max(date.fromisoformat(raw), EARLIEST_DAY), today)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": raw[:20]}
            ) from None
    end = values["to"]
    start = values["from"] or max(end - timedelta(days=EVALUATION_DAYS - 1), EARLIEST_DAY)
    if start > end:
        raise ValueError(_("The period starts after it ends."))
    return start, end


@login_required
def evaluation_page(request, number):
    """The alerts of a period on the zone's map, and per BIN what they reached and what came back."""
    zone = get_object_or_404(PoliceZone, number=number)
    if not can_evaluate(request.user, zone):
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
    statistics = alert_statistics(police_zone_ids=[zone.pk], start=start, end=end)
    outcome_counts = statistics["police_zones"][0]["outcomes"] if statistics["police_zones"] else {}
    labels = {
        **dict(Alert.Outcome.choices),
        UNCATEGORISED: _("closed without a category"),
        NOT_CLOSED: _("no closing message yet"),
    }
    context.update(
        {
            "outcomes": [(key, labels[key], outcome_counts.get(key, 0)) for key in labels],
            # Open urgent alerts: for the police, who can close them (the list links to their pages).
            "awaiting_closing": (
                list(alerts_awaiting_closing(police_zone_ids=[zone.pk], now=timezone.now())) if police else []
            ),
            "start": start,
            "end": end,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "alerts": alerts,
            "alert_links": police,
            "networks": statistics["networks"],
            "totals": {
                "alerts": len(alerts),
                "recipients": sum(a["recipients"] for a in alerts),
                "seen": sum(a["reactions"]["seen"] for a in alerts),
                "observation": sum(a["reactions"]["observation"] for a in alerts),
                "with_outcome": sum(1 for a in alerts if a["outcome"]),
            },
            **map_parts(m),
        }
    )
    return render(request, "maps/evaluation_page.html", context)
