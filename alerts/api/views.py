"""The alerts API for police officers, scoped to their police zone(s): preview, send, follow up, export."""

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import alert_scope, can_send_alerts, can_work_with_tips, is_police
from areas.models import Network, PoliceZone
from core.api import RulePermission, request_data

from ..approval import alert_submit
from ..cap import alert_cap_xml
from ..escalation import neighbours_preview
from ..languages import ALERT_LANGUAGES
from ..messages import email_subject_body, sample_link, sms_text
from ..models import Alert, Delivery, Reaction
from ..preview import PreviewLimitExceeded, alert_preview
from ..relay_selectors import reactions_hidden_from_police
from ..selectors import alert_progress, alerts_visible, approval_required, tips_for_alert, tips_visible
from ..services import AlertInput, alert_create, alert_follow_up, alert_prepare, alert_send
from ..sms_length import sms_length
from ..statistics import alert_statistics
from ..tips import tip_save
from .serializers import (
    AlertCreateInput,
    AlertFollowUpInput,
    AlertPreviewInput,
    AlertProgressOutput,
    StatsQueryInput,
    TipInput,
    TipQueryInput,
    alert_output,
    geojson,
    reaction_output,
)

__all__ = [
    "AlertCapView",
    "AlertDetailView",
    "AlertFollowUpView",
    "AlertListCreateView",
    "AlertPreviewView",
    "AlertProgressView",
    "AlertReactionsView",
    "AlertSendView",
    "AlertStatsView",
    "TipDetailView",
    "TipListView",
]


class IsPolice(RulePermission):
    """Police officers of any zone and administrators (access.permissions.is_police)."""

    rule = staticmethod(is_police)
    message = "Only police officers work with alerts."


class WorksWithTips(RulePermission):
    """Police and municipality staff (access.permissions.can_work_with_tips); who writes which tip is
    access.permissions.can_edit_tip's."""

    rule = staticmethod(can_work_with_tips)
    message = "Police and municipality staff only."


def _alert_prepared(request, *, input_class: type[AlertPreviewInput]) -> tuple[AlertInput, dict]:
    """The request's alert as alert_prepare checks and scopes it, and the validated input."""
    advice = f"A perimeter has at most {settings.BIN_ALERT_MAX_VERTICES:,} vertices; simplify the drawing."
    data = input_class(data=request_data(request, field="perimeter", advice=advice))
    data.is_valid(raise_exception=True)
    return alert_prepare(user=request.user, **data.service_kwargs()), data.validated_data


def _alert_for(user, pk: int) -> Alert:
    """Alert `pk` if `user` acts for its zone; 404 otherwise, as for an id that does not exist, so that the
    ids of other zones' alerts cannot be told from ids never used."""
    return get_object_or_404(alerts_visible(user=user), pk=pk)


def _sms_info(prepared) -> dict:
    """The SMS as members would get it (prefix, message, tip, reaction link) per language, and its length."""
    alert = Alert(
        category=prepared.category,
        message=prepared.message,
        msg_type="alert",
        exercise=prepared.exercise,
        language=prepared.language,
        translations=prepared.translations,
    )
    alert.tip_copy(prepared.tip)
    link = sample_link()
    # Per language a member may have (the version they get: alerts.languages).
    texts = {language: sms_text(alert, language, link) for language in ALERT_LANGUAGES}
    by_language = {language: sms_length(text).as_dict() for language, text in texts.items()}
    return {
        "message": sms_length(prepared.message).as_dict(),
        "full_text": texts[alert.language],
        "full": by_language[alert.language],
        "by_language": by_language,
    }


def _messages_info(prepared) -> dict:
    """What each language's members would receive, as the confirmation before sending shows it: the SMS
    (with its length and parts) and the e-mail's subject and body, the reaction link a stand-in."""
    alert = Alert(
        category=prepared.category,
        message=prepared.message,
        msg_type="alert",
        exercise=prepared.exercise,
        language=prepared.language,
        translations=prepared.translations,
    )
    alert.tip_copy(prepared.tip)
    link = sample_link()
    out = {}
    for language in ALERT_LANGUAGES:
        sms = sms_text(alert, language, link)
        subject, body = email_subject_body(alert, language, link)
        length = sms_length(sms).as_dict()
        out[language] = {"sms": sms, "sms_length": length, "subject": subject, "body": body}
    return out


