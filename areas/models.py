"""Municipalities, police zones and the networks (BIN, BIN-Z) drawn inside them."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.country import validate_municipality_code

from .choices import CLOSED_STATUSES, EXCLUSIVE_KINDS, AreaSource, NetworkKind, NetworkStatus
from .rules import NetworkQuerySet
from .versions import NetworkBoundaryVersion

__all__ = ["Municipality", "Network", "NetworkBoundaryVersion", "NetworkDisplayShape", "PoliceZone"]

SRID = settings.BIN_STORAGE_SRID


class PoliceZone(models.Model):
    """A local police zone (politiezone / zone de police): one or more municipalities, one police force."""

    number = models.PositiveIntegerField(
        _("zone number"), unique=True, null=True, blank=True, help_text=_("The federal number, e.g. 5373.")
    )
    code = models.CharField(
        _("source code"),
        max_length=32,
        unique=True,
        help_text=_("Identifier in the source data, e.g. ipz32."),
    )
    name = models.CharField(_("name"), max_length=200)
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police zone")
        verbose_name_plural = _("police zones")

    def __str__(self):
        return f"{self.name} ({self.number})" if self.number else self.name


class Municipality(models.Model):
    """A municipality (gemeente / commune / Gemeinde) identified by its NIS (INS) code, or in a Dutch
    deployment by its CBS gemeentecode ("GM0363"): the field keeps its name, core.country checks the form."""

    nis_code = models.CharField(
        _("municipality code"),
        max_length=6,
        unique=True,
        validators=[validate_municipality_code],
        help_text=_("NIS code in Belgium (23027), CBS code in the Netherlands (GM0363)."),
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    police_zone = models.ForeignKey(
        PoliceZone,
        verbose_name=_("police zone"),
        related_name="municipalities",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, null=True, blank=True)

    class Meta:
        ordering = ["name_nl", "name_fr"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        names = [n for n in (self.name_nl, self.name_fr, self.name_de) if n]
        unique = list(dict.fromkeys(names))
        return " / ".join(unique) or self.nis_code

    @property
    def name(self):
        return self.name_nl or self.name_fr or self.name_de


class Network(models.Model):
    # A Buurtinformatienetwerk (BIN, réseau d'information de quartier, RIQ) is a formal cooperation
    # between the residents of a geographically delimited area, the local police and the municipality.
    # It exists to raise the sense of safety and to prevent crime: when something suspicious happens the
    # police send a BIN message to the members of the area (urgent ones by SMS from the 101 dispatch,
    # non-urgent ones by e-mail), with a preventive tip; members watch and report back, and the police
    # give feedback afterwards.
    #
    # A BIN-Z does the same for the self-employed (shopkeepers, pharmacists, doctors, cafés) of a
    # commercial area, and may overlap the residential BINs of the same streets. Other kinds exist
    # (farmers, schools); `kind` leaves room for them.
    #
    # A BIN goes through a life cycle: it is proposed (often after an information evening), founded
    # by a charter signed by the mayor, the police chief (korpschef) and the coordinator, recognised by
    # the federal Home Affairs service (FOD Binnenlandse Zaken), then active; it can be suspended or
    # dissolved. It is led by a coordinator, a resident elected by the members, with a police officer
    # as contact. Its area is a polygon: members are the residents whose address lies inside it, and
    # two residential BINs of one municipality never overlap, so that every address has at most one.
    """A neighbourhood information network (BIN, BIN-Z…) and the area it covers."""

    Kind = NetworkKind
    Status = NetworkStatus
    EXCLUSIVE_KINDS = EXCLUSIVE_KINDS
    CLOSED_STATUSES = CLOSED_STATUSES

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.BIN)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), related_name="networks", on_delete=models.PROTECT
    )
    police_zone = models.ForeignKey(
        PoliceZone,
        verbose_name=_("police zone"),
        related_name="networks",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    info_evening_date = models.DateField(_("information evening"), null=True, blank=True)
    charter_signed_date = models.DateField(_("charter signed"), null=True, blank=True)
    recognised_date = models.DateField(_("recognised"), null=True, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        related_name="coordinated_networks",
        blank=True,
    )
    police_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("police contact"),
        related_name="police_networks",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    # The Dutch model (issue 17): alerts reach this network's members only through its coordinators, who
    # forward them (as written or edited) or decline (alerts.relay).
    relay_via_coordinator = models.BooleanField(_("messages go through the coordinator"), default=False)
    published = models.BooleanField(_("published"), default=False)
    description = models.TextField(_("description"), blank=True)
    source_id = models.CharField(
        _("source identifier"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifier in the imported file; re-imports update the network that has it."),
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID)
    boundary_source = models.CharField(
        _("source of the area"), max_length=16, choices=AreaSource.choices, default=AreaSource.DRAWN
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name_nl", "name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        indexes = [models.Index(fields=["municipality", "kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}" if self.kind != self.Kind.BIN else self.name

    @property
    def is_live(self) -> bool:
        """Takes members and receives alerts (NetworkQuerySet.live for many networks)."""
        return self.status not in CLOSED_STATUSES

    @property
    def effective_zone_id(self) -> int | None:
        """The police zone the network belongs to: its own, else its municipality's (see in_police_zones)."""
        return self.police_zone_id or self.municipality.police_zone_id


class NetworkDisplayShape(models.Model):
    # The maps draw each network simplified for the zoom that fits its area; doing that per request made
    # a police-zone page of 200 detailed BINs take 1.2 s here, 2.5-7 s on busier machines
    # (scripts/bench_map_render.py). The database keeps
    # the simplified shapes instead: a trigger on areas_network (areas/sql/display_shapes.sql) rewrites a
    # network's rows whenever its boundary is inserted or changed, whichever writer did it (service,
    # admin, importer, raw SQL), and the foreign key deletes them with the network (ON DELETE CASCADE,
    # in the database, so a raw DELETE does too). Django never writes these rows.
    """A network's boundary simplified at one display tolerance, as GeoJSON text in EPSG:4326."""

    network = models.ForeignKey(
        Network, related_name="display_shapes", on_delete=models.DO_NOTHING, db_constraint=False
    )
    tolerance_m = models.FloatField()
    decimals = models.PositiveSmallIntegerField()
    geojson = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "tolerance_m", "decimals"], name="areas_display_shape_unique"
            )
        ]

    def __str__(self):
        return f"{self.network_id} @ {self.tolerance_m} m"
