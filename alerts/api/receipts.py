"""Delivery receipts from the HTTP SMS gateway: `POST /api/gateway/receipts/`, signed, no user.

The gateway is no user of ours: no session, no CSRF token, no login. The signature is the authentication:
`X-Signature: sha256=<hex HMAC-SHA256 of "<X-Timestamp>." + the raw body>` with the shared secret
BIN_SMS_GATEWAY_RECEIPT_SECRET, compared in constant time. The timestamp is inside the signature and may
be at most five minutes off, so a captured request cannot be played again later. A request that fails the
check gets a 403 that says why, and is logged (a forged receipt is worth knowing about); nothing changes.

The body is one receipt `{"message_id", "status", "at"?, "id"?, "reason"?}`, a list of them, or
`{"receipts": [...]}`. They go to alerts.receipts under this gateway's name (BIN_SMS_GATEWAY_NAME), all of
a request in one batch (`receipts_record`); the answer lists each receipt's outcome ("recorded",
"duplicate", "unknown" for an id we never gave out, "invalid"). A bad receipt does not spoil the others.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..receipts import Receipt, receipts_record

__all__ = ["GatewayReceiptView", "receipt_signature_problem", "receipts_from_gateway"]

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 300  # how far the signed timestamp may be from our clock, either way
MAX_RECEIPTS = 5000  # per request

# The gateway's words for a final status, and ours. Providers differ (SMPP's stat: DELIVRD, UNDELIV, …).
STATUSES = {
    "delivered": "delivered",
    "delivrd": "delivered",
    "undeliverable": "undeliverable",
    "undeliv": "undeliverable",
    "failed": "undeliverable",
    "rejected": "undeliverable",
    "rejectd": "undeliverable",
    "expired": "expired",
}


def receipt_signature_problem(*, secret: str, timestamp: str | None, signature: str | None, body: bytes):
    """Why the request's signature does not hold (a short sentence), or None when it does."""
    if not secret:
        return "receipts are not accepted: BIN_SMS_GATEWAY_RECEIPT_SECRET is not set"
    if not timestamp or not signature:
        return "X-Timestamp and X-Signature are required"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "X-Timestamp must be unix seconds"
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return "X-Timestamp is more than 5 minutes off: a replayed or delayed request"
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    given = signature.removeprefix("sha256=").strip()
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return "the signature does not match"
    return None


class GatewayReceiptInput(serializers.Serializer):
    """One delivery receipt as the gateway sends it."""

    message_id = serializers.CharField(max_length=100, help_text="The gateway's id of the message.")
    status = serializers.CharField(max_length=40, help_text="delivered, undeliverable or expired.")
    at = serializers.DateTimeField(required=False, help_text="When the phone got it (or it was given up).")
    id = serializers.CharField(required=False, max_length=40, help_text="Our delivery id, as sent.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


def _receipts_of(data) -> list | None:
    if isinstance(data, dict) and isinstance(data.get("receipts"), list):
        return data["receipts"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    return None


def _when(value) -> datetime | None:
    """The receipt's time, aware; None (now) when it is missing or no time."""
    try:
        at = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible: 2026-13-45
        return None
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at, UTC)
    return at


def _receipt(gateway: str, item) -> Receipt | str:
    """One receipt of the body as alerts.receipts takes it (the gateway's status mapped to ours), or why
    it cannot be."""
    if not isinstance(item, dict):
        return "a receipt is a JSON object"
    message_id = item.get("message_id")
    if not isinstance(message_id, str | int) or isinstance(message_id, bool) or not str(message_id).strip():
        return "message_id is missing"
    ours = STATUSES.get(str(item.get("status", "")).strip().lower())
    if ours is None:
        return f"unknown status {str(item.get('status'))[:40]!r}"
    reason = item.get("reason") or item.get("error") or ""
    if ours != "delivered" and not reason:
        reason = f"the gateway reported the message {ours}"
    return Receipt(gateway, str(message_id), ours, _when(item.get("at")), str(reason)[:300])


def receipts_from_gateway(gateway: str, items: list) -> list[dict]:
    """Record the receipts `items` of `gateway` (one batch); each one's message id and outcome."""
    receipts = [_receipt(gateway, item) for item in items]
    valid = [r for r in receipts if isinstance(r, Receipt)]
    outcomes = iter(receipts_record(valid))
    results = []
    for item, receipt in zip(items, receipts, strict=True):
        if isinstance(receipt, Receipt):
            results.append({"message_id": receipt.provider_id, "outcome": next(outcomes)})
        else:
            logger.warning("invalid receipt from gateway %s: %s", gateway, receipt)
            message_id = item.get("message_id") if isinstance(item, dict) else None
            shown = str(message_id)[:100] if isinstance(message_id, str | int) else None
            results.append({"message_id": shown, "outcome": "invalid", "reason": receipt})
    return results


class GatewayReceiptView(APIView):
    """Delivery receipts from the SMS gateway, authenticated by their HMAC signature (see the module doc)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]  # for the schema: the view reads the raw body itself, for the signature

    @extend_schema(
        operation_id="gateway_receipts",
        request=GatewayReceiptInput(many=True),
        parameters=[
            OpenApiParameter(
                "X-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, description="Unix seconds"
            ),
            OpenApiParameter(
                "X-Signature",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='"sha256=" + hex HMAC-SHA256 of "<X-Timestamp>." + body',
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        try:
            body = request.body  # the raw bytes the signature covers (request.data is never read)
        except RequestDataTooBig:
            return Response({"detail": "The request is too large."}, status=status.HTTP_400_BAD_REQUEST)
        except RawPostDataException:  # a form body something already parsed: receipts are JSON
            return Response({"detail": "Receipts are JSON."}, status=status.HTTP_400_BAD_REQUEST)
        problem = receipt_signature_problem(
            secret=settings.BIN_SMS_GATEWAY_RECEIPT_SECRET,
            timestamp=request.headers.get("X-Timestamp"),
            signature=request.headers.get("X-Signature"),
            body=body,
        )
        if problem:
            logger.warning("gateway receipt refused from %s: %s", request.META.get("REMOTE_ADDR"), problem)
            return Response(
                {"detail": f"Bad receipt signature: {problem}."}, status=status.HTTP_403_FORBIDDEN
            )
        try:
            receipts = _receipts_of(json.loads(body))
        except (ValueError, RecursionError):
            receipts = None
        if receipts is None or len(receipts) > MAX_RECEIPTS:
            detail = (
                f"Expected a receipt, a list of at most {MAX_RECEIPTS}, or {{'receipts': [...]}} as JSON."
            )
            return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
        results = receipts_from_gateway(settings.BIN_SMS_GATEWAY_NAME, receipts)
        counts: dict[str, int] = {}
        for result in results:
            counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
        return Response({"results": results, "counts": counts})
