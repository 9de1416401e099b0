"""An alert as an OASIS Common Alerting Protocol 1.2 message (the XML other warning systems understand)."""

from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone, translation

from core.geometry import to_wgs84

from .models import Alert, Category
from .texts import xml_safe

__all__ = ["CAP_NS", "alert_cap_xml"]

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"

# CAP's <category> is a fixed list; ours maps onto it.
CAP_CATEGORY = {
    Category.BURGLARY: "Security",
    Category.SUSPICIOUS_PERSON: "Security",
    Category.SUSPICIOUS_VEHICLE: "Security",
    Category.THEFT: "Security",
    Category.FIRE: "Fire",
    Category.CO_POISONING: "Health",
    Category.MISSING_PERSON: "Rescue",
    Category.OTHER: "Other",
}
CAP_MSG_TYPE = {
    Alert.MsgType.ALERT: "Alert",
    Alert.MsgType.UPDATE: "Update",
    Alert.MsgType.CANCEL: "Cancel",
    Alert.MsgType.FEEDBACK: "Update",
}
CAP_LANGUAGE = {"nl": "nl-BE", "fr": "fr-BE", "de": "de-BE", "en": "en-BE"}


def cap_status(alert: Alert) -> str:
    """CAP's <status>: Exercise for an exercise (and its follow-ups), whatever its stage; Draft for an alert
    that has not gone out (a draft, or one waiting for or returned from approval); else Actual."""
    if alert.exercise:
        return "Exercise"
    return "Actual" if alert.status in (Alert.Status.SENT, Alert.Status.CANCELLED) else "Draft"


def cap_sender(alert: Alert) -> str:
    zone = alert.police_zone
    return f"pz{zone.number or zone.code}@{settings.BIN_CAP_SENDER_DOMAIN}"


def cap_identifier(alert: Alert) -> str:
    return f"urn:uuid:{alert.public_id}"


def cap_time(value) -> str:
    # CAP wants "2024-05-01T14:30:00+02:00": local offset, no fractions, never "Z".
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _ring_text(ring) -> str:
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)


def alert_cap_xml(alert: Alert, *, language: str | None = None) -> bytes:
    """The CAP 1.2 XML of `alert`: one <info> per language its message was written in; an alert in one
    language has one, in `language` (nl, fr, de, en; default: the alert's), whose tip is the instruction."""
    language = language if language in CAP_LANGUAGE else None
    ET.register_namespace("", CAP_NS)

    def sub(parent, tag, text=None):
        el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
        if text is not None:
            # ElementTree writes control characters as they are, and the document is then not XML.
            # New texts cannot hold them (texts.text_checked); older ones and imported names lose them.
            el.text = xml_safe(str(text))
        return el

    root = ET.Element(f"{{{CAP_NS}}}alert")
    sub(root, "identifier", cap_identifier(alert))
    sub(root, "sender", cap_sender(alert))
    sent = alert.sent_at or alert.created
    sub(root, "sent", cap_time(sent))
    sub(root, "status", cap_status(alert))
    sub(root, "msgType", CAP_MSG_TYPE[alert.msg_type])
    sub(root, "source", str(alert.police_zone))
    sub(root, "scope", "Restricted")
    sub(
        root,
        "restriction",
        f"Members of the neighbourhood information networks of police zone {alert.police_zone}",
    )
    if alert.msg_type == Alert.MsgType.FEEDBACK:
        sub(root, "note", f"Feedback. Outcome: {alert.outcome}")
    if alert.references_id:
        # Every earlier message of the thread: the original and the follow-ups sent before this one.
        earlier = [alert.references, *alert.references.follow_ups.filter(pk__lt=alert.pk).order_by("pk")]
        sub(
            root,
            "references",
            " ".join(
                f"{cap_sender(a)},{cap_identifier(a)},{cap_time(a.sent_at or a.created)}" for a in earlier
            ),
        )

    # One <info> per language the message was written in, the main one first (CAP 1.2 §3.2.2: each
    # <info> in one language); an alert in one language gets one, in the language asked for.
    if alert.translations:
        versions = [(lang, alert.message_for(lang)) for lang in alert.languages if lang in CAP_LANGUAGE]
    else:
        versions = [(language or alert.language, alert.message)]
    for info_language, text in versions:
        with translation.override(info_language):
            _info(root, sub, alert, language=info_language, text=text)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _info(root, sub, alert: Alert, *, language: str, text: str) -> None:
    """The <info> of `alert` in `language` with `text`, its message in that language."""
    info = sub(root, "info")
    sub(info, "language", CAP_LANGUAGE[language])
    sub(info, "category", CAP_CATEGORY[Category(alert.category)])
    sub(info, "event", Category(alert.category).label)
    if alert.msg_type in (Alert.MsgType.CANCEL, Alert.MsgType.FEEDBACK):
        sub(info, "responseType", "AllClear")
    elif alert.category in (Category.FIRE, Category.CO_POISONING):
        sub(info, "responseType", "Avoid")
    else:
        sub(info, "responseType", "Monitor")
    urgent = alert.urgency == Alert.Urgency.URGENT
    if alert.msg_type in (Alert.MsgType.CANCEL, Alert.MsgType.FEEDBACK):
        sub(info, "urgency", "Past")
        sub(info, "severity", "Minor")
    else:
        sub(info, "urgency", "Immediate" if urgent else "Expected")
        sub(info, "severity", "Moderate" if urgent else "Minor")
    sub(info, "certainty", "Observed")
    sub(info, "senderName", str(alert.police_zone))
    message = xml_safe(text).strip()
    headline = message.splitlines()[0] if message else ""
    sub(info, "headline", headline[:160])
    sub(info, "description", message)
    if alert.has_tip:  # the tip as it was sent
        sub(info, "instruction", alert.tip_text_for(language))

    area = sub(info, "area")
    sub(area, "areaDesc", f"Alert perimeter in police zone {alert.police_zone}")
    if alert.perimeter_kind == Alert.PerimeterKind.CIRCLE and alert.clipped_fraction <= 1e-6:
        center = to_wgs84(alert.circle_center)
        sub(area, "circle", f"{center.y:.6f},{center.x:.6f} {alert.circle_radius_m / 1000:.3f}")
    else:
        # CAP polygons have no holes: each outer ring is one <polygon>; the holes of a drawn perimeter
        # (rare) are left out, so the CAP area may be a little larger than the one we alerted.
        geom = to_wgs84(alert.perimeter)
        for polygon in geom:
            sub(area, "polygon", _ring_text(polygon.exterior_ring.coords))
