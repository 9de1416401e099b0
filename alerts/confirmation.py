"""What a stored alert will send and whom it reaches, as the approving officer is shown it before approving
(four eyes): the text per channel and language, exactly as composed for the members (alerts.messages, the
reaction link a stand-in of the real length), and the reach per BIN and channel under the preview's
privacy rule (alerts.preview: no count below BIN_PREVIEW_MIN_COUNT)."""

from django.conf import settings

from .languages import ALERT_LANGUAGES, LANGUAGE_NAMES
from .messages import email_subject_body, sample_link, sms_text
from .models import Alert, AlertPreviewLog
from .preview import ShownPreview, preview_shown
from .recipients import recipients_preview
from .sms_length import sms_length

__all__ = ["alert_reach_shown", "alert_texts"]


def alert_texts(*, alert: Alert) -> list[dict]:
    """Per language a member may have: the SMS (with its length and parts) and the e-mail's subject and
    body, as the members of that language will receive them."""
    link = sample_link()
    out = []
    for language in ALERT_LANGUAGES:
        sms = sms_text(alert, language, link)
        subject, body = email_subject_body(alert, language, link)
        out.append(
            {
                "language": language,
                "language_name": LANGUAGE_NAMES[language],
                "sms": sms,
                "sms_length": sms_length(sms).as_dict(),
                "subject": subject,
                "body": body,
            }
        )
    return out


def alert_reach_shown(*, user, alert: Alert) -> ShownPreview:
    """Whom `alert` reaches if it goes out now (its perimeter, urgency and exercise), as the police may see
    it. Logged as a preview (who looked at which perimeter); not counted against the officer's preview
    limits: the perimeter is the stored alert's, the officer cannot choose it."""
    preview = recipients_preview(
        police_zone_id=alert.police_zone_id,
        perimeter=alert.perimeter,
        urgent=alert.urgency == Alert.Urgency.URGENT,
        exercise=alert.exercise,
    )
    shown = preview_shown(preview, k=settings.BIN_PREVIEW_MIN_COUNT)
    AlertPreviewLog.objects.create(
        user=user,
        username=user.get_username(),
        police_zone_id=alert.police_zone_id,
        perimeter=alert.perimeter,
        area_m2=alert.perimeter.area,
        urgency=alert.urgency,
        shown={**shown.as_dict(), "networks": [[n["id"], n["total"]] for n in shown.networks]},
        counted=False,
    )
    return shown