def _output_with_deliveries(alert: Alert, **kwargs) -> dict:
    """alert_output with the alert's deliveries counted per status."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in alert.deliveries.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return alert_output(alert, delivery_counts=counts, **kwargs)


class AlertPreviewView(APIView):
    """How many members a perimeter reaches, in total, per channel and per BIN, with the SMS length.

    No individuals (alerts/preview.py): every count is a number of at least `min_count`, the text "<k"
    (k = `min_count`: fewer than k, 0 included), or null where it is withheld so that a hidden count cannot
    be worked out from the others. A perimeter must cover BIN_ALERT_MIN_AREA_M2 inside the zone. Each
    officer's previews of new perimeters are limited (429 beyond) and every preview is logged.
    """

    permission_classes = [IsPolice]

    @extend_schema(
        request=AlertPreviewInput,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        prepared, data = _alert_prepared(request, input_class=AlertPreviewInput)
        try:
            shown = alert_preview(user=request.user, prepared=prepared)
        except PreviewLimitExceeded as exc:
            raise Throttled(detail=str(exc)) from exc
        extra = {}
        if data.get("neighbours"):
            # Escalation: the BINs next to the perimeter's, with their reach (alerts.escalation).
            extra["neighbours"] = neighbours_preview(
                user=request.user,
                prepared=prepared,
                distance_m=data.get("neighbour_distance_m") or 0,
                added=prepared.added_networks,
            )
        return Response(
            {
                "police_zone": {"id": prepared.police_zone.pk, "name": prepared.police_zone.name},
                **shown.as_dict(),
                "area_m2": round(prepared.perimeter.geom.area),
                "clipped_fraction": round(prepared.clipped_fraction, 4),
                "warnings": prepared.warnings,
                "perimeter": geojson(prepared.perimeter.geom),
                "sms": _sms_info(prepared),
                "language": prepared.language,
                "languages": [prepared.language, *sorted(prepared.translations)],
                "added_networks": prepared.added_networks,
                **extra,
                "messages": _messages_info(prepared),
            }
        )


class AlertListCreateView(APIView):
    """GET: the alerts of your zone(s), newest first. POST: create an alert and send it (or a draft)."""

    permission_classes = [IsPolice]

    @extend_schema(operation_id="alerts_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({"results": [alert_output(a) for a in alerts_visible(user=request.user)[:200]]})

    @extend_schema(request=AlertCreateInput, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        prepared, data = _alert_prepared(request, input_class=AlertCreateInput)
        alert = alert_create(user=request.user, data=prepared)
        if data["send"] and approval_required(police_zone_id=alert.police_zone_id):
            # Four eyes: "send" submits the alert; it goes out when another officer approves it.
            alert = alert_submit(alert=alert, user=request.user)
        elif data["send"]:
            alert = alert_send(alert=alert, user=request.user)
        body = _output_with_deliveries(alert)
        body["warnings"] = prepared.warnings
        return Response(body, status=status.HTTP_201_CREATED)


class AlertDetailView(APIView):
    """One alert of your zone, with its delivery counts and the number of reactions."""

    permission_classes = [IsPolice]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        body = _output_with_deliveries(alert, reactions=Reaction.objects.filter(alert=alert.root).count())
        body["follow_ups"] = [
            {"id": f.pk, "msg_type": f.msg_type, "sent_at": f.sent_at, "recipients": f.recipients}
            for f in alert.root.follow_ups.order_by("pk")
        ]
        return Response(body)


class AlertSendView(APIView):
    """Send a draft. A second send is refused (400) and sends nothing."""

    permission_classes = [IsPolice]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        alert = alert_send(alert=alert, user=request.user)
        return Response(_output_with_deliveries(alert))


class AlertFollowUpView(APIView):
    """Update, cancel or feedback: to the recipients of the original alert, on the same channels."""

    permission_classes = [IsPolice]
    msg_type = ""

    @extend_schema(request=AlertFollowUpInput, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        data = AlertFollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        follow_up = alert_follow_up(
            original=alert,
            user=request.user,
            msg_type=self.msg_type,
            message=d["message"],
            tip_id=d.get("tip"),
            outcome=d.get("outcome", ""),
            outcome_category=d.get("outcome_category", ""),
            translations=d.get("translations"),
        )
        return Response(_output_with_deliveries(follow_up), status=status.HTTP_201_CREATED)


class AlertReactionsView(APIView):
    """The members' reactions to an alert and its follow-ups, in time order (no names)."""

    permission_classes = [IsPolice]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        alert = _alert_for(request.user, pk).root
        # Reactions to a coordinator's forward only once the coordinator passed them on (alerts.relay).
        hidden = reactions_hidden_from_police(alert=alert)
        everyone = Reaction.objects.filter(alert=alert).select_related("delivery")
        reactions = [r for r in everyone.order_by("created_at", "pk") if r.pk not in hidden]
        ids = {n for r in reactions for n in r.network_ids}
        networks = {
            n.pk: {"id": n.pk, "slug": n.slug, "name": n.name} for n in Network.objects.filter(pk__in=ids)
        }
        counts = {"seen": 0, "observation": 0}
        for r in reactions:
            counts[r.kind] += 1
        return Response(
            {
                "alert": alert.pk,
                "counts": counts,
                "results": [reaction_output(r, networks) for r in reactions],
            }
        )


