"""Streets and addresses: the register that the lookup and the alert fan-out read."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import Municipality, Network

__all__ = ["Address", "NetworkStreetRange", "PostalName", "Street", "StreetTerm", "StreetWordVariant"]

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


class StreetTerm(models.Model):
    """One way to find a street by typing its name: a normalised name (lower case, no accents, words split on
    anything but letters and digits), whole (`word` 0) or from one of its later words on (`word` n).

    "Rue de la Loi" gives "rue de la loi", "loi" (words under three letters start no term); a term range
    scan on the C-collated btree answers "starts with" at any word. The database keeps the rows: triggers on
    streets_street (migration 0004) write them for every insert and every change of a name, municipality or
    postcode, whoever writes (importers, admin, SQL), and the foreign key deletes them with the street.
    """

    street = models.ForeignKey(
        Street, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    # Copies of the street's, for the filtered index scans.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    postcode = models.CharField(max_length=8, blank=True)
    word = models.PositiveSmallIntegerField()
    term = models.TextField(db_collation="C")
    # The whole normalised name the term comes from: the other typed words are checked against it.
    name = models.TextField(db_collation="C")

    class Meta:
        indexes = [
            models.Index(fields=["term"], include=["word", "street", "name"], name="streetterm_term"),
            models.Index(fields=["municipality", "term"], name="streetterm_municipality"),
            models.Index(fields=["postcode", "term"], name="streetterm_postcode"),
            models.Index(fields=["street"], name="streetterm_street"),
            GinIndex(
                fields=["term"], opclasses=["gin_trgm_ops"], condition=Q(word=0), name="streetterm_trgm"
            ),
        ]

    def __str__(self):
        return self.term


class StreetWordVariant(models.Model):
    """A word of the street names, and the word with one letter left out: the typo index.

    Two words one slip apart (a letter wrong, missing, doubled or two letters swapped) share a variant:
    "ecole" and "ecple" both give "ecle". The street search looks the typed words' variants up here.
    The triggers that write StreetTerm add the variants of new words; words no street has any more stay
    (harmless: they lead to no street).
    """

    pk = models.CompositePrimaryKey("variant", "word")
    variant = models.TextField(db_collation="C")
    word = models.TextField(db_collation="C")

    def __str__(self):
        return f"{self.variant} → {self.word}"


class PostalName(models.Model):
    """A name of the place a postcode serves, as people write it after the postcode: 1502 Lembeek, 1130 Haren.

    Belgian municipalities merged in 1977 (and again in 2019 and 2025), but addresses are still written
    with the old village: "Stationsstraat 23, Lembeek" lies in Halle. The BeST register lists each
    postcode's names ("Brussel (Haren)", "Galmaarden/Tollembeek/Vollezele"); the importer keeps each name,
    and each part of a list or a bracket, so that "Haren" and "Tollembeek" are found.
    """

    postcode = models.CharField(_("postcode"), max_length=8)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["postcode", "name"]
        verbose_name = _("postal name")
        verbose_name_plural = _("postal names")
        constraints = [models.UniqueConstraint(fields=["postcode", "name"], name="postalname_unique")]

    def __str__(self):
        return f"{self.postcode} {self.name}"


class NetworkStreetRange(models.Model):
    # A BIN defined by a street list ("Kerkstraat 1-35 odd, Molenstraat whole") rather than a drawn polygon,
    # as municipal web pages and the police's own systems publish them. The list is the truth: the network's
    # polygon (Network.boundary_source "street_list") is derived from the addresses it names
    # (streets/streetlists/derive.py), so that the lookup, the alerts and the maps work unchanged.
    """One row of a network's street list: the house numbers of one street, from-to inclusive, on one side."""

    class Parity(models.TextChoices):
        ODD = "odd", _("odd")
        EVEN = "even", _("even")
        ALL = "all", _("all")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), related_name="street_ranges", on_delete=models.CASCADE
    )
    street = models.ForeignKey(
        Street, verbose_name=_("street"), related_name="network_ranges", on_delete=models.CASCADE
    )
    # The numeric parts of the house numbers; None is open-ended (both None: the whole street).
    first = models.PositiveIntegerField(_("from"), null=True, blank=True)
    last = models.PositiveIntegerField(_("to"), null=True, blank=True)
    parity = models.CharField(_("side"), max_length=4, choices=Parity.choices, default=Parity.ALL)

    class Meta:
        ordering = ["network", "street", "parity", "first"]
        verbose_name = _("street range of a network")
        verbose_name_plural = _("street ranges of networks")

    def __str__(self):
        numbers = "" if self.first is None and self.last is None else f" {self.first or ''}-{self.last or ''}"
        return f"{self.street}{numbers} ({self.get_parity_display()})"

    @property
    def whole_street(self) -> bool:
        return self.first is None and self.last is None and self.parity == self.Parity.ALL
