"""Streets and addresses: the register that the lookup and the alert fan-out read."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Municipality

__all__ = ["Address", "Street"]

SRID = settings.BIN_STORAGE_SRID


class Street(models.Model):
    """A street name of one municipality, in each of its official languages."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), related_name="streets", on_delete=models.PROTECT
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    geometry = models.MultiLineStringField(_("geometry"), srid=SRID, null=True, blank=True)
    source_id = models.CharField(_("source identifier"), max_length=100, unique=True)

    class Meta:
        ordering = ["name_nl", "name_fr"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self):
        names = list(dict.fromkeys(n for n in (self.name_nl, self.name_fr, self.name_de) if n))
        return " / ".join(names) or self.source_id

    @property
    def name(self):
        return self.name_nl or self.name_fr or self.name_de


class Address(models.Model):
    """An address point: a house number (with suffix) on a street, optionally a box, at a position."""

    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        related_name="addresses",
        on_delete=models.CASCADE,
        db_index=False,  # the (street, number) index below serves street lookups
    )
    house_number = models.CharField(
        _("house number"), max_length=16, help_text=_("As written: 10, 10A, 10 bis.")
    )
    # The numeric part of the house number, for sorting, odd/even sides and nearest-number answers.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    box_number = models.CharField(_("box"), max_length=16, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    point = models.PointField(_("position"), srid=SRID)
    source_id = models.CharField(_("source identifier"), max_length=100, unique=True)

    class Meta:
        ordering = ["street", "number", "house_number", "box_number"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [models.Index(fields=["street", "number"])]

    def __str__(self):
        box = f" {_('box')} {self.box_number}" if self.box_number else ""
        return f"{self.street} {self.house_number}{box}, {self.postcode}"
