"""The preview of an alert's reach as the police see it: counts without individuals, limited and logged.

The police see no individuals, and a preview must not let them find one. Three rules:

* **No small counts** (k-anonymity, k = BIN_PREVIEW_MIN_COUNT). A count below k is shown as "<k": the total,
  each channel, each BIN, the members without contact, those held for quiet hours — 0 included, so that
  "nobody" and "one household" look alike. The numbers shown must not give a hidden one back either: the
  channels add up to the total, and so do the BINs when no member is in two of them, so "12 in all, 10 in
  BIN Alfa, BIN Beta <5" would give Beta's 2 by subtraction. `parts_shown` therefore withholds (null) the
  largest shown parts until every "<k" part could still be any of 0 … k-1, or else withholds all parts.
* **No tiny perimeters.** alert_prepare refuses a perimeter smaller than BIN_ALERT_MIN_AREA_M2 inside the
  zone, for previews and alerts alike.
* **Limited and logged.** Each officer may preview BIN_PREVIEW_PER_HOUR / BIN_PREVIEW_PER_DAY new perimeters
  (core.throttle.alert_preview_limits); the same perimeter and urgency again within the hour (the officer
  types the message) does not count. Every preview is written to AlertPreviewLog with what it showed.

Counts above k still change by one when a perimeter grows by one house: comparing two previews is what the
limit and the log are for, and why sending an alert (which then shows its recipients) is audited.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.throttle import HOUR, alert_preview_limits, throttle_check

from .models import Alert, AlertPreviewLog
from .recipients import Preview, recipients_preview

__all__ = ["PreviewLimitExceeded", "ShownPreview", "alert_preview", "parts_shown", "preview_shown"]

Shown = int | str | None  # an exact count (k or more), "<k", or None: withheld


class PreviewLimitExceeded(Exception):
    """The officer asked for more previews of new perimeters than the limits allow; str() says so."""


@dataclass
class ShownPreview:
    min_count: int
    recipients: Shown
    channels: dict[str, Shown]
    no_contact: Shown
    deferred: Shown
    networks: list[dict]  # id, slug, name, kind, total (Shown)

    def as_dict(self) -> dict:
        return {
            "min_count": self.min_count,
            "recipients": self.recipients,
            "channels": self.channels,
            "no_contact": self.no_contact,
            "deferred_quiet_hours": self.deferred,
            "networks": self.networks,
        }


def _range_of(i: int, ranges: list[tuple[int, int]], total: int) -> tuple[int, int]:
    """What part i can be when the parts add up to `total` and every other part j lies in ranges[j]."""
    low = sum(lo for j, (lo, _hi) in enumerate(ranges) if j != i)
    high = sum(hi for j, (_lo, hi) in enumerate(ranges) if j != i)
    return max(ranges[i][0], total - high), min(ranges[i][1], total - low)


def parts_shown(total: int, parts: list[int], k: int) -> list[Shown]:
    """How to show `parts` of a `total` that is shown exactly (total >= k): a part below k as "<k", and
    enough of the others withheld (None) that no "<k" part can be narrowed down, assuming the parts add up
    to the total (the reader's strongest assumption; with overlaps they add up to more)."""
    fewer = f"<{k}"
    small = [i for i, n in enumerate(parts) if n < k]
    if not small:
        return list(parts)
    # What the reader knows of each part: a shown one exactly, a "<k" one [0, k-1], a withheld one
    # [k, total] (withheld only beside a "<k" part, so a withheld part is known to be k or more).
    ranges = [(0, k - 1) if n < k else (n, n) for n in parts]
    candidates = sorted((i for i, n in enumerate(parts) if n >= k), key=lambda i: (-parts[i], i))
    withheld: set[int] = set()
    while True:
        if all(_range_of(i, ranges, total) == (0, k - 1) for i in small):
            return [None if i in withheld else fewer if n < k else n for i, n in enumerate(parts)]
        if not candidates:
            # Nothing left to withhold that helps: show none of the parts. A reader then knows only that
            # they add up to the total, which says nothing of any one of them.
            return [None] * len(parts)
        i = candidates.pop(0)
        withheld.add(i)
        ranges[i] = (k, total)


def preview_shown(preview: Preview, *, k: int) -> ShownPreview:
    """The counts of `preview` as the police may see them (see the module docstring)."""
    channels = sorted(preview.channels)
    if k <= 1:  # no threshold: every count as it is
        return ShownPreview(
            min_count=k,
            recipients=preview.total,
            channels=dict(preview.channels),
            no_contact=preview.no_contact,
            deferred=preview.deferred,
            networks=[_network(n, n["total"]) for n in preview.networks],
        )
    fewer = f"<{k}"

    def alone(n: int) -> Shown:
        return n if n >= k else fewer

    if preview.total < k:
        # Every other count but the members without contact is part of the total: all below k too.
        return ShownPreview(
            min_count=k,
            recipients=fewer,
            channels=dict.fromkeys(channels, fewer),
            no_contact=alone(preview.no_contact),
            deferred=fewer,
            networks=[_network(n, fewer) for n in preview.networks],
        )
    by_channel = parts_shown(preview.total, [preview.channels[c] for c in channels], k)
    by_network = parts_shown(preview.total, [n["total"] for n in preview.networks], k)
    return ShownPreview(
        min_count=k,
        recipients=preview.total,
        channels=dict(zip(channels, by_channel, strict=True)),
        no_contact=alone(preview.no_contact),
        # Held for quiet hours: a subset of the total with no sum beside it.
        deferred=alone(preview.deferred),
        networks=[_network(n, shown) for n, shown in zip(preview.networks, by_network, strict=True)],
    )


def _network(row: dict, total: Shown) -> dict:
    # The split of a BIN by channel is not shown: with the BINs' and the channels' totals beside it, it
    # would make a table whose small cells come back by subtraction along rows and columns.
    return {"id": row["id"], "slug": row["slug"], "name": row["name"], "kind": row["kind"], "total": total}


def _repeat_key(*, user, prepared) -> str:
    digest = hashlib.sha256(bytes(prepared.perimeter.geom.ewkb))
    digest.update(f"|{prepared.police_zone.pk}|{prepared.urgency}".encode())
    return f"bin-preview-seen:{user.pk}:{digest.hexdigest()[:32]}"


def _counted(*, user, prepared) -> bool:
    """Count a preview against the officer's limits unless it repeats one of the last hour; raise
    PreviewLimitExceeded over a limit. Returns whether it was counted."""
    key = _repeat_key(user=user, prepared=prepared)
    if cache.get(key):
        return False
    limit = throttle_check([(limit, str(user.pk)) for limit in alert_preview_limits()])
    if limit is not None:
        if limit.seconds <= HOUR:
            message = _(
                "You previewed %(count)s different perimeters within the last hour, the most allowed. "
                "Try again later; every preview is logged."
            )
        else:
            message = _(
                "You previewed %(count)s different perimeters within the last day, the most allowed. "
                "Try again later; every preview is logged."
            )
        raise PreviewLimitExceeded(message % {"count": limit.count})
    cache.set(key, True, timeout=HOUR)
    return True


def alert_preview(*, user, prepared) -> ShownPreview:
    """Whom a prepared alert (services.alert_prepare) would reach, as the police may see it; counted
    against the officer's limits and logged. PreviewLimitExceeded over a limit."""
    counted = _counted(user=user, prepared=prepared)
    preview = recipients_preview(
        police_zone_id=prepared.police_zone.pk,
        perimeter=prepared.perimeter.geom,
        urgent=prepared.urgency == Alert.Urgency.URGENT,
        exercise=prepared.exercise,
    )
    shown = preview_shown(preview, k=settings.BIN_PREVIEW_MIN_COUNT)
    AlertPreviewLog.objects.create(
        user=user,
        username=user.get_username(),
        police_zone=prepared.police_zone,
        perimeter=prepared.perimeter.geom,
        area_m2=prepared.perimeter.geom.area,
        urgency=prepared.urgency,
        shown={**shown.as_dict(), "networks": [[n["id"], n["total"]] for n in shown.networks]},
        counted=counted,
    )
    return shown
