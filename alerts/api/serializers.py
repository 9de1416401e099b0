"""Input and output of the alerts API. Geometry leaves in GeoJSON, EPSG:4326."""

import json

from django.urls import reverse
from rest_framework import serializers

from core.geometry import to_wgs84

from ..models import Alert, Category, Reaction, Tip

__all__ = [
    "AlertCreateInput",
    "AlertFollowUpInput",
    "AlertPreviewInput",
    "StatsQueryInput",
    "TipInput",
    "alert_output",
    "geojson",
    "reaction_output",
    "tip_output",
]


class AlertPreviewInput(serializers.Serializer):
    """perimeter: a GeoJSON Polygon/MultiPolygon (EPSG:4326) or {"center": [lon, lat], "radius_m": 500}."""

    perimeter = serializers.JSONField()
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Alert.Urgency.choices)
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)
    tip = serializers.IntegerField(required=False, allow_null=True)
    police_zone = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.JSONField(required=False, allow_null=True, help_text="[lon, lat] of the incident")

    def perimeter_kwargs(self) -> dict:
        perimeter = self.validated_data["perimeter"]
        if isinstance(perimeter, str):
            try:
                perimeter = json.loads(perimeter)
            except ValueError:
                raise serializers.ValidationError(
                    {"perimeter": ["The perimeter is not valid JSON."]}
                ) from None
        if isinstance(perimeter, dict) and ("center" in perimeter or "radius_m" in perimeter):
            return {"center": perimeter.get("center"), "radius_m": perimeter.get("radius_m")}
        return {"polygon": perimeter}

    def service_kwargs(self) -> dict:
        d = self.validated_data
        return {
            **self.perimeter_kwargs(),
            "category": d["category"],
            "urgency": d["urgency"],
            "message": d["message"],
            "tip_id": d.get("tip"),
            "police_zone_id": d.get("police_zone"),
            "location": d.get("location"),
        }


class AlertCreateInput(AlertPreviewInput):
    send = serializers.BooleanField(default=True, help_text="false: store a draft, send it with …/send/")


class AlertFollowUpInput(serializers.Serializer):
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)
    tip = serializers.IntegerField(required=False, allow_null=True)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class StatsQueryInput(serializers.Serializer):
    police_zone = serializers.CharField(required=False, help_text="zone id, number (5905) or code")
    network = serializers.CharField(required=False, help_text="network id or slug")


class TipInput(serializers.ModelSerializer):
    class Meta:
        model = Tip
        fields = ["id", "category", "title", "text_nl", "text_fr", "text_de", "active"]


def tip_output(tip: Tip | None) -> dict | None:
    if tip is None:
        return None
    return TipInput(tip).data


def geojson(geom) -> dict | None:
    if geom is None:
        return None
    return json.loads(to_wgs84(geom).geojson)


def alert_output(alert: Alert, *, delivery_counts: dict | None = None, reactions: int | None = None) -> dict:
    circle = None
    if alert.perimeter_kind == Alert.PerimeterKind.CIRCLE and alert.circle_center is not None:
        c = to_wgs84(alert.circle_center)
        circle = {"center": [round(c.x, 7), round(c.y, 7)], "radius_m": alert.circle_radius_m}
    body = {
        "id": alert.pk,
        "identifier": str(alert.public_id),
        "msg_type": alert.msg_type,
        "references": alert.references_id,
        "status": alert.status,
        "police_zone": {
            "id": alert.police_zone_id,
            "name": alert.police_zone.name,
            "number": alert.police_zone.number,
        },
        "category": alert.category,
        "urgency": alert.urgency,
        "message": alert.message,
        "tip": tip_output(alert.tip),
        "outcome": alert.outcome,
        "location": geojson(alert.location),
        "perimeter": geojson(alert.perimeter),
        "perimeter_kind": alert.perimeter_kind,
        "circle": circle,
        "clipped_fraction": round(alert.clipped_fraction, 4),
        "created": alert.created,
        "sent_at": alert.sent_at,
        "recipients": alert.recipients,
        "links": {
            "self": reverse("api:alert-detail", args=[alert.pk]),
            "cap": reverse("api:alert-cap", args=[alert.pk]),
            "reactions": reverse("api:alert-reactions", args=[alert.root.pk]),
        },
    }
    if delivery_counts is not None:
        body["deliveries"] = delivery_counts
    if reactions is not None:
        body["reactions"] = reactions
    return body


def reaction_output(reaction: Reaction, networks: dict) -> dict:
    return {
        "id": reaction.pk,
        "kind": reaction.kind,
        "text": reaction.text,
        "observed_at": reaction.observed_at,
        "created_at": reaction.created_at,
        "message": reaction.delivery.alert_id if reaction.delivery_id else None,
        "networks": [networks[n] for n in reaction.network_ids if n in networks],
    }