class AlertProgressView(APIView):
    """How far the alert's deliveries are, per channel and per BIN, and those of its follow-ups: queued,
    sending, sent (accepted by the gateway), delivered (its delivery receipt says so), failed, skipped.
    The alert's page polls it until `all_done` and `receipts_pending` is 0."""

    permission_classes = [IsPolice]

    @extend_schema(responses={200: AlertProgressOutput, 404: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        return Response(alert_progress(alert=_alert_for(request.user, pk)))


class AlertCapView(APIView):
    """The alert as a CAP 1.2 message (application/cap+xml)."""

    permission_classes = [IsPolice]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language",
                OpenApiTypes.STR,
                description="an alert in one language: nl, fr, de or en (default: its own); an alert in "
                "several has one <info> per language",
            )
        ],
        responses={(200, "application/cap+xml"): OpenApiTypes.STR},
    )
    def get(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        xml = alert_cap_xml(alert, language=request.query_params.get("language"))
        return HttpResponse(xml, content_type="application/cap+xml; charset=utf-8")


def _as_id(value: str) -> int | None:
    """`value` as a database id when it is one (ASCII digits, within bigint), else None: "²".isdigit() is
    True and int("²") an error."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _zone_by_param(value: str) -> PoliceZone | None:
    qs = PoliceZone.objects.all()
    number = _as_id(value)
    if number is not None:
        return qs.filter(pk=number).first() or qs.filter(number=number).first()
    return qs.filter(code__iexact=value).first()


class AlertStatsView(APIView):
    """Statistics per police zone and per BIN: alerts, recipients, deliveries sent (accepted by the gateway,
    whatever their receipt said), delivered, failed, failed after sending, reactions, outcomes."""

    permission_classes = [IsPolice]

    @extend_schema(parameters=[StatsQueryInput], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        params = StatsQueryInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = request.user
        scope = alert_scope(user)
        zones = sorted(
            PoliceZone.objects.values_list("pk", flat=True) if scope.everything else scope.police_zones
        )
        if params.validated_data.get("police_zone"):
            zone = _zone_by_param(params.validated_data["police_zone"])
            if zone is None:
                raise ValidationError({"police_zone": ["No such police zone."]})
            if not can_send_alerts(user, zone.pk):
                raise PermissionDenied("You see the statistics of your own police zone only.")
            zones = [zone.pk]
        network_id = None
        if params.validated_data.get("network"):
            value = params.validated_data["network"]
            number = _as_id(value)
            network = (
                Network.objects.select_related("municipality")
                .filter(**({"pk": number} if number is not None else {"slug": value}))
                .first()
            )
            # Another zone's network answers as one that does not exist: unpublished networks are not
            # to be found by trying slugs.
            if network is None or not can_send_alerts(user, network.effective_zone_id):
                raise ValidationError({"network": ["No such network."]})
            network_id = network.pk
            zones = [network.effective_zone_id]
        return Response(alert_statistics(police_zone_ids=zones, network_id=network_id))


class TipListView(APIView):
    """The tip library: the national tips and those of your zone(s). Police add tips to their zone; only
    administrators add national ones (police_zone null). Municipality staff read their zone's."""

    permission_classes = [WorksWithTips]

    @extend_schema(parameters=[TipQueryInput], responses={200: TipInput(many=True)})
    def get(self, request):
        params = TipQueryInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = tips_visible(user=request.user)
        if "police_zone" in params.validated_data:
            usable = tips_for_alert(police_zone_id=params.validated_data["police_zone"])
            qs = qs.filter(pk__in=usable.values("pk"))
        if "category" in params.validated_data:
            qs = qs.filter(category=params.validated_data["category"])
        return Response(TipInput(qs, many=True).data)

    @extend_schema(request=TipInput, responses={201: TipInput, 403: OpenApiTypes.OBJECT})
    def post(self, request):
        data = TipInput(data=request.data)
        data.is_valid(raise_exception=True)
        tip = tip_save(user=request.user, data=data.validated_data)
        return Response(TipInput(tip).data, status=status.HTTP_201_CREATED)


class TipDetailView(APIView):
    """One tip you read; you change it if it is your zone's (administrators: every tip)."""

    permission_classes = [WorksWithTips]

    @extend_schema(responses={200: TipInput})
    def get(self, request, pk: int):
        return Response(TipInput(get_object_or_404(tips_visible(user=request.user), pk=pk)).data)

    @extend_schema(request=TipInput, responses={200: TipInput, 403: OpenApiTypes.OBJECT})
    def patch(self, request, pk: int):
        tip = get_object_or_404(tips_visible(user=request.user), pk=pk)
        data = TipInput(tip, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tip = tip_save(user=request.user, data=data.validated_data, tip=tip)
        return Response(TipInput(tip).data)
