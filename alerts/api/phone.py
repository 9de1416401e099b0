"""The phone gateways' webhooks: `POST /api/sms/inbound/` (incoming SMS) and `POST /api/voice/callback/`
(a call's outcome, a key pressed). No user, no session: each is authenticated by its HMAC signature, as the
delivery receipts are (alerts/api/receipts.py: X-Timestamp, X-Signature: sha256=<hex HMAC-SHA256 of
"<X-Timestamp>." + body>), with its own shared secret. A forged or replayed request: 403, nothing changes.
A body that is not what the contract says: 400. The contracts are in the README.
"""

import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttle import Limit, client_address, throttle_check

from ..inbound import inbound_sms_receive
from ..voice_calls import CALL_STATUSES, voice_call_status, voice_key_pressed
from .receipts import receipt_signature_problem

__all__ = ["InboundSmsView", "VoiceCallbackView"]

logger = logging.getLogger(__name__)


def _bad(detail: str, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": detail}, status=code)


class _SignedWebhook(APIView):
    """A gateway's signed JSON POST: the raw body checked against `secret_setting`, then `handle(data)`."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]  # for the schema: the view reads the raw body itself, for the signature
    secret_setting = ""
    name = ""

    def handle(self, data: dict) -> Response:
        raise NotImplementedError

    def post(self, request):
        limit = Limit(f"{self.name}-ip", settings.BIN_SMS_INBOUND_PER_MINUTE, 60)
        if throttle_check([(limit, client_address(request))]):
            return _bad("Too many requests.", status.HTTP_429_TOO_MANY_REQUESTS)
        try:
            body = request.body
        except (RequestDataTooBig, RawPostDataException):
            return _bad("The body must be JSON, at most a few kilobytes.")
        secret = getattr(settings, self.secret_setting)
        problem = (
            f"{self.secret_setting} is not set"
            if not secret
            else receipt_signature_problem(
                secret=secret,
                timestamp=request.headers.get("X-Timestamp"),
                signature=request.headers.get("X-Signature"),
                body=body,
            )
        )
        if problem:
            logger.warning("%s refused from %s: %s", self.name, request.META.get("REMOTE_ADDR"), problem)
            return _bad(f"Bad signature: {problem}.", status.HTTP_403_FORBIDDEN)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return _bad("Expected a JSON object.")
        return self.handle(data)


def _text_field(data: dict, name: str, *, max_length: int) -> str | None:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > max_length:
        return None
    return value


class InboundSmsView(_SignedWebhook):
    """An SMS sent to our number: `{"id", "from", "text"}`, signed with BIN_SMS_INBOUND_SECRET."""

    secret_setting = "BIN_SMS_INBOUND_SECRET"
    name = "sms-inbound"

    @extend_schema(
        operation_id="sms_inbound", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        return super().post(request)

    def handle(self, data: dict) -> Response:
        gateway_id = _text_field(data, "id", max_length=100)
        number = _text_field(data, "from", max_length=30)
        text = _text_field(data, "text", max_length=2000)
        if not gateway_id or not gateway_id.strip() or not number or text is None:
            return _bad(
                'Expected {"id": the gateway\'s message id, "from": a phone number, "text": the SMS}.'
            )
        _row, new = inbound_sms_receive(gateway_id=gateway_id.strip(), number=number, text=text)
        # The same answer whoever sent it: the gateway learns nothing about who is a member.
        return Response({"status": "received" if new else "duplicate"})


class VoiceCallbackView(_SignedWebhook):
    """A call's outcome `{"event": "status", "id", "status"}` or a key `{"event": "key", "id", "key"}`,
    signed with BIN_VOICE_CALLBACK_SECRET; `id` is the delivery id we placed the call with."""

    secret_setting = "BIN_VOICE_CALLBACK_SECRET"
    name = "voice-callback"

    @extend_schema(
        operation_id="voice_callback", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        return super().post(request)

    def handle(self, data: dict) -> Response:
        delivery_id = _text_field(data, "id", max_length=40)
        event = data.get("event")
        if not delivery_id:
            return _bad('Expected "id": the delivery id of the call.')
        if event == "status" and data.get("status") in CALL_STATUSES:
            return Response({"outcome": voice_call_status(delivery_id=delivery_id, status=data["status"])})
        key = _text_field(data, "key", max_length=5)
        if event == "key" and key:
            return Response({"outcome": voice_key_pressed(delivery_id=delivery_id, key=key)})
        return _bad(
            'Expected {"event": "status", "status": answered|busy|no-answer|failed} '
            'or {"event": "key", "key"}.'
        )
