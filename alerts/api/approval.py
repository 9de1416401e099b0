"""The four-eyes approval in the alerts API: submit, approve (it is sent), return with a reason, edit a
returned alert, the alerts waiting for you, an alert's history. The same services as the pages
(alerts.approval); refusals answer 403, a step that does not fit the alert's status 400."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..approval import alert_approve, alert_edit, alert_return, alert_submit
from ..models import Alert, Category
from ..selectors import alert_history, alerts_pending_approval, alerts_visible
from .serializers import alert_output
from .views import IsPolice

__all__ = [
    "AlertApproveView",
    "AlertEditView",
    "AlertHistoryView",
    "AlertPendingListView",
    "AlertReturnView",
    "AlertSubmitView",
]


class AlertReturnInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=4000)


class AlertEditInput(serializers.Serializer):
    """What may change in a draft or returned alert; what is left out stays."""

    category = serializers.ChoiceField(choices=Category.choices, required=False)
    urgency = serializers.ChoiceField(choices=Alert.Urgency.choices, required=False)
    message = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    tip = serializers.IntegerField(required=False, allow_null=True)
    exercise = serializers.BooleanField(required=False)
    translations = serializers.JSONField(required=False, help_text='the other languages: {"fr": "…"}')


def _alert(request, pk: int) -> Alert:
    """Alert `pk` of the user's zones; 404 for another zone's, as for an id never used."""
    return get_object_or_404(alerts_visible(user=request.user), pk=pk)


def history_output(event) -> dict:
    return {
        "id": event.pk,
        "at": event.at,
        "user": event.username,
        "action": event.action,
        "status_from": event.status_from,
        "status_to": event.status_to,
        "reason": event.reason,
        "changes": event.changes,
    }


class AlertSubmitView(APIView):
    """Submit a draft or returned alert for approval (its author, in a zone with four-eyes approval)."""

    permission_classes = [IsPolice]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        return Response(alert_output(alert_submit(alert=_alert(request, pk), user=request.user)))


class AlertApproveView(APIView):
    """Approve a pending alert: it is sent at once. Another police officer of its zone; never its author
    (403)."""

    permission_classes = [IsPolice]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        return Response(alert_output(alert_approve(alert=_alert(request, pk), user=request.user)))


class AlertReturnView(APIView):
    """Return a pending alert to its author with a reason (required)."""

    permission_classes = [IsPolice]

    @extend_schema(request=AlertReturnInput, responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        data = AlertReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        alert = alert_return(alert=_alert(request, pk), user=request.user, reason=reason)
        return Response(alert_output(alert))


class AlertEditView(APIView):
    """Change a draft or returned alert (its author): category, urgency, message, tip, exercise."""

    permission_classes = [IsPolice]

    @extend_schema(request=AlertEditInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def patch(self, request, pk: int):
        data = AlertEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        names = ("category", "urgency", "message", "exercise", "translations")
        kwargs = {name: d[name] for name in names if name in d}
        if "tip" in d:
            kwargs["tip_id"] = d["tip"]
        return Response(alert_output(alert_edit(alert=_alert(request, pk), user=request.user, **kwargs)))


class AlertPendingListView(APIView):
    """The alerts waiting for your approval: of your zones, not your own; the longest wait first."""

    permission_classes = [IsPolice]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        pending = alerts_pending_approval(user=request.user)[:200]
        return Response({"results": [alert_output(a) for a in pending]})


class AlertHistoryView(APIView):
    """Every state change and edit of an alert, oldest first (append-only)."""

    permission_classes = [IsPolice]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        alert = _alert(request, pk)
        events = alert_history(alert=alert)
        return Response({"alert": alert.pk, "results": [history_output(e) for e in events]})
