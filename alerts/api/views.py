"""The alerts API for police officers, scoped to their police zone(s): preview, send, follow up, export."""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from areas.models import Network, PoliceZone
from members.permissions import can_send_alerts, municipality_ids, police_zone_ids

from ..cap import alert_cap_xml
from ..messages import sample_link, sms_text
from ..models import Alert, Delivery, Reaction, Tip
from ..selectors import alert_statistics, recipients_preview
from ..services import alert_create, alert_follow_up, alert_prepare, alert_send
from ..sms import sms_length
from .serializers import (
    AlertCreateInput,
    AlertFollowUpInput,
    AlertPreviewInput,
    StatsQueryInput,
    TipInput,
    alert_output,
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


@contextmanager
def service_errors():
    """Turn the services' Django exceptions into DRF's 400 and 403 with the same message."""
    try:
        yield
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


def _request_data(request):
    """request.data, with a useful 400 when the body is over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    try:
        return request.data
    except RequestDataTooBig as exc:
        raise ValidationError(
            {
                "perimeter": [
                    f"The request is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1e6:.1f} MB. "
                    f"A perimeter has at most {settings.BIN_ALERT_MAX_VERTICES:,} vertices; "
                    "simplify the drawing."
                ]
            }
        ) from exc


def _police_only(user) -> None:
    if not user.is_authenticated:
        raise NotAuthenticated()
    if not user.is_superuser and not police_zone_ids(user):
        raise PermissionDenied("Only police officers work with alerts.")


def _alert_for(user, pk: int) -> Alert:
    _police_only(user)
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


def _delivery_counts(alert: Alert) -> dict:
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in alert.deliveries.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


class AlertPreviewView(APIView):
    """How many members a perimeter reaches, per BIN and per channel (no names, no numbers); SMS length."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AlertPreviewInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        _police_only(request.user)
        data = AlertPreviewInput(data=_request_data(request))
        data.is_valid(raise_exception=True)
        with service_errors():
            prepared = alert_prepare(user=request.user, **data.service_kwargs())
        preview = recipients_preview(
            police_zone_id=prepared.police_zone.pk,
            perimeter=prepared.perimeter.geom,
            urgent=prepared.urgency == Alert.Urgency.URGENT,
        )
        from .serializers import geojson

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

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="alerts_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        _police_only(request.user)
        qs = Alert.objects.select_related("police_zone", "tip", "references")
        if not request.user.is_superuser:
            qs = qs.filter(police_zone_id__in=police_zone_ids(request.user))
        qs = qs.order_by("-created")[:200]
        return Response({"results": [alert_output(a) for a in qs]})

    @extend_schema(request=AlertCreateInput, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        _police_only(request.user)
        data = AlertCreateInput(data=_request_data(request))
        data.is_valid(raise_exception=True)
        with service_errors():
            prepared = alert_prepare(user=request.user, **data.service_kwargs())
            alert = alert_create(user=request.user, data=prepared)
            if data.validated_data["send"]:
                alert = alert_send(alert=alert, user=request.user)
        body = alert_output(alert, delivery_counts=_delivery_counts(alert))
        body["warnings"] = prepared.warnings
        return Response(body, status=status.HTTP_201_CREATED)


class AlertDetailView(APIView):
    """One alert of your zone, with its delivery counts and the number of reactions."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        body = alert_output(
            alert,
            delivery_counts=_delivery_counts(alert),
            reactions=Reaction.objects.filter(alert=alert.root).count(),
        )
        body["follow_ups"] = [
            {"id": f.pk, "msg_type": f.msg_type, "sent_at": f.sent_at, "recipients": f.recipients}
            for f in alert.root.follow_ups.order_by("pk")
        ]
        return Response(body)


class AlertSendView(APIView):
    """Send a draft. A second send is refused (400) and sends nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        with service_errors():
            alert = alert_send(alert=alert, user=request.user)
        return Response(alert_output(alert, delivery_counts=_delivery_counts(alert)))


class AlertFollowUpView(APIView):
    """Update, cancel or feedback: to the recipients of the original alert, on the same channels."""

    permission_classes = [IsAuthenticated]
    msg_type = ""

    @extend_schema(request=AlertFollowUpInput, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        alert = _alert_for(request.user, pk)
        data = AlertFollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        with service_errors():
            follow_up = alert_follow_up(
                original=alert,
                user=request.user,
                msg_type=self.msg_type,
                message=d["message"],
                tip_id=d.get("tip"),
                outcome=d.get("outcome", ""),
            )
        return Response(
            alert_output(follow_up, delivery_counts=_delivery_counts(follow_up)),
            status=status.HTTP_201_CREATED,
        )


class AlertReactionsView(APIView):
    """The members' reactions to an alert and its follow-ups, in time order (no names)."""

    permission_classes = [IsAuthenticated]

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

    permission_classes = [IsAuthenticated]

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

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[StatsQueryInput], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        _police_only(request.user)
        params = StatsQueryInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = request.user
        allowed = (
            set(PoliceZone.objects.values_list("pk", flat=True))
            if user.is_superuser
            else police_zone_ids(user)
        )
        zones = sorted(allowed)
        if params.validated_data.get("police_zone"):
            zone = _zone_by_param(params.validated_data["police_zone"])
            if zone is None:
                raise ValidationError({"police_zone": ["No such police zone."]})
            if zone.pk not in allowed:
                raise PermissionDenied("You see the statistics of your own police zone only.")
            zones = [zone.pk]
        network_id = None
        if params.validated_data.get("network"):
            value = params.validated_data["network"]
            network = Network.objects.filter(
                **({"pk": int(value)} if value.isdigit() else {"slug": value})
            ).first()
            if network is None:
                raise ValidationError({"network": ["No such network."]})
            if network.police_zone_id not in allowed:
                raise PermissionDenied("This network belongs to another police zone.")
            network_id = network.pk
            zones = [network.police_zone_id]
        return Response(alert_statistics(police_zone_ids=zones, network_id=network_id))


def _may_edit_tips(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(police_zone_ids(user)) or bool(municipality_ids(user))
    )


class TipListView(APIView):
    """The tip library. Police and municipality staff read and add tips."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TipInput(many=True)})
    def get(self, request):
        if not _may_edit_tips(request.user):
            raise PermissionDenied("Police and municipality staff only.")
        qs = Tip.objects.all()
        if "category" in request.query_params:
            qs = qs.filter(category=request.query_params["category"])
        return Response(TipInput(qs, many=True).data)

    @extend_schema(request=TipInput, responses={201: TipInput})
    def post(self, request):
        if not _may_edit_tips(request.user):
            raise PermissionDenied("Police and municipality staff only.")
        data = TipInput(data=request.data)
        data.is_valid(raise_exception=True)
        tip = data.save(updated_by=request.user)
        return Response(TipInput(tip).data, status=status.HTTP_201_CREATED)


class TipDetailView(APIView):
    """One tip; police and municipality staff edit it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TipInput})
    def get(self, request, pk: int):
        if not _may_edit_tips(request.user):
            raise PermissionDenied("Police and municipality staff only.")
        return Response(TipInput(get_object_or_404(Tip, pk=pk)).data)

    @extend_schema(request=TipInput, responses={200: TipInput})
    def patch(self, request, pk: int):
        if not _may_edit_tips(request.user):
            raise PermissionDenied("Police and municipality staff only.")
        tip = get_object_or_404(Tip, pk=pk)
        data = TipInput(tip, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tip = data.save(updated_by=request.user)
        return Response(TipInput(tip).data)
