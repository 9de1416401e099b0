"""The alerts API for police officers, scoped to their police zone(s): preview, send, follow up, export."""

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import alert_scope, can_send_alerts, can_work_with_tips, is_police
from areas.models import Network, PoliceZone
from core.api import RulePermission, request_data

from ..cap import alert_cap_xml
from ..messages import sample_link, sms_text
from ..models import Alert, Delivery, Reaction, Tip
from ..recipients import recipients_preview
from ..selectors import alerts_visible
from ..services import AlertInput, alert_create, alert_follow_up, alert_prepare, alert_send
from ..sms_length import sms_length
from ..statistics import alert_statistics
from .serializers import (
    AlertCreateInput,
    AlertFollowUpInput,
    AlertPreviewInput,
    StatsQueryInput,
    TipInput,
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
    """Police and municipality staff (access.permissions.can_work_with_tips)."""

    rule = staticmethod(can_work_with_tips)
    message = "Police and municipality staff only."


def _alert_prepared(request, *, input_class: type[AlertPreviewInput]) -> tuple[AlertInput, dict]:
    """The request's alert as alert_prepare checks and scopes it, and the validated input."""
    advice = f"A perimeter has at most {settings.BIN_ALERT_MAX_VERTICES:,} vertices; simplify the drawing."
    data = input_class(data=request_data(request, field="perimeter", advice=advice))
    data.is_valid(raise_exception=True)
    return alert_prepare(user=request.user, **data.service_kwargs()), data.validated_data


def _alert_for(user, pk: int) -> Alert:
    alert = get_object_or_404(Alert.objects.select_related("police_zone", "tip", "references"), pk=pk)
    if not can_send_alerts(user, alert.police_zone_id):
        raise PermissionDenied("This alert belongs to another police zone.")
    return alert


def _sms_info(prepared) -> dict:
    """The SMS as members would get it (prefix, message, tip, reaction link) per language, and its length."""
    alert = Alert(category=prepared.category, message=prepared.message, tip=prepared.tip, msg_type="alert")
    link = sample_link()
    texts = {language: sms_text(alert, language, link) for language in ("nl", "fr", "de")}
    by_language = {language: sms_length(text).as_dict() for language, text in texts.items()}
    return {
        "message": sms_length(prepared.message).as_dict(),
        "full_text": texts["nl"],
        "full": by_language["nl"],
        "by_language": by_language,
    }


def _output_with_deliveries(alert: Alert, **kwargs) -> dict:
    """alert_output with the alert's deliveries counted per status."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in alert.deliveries.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return alert_output(alert, delivery_counts=counts, **kwargs)


class AlertPreviewView(APIView):
    """How many members a perimeter reaches, per BIN and per channel (no names, no numbers); SMS length."""

    permission_classes = [IsPolice]

    @extend_schema(request=AlertPreviewInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        prepared, _data = _alert_prepared(request, input_class=AlertPreviewInput)
        preview = recipients_preview(
            police_zone_id=prepared.police_zone.pk,
            perimeter=prepared.perimeter.geom,
            urgent=prepared.urgency == Alert.Urgency.URGENT,
        )
        return Response(
            {
                "police_zone": {"id": prepared.police_zone.pk, "name": prepared.police_zone.name},
                "recipients": preview.total,
                "channels": preview.channels,
                "no_contact": preview.no_contact,
                "deferred_quiet_hours": preview.deferred,
                "networks": preview.networks,
                "clipped_fraction": round(prepared.clipped_fraction, 4),
                "warnings": prepared.warnings,
                "perimeter": geojson(prepared.perimeter.geom),
                "sms": _sms_info(prepared),
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
        if data["send"]:
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
        )
        return Response(_output_with_deliveries(follow_up), status=status.HTTP_201_CREATED)


class AlertReactionsView(APIView):
    """The members' reactions to an alert and its follow-ups, in time order (no names)."""

    permission_classes = [IsPolice]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        alert = _alert_for(request.user, pk).root
        reactions = list(
            Reaction.objects.filter(alert=alert).select_related("delivery").order_by("created_at", "pk")
        )
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


class AlertCapView(APIView):
    """The alert as a CAP 1.2 message (application/cap+xml)."""

    permission_classes = [IsPolice]

    @extend_schema(
        parameters=[OpenApiParameter("language", OpenApiTypes.STR, description="nl (default), fr or de")],
        responses={(200, "application/cap+xml"): OpenApiTypes.STR},
    )
    def get(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        xml = alert_cap_xml(alert, language=request.query_params.get("language", "nl"))
        return HttpResponse(xml, content_type="application/cap+xml; charset=utf-8")


def _zone_by_param(value: str) -> PoliceZone | None:
    qs = PoliceZone.objects.all()
    if value.isdigit():
        return qs.filter(pk=int(value)).first() or qs.filter(number=int(value)).first()
    return qs.filter(code__iexact=value).first()


class AlertStatsView(APIView):
    """Statistics per police zone and per BIN: alerts, recipients, failed deliveries, reactions, outcomes."""

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
            network = (
                Network.objects.select_related("municipality")
                .filter(**({"pk": int(value)} if value.isdigit() else {"slug": value}))
                .first()
            )
            if network is None:
                raise ValidationError({"network": ["No such network."]})
            if not can_send_alerts(user, network.effective_zone_id):
                raise PermissionDenied("This network belongs to another police zone.")
            network_id = network.pk
            zones = [network.effective_zone_id]
        return Response(alert_statistics(police_zone_ids=zones, network_id=network_id))


class TipListView(APIView):
    """The tip library. Police and municipality staff read and add tips."""

    permission_classes = [WorksWithTips]

    @extend_schema(responses={200: TipInput(many=True)})
    def get(self, request):
        qs = Tip.objects.all()
        if "category" in request.query_params:
            qs = qs.filter(category=request.query_params["category"])
        return Response(TipInput(qs, many=True).data)

    @extend_schema(request=TipInput, responses={201: TipInput})
    def post(self, request):
        data = TipInput(data=request.data)
        data.is_valid(raise_exception=True)
        tip = data.save(updated_by=request.user)
        return Response(TipInput(tip).data, status=status.HTTP_201_CREATED)


class TipDetailView(APIView):
    """One tip; police and municipality staff edit it."""

    permission_classes = [WorksWithTips]

    @extend_schema(responses={200: TipInput})
    def get(self, request, pk: int):
        return Response(TipInput(get_object_or_404(Tip, pk=pk)).data)

    @extend_schema(request=TipInput, responses={200: TipInput})
    def patch(self, request, pk: int):
        tip = get_object_or_404(Tip, pk=pk)
        data = TipInput(tip, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tip = data.save(updated_by=request.user)
        return Response(TipInput(tip).data)
