"""The boundary versions of networks: every area a network has had, since when, until when, who and why."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["BoundaryChangeSource", "NetworkBoundaryVersion"]


class BoundaryChangeSource(models.TextChoices):
    """Which writer changed a boundary; the database says "sql" when no service said anything."""

    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    STREET_LIST = "street_list", _("street list")
    API = "api", _("API")
    PROPOSAL = "proposal", _("online proposal")
    SQL = "sql", _("SQL")
    MIGRATION = "migration", _("before versions were kept")


class NetworkBoundaryVersion(models.Model):
    # A network's area changes (a new edition of the municipality's file, a street moved to the neighbours'
    # BIN, a correction in the admin), and the question "which BIN covered this address on 3 March?" (a
    # message sent then, a complaint) needs the area of that day. The database keeps them: triggers on
    # areas_network (areas/sql/boundary_versions.sql) add a row when a network is inserted or its boundary
    # changes, and close the previous one, whoever writes (admin, importers, street lists, raw SQL). Who and
    # why come from transaction-local settings that areas.services.boundary_change sets; a writer that
    # sets none is recorded as "sql". Django never writes these rows.
    #
    # A version is valid from `valid_from` (inclusive) until `valid_to` (exclusive; NULL: the current
    # one). Deleting a network keeps its versions (no database foreign key) and closes the open one: the
    # history stays for the record, but the lookup's ?at= answers only networks that still exist, since it
    # shows them with today's name, status and publication. A network that ends is dissolved, not deleted.
    """One area a network had, from `valid_from` until `valid_to` (None: still), with who, why and how."""

    Source = BoundaryChangeSource

    network = models.ForeignKey(
        "areas.Network",
        verbose_name=_("network"),
        related_name="boundary_versions",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=settings.BIN_STORAGE_SRID)
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SQL)

    class Meta:
        # network_id, not network: ordering by the relation would join the networks and drop the versions of
        # deleted ones.
        ordering = ["network_id", "valid_from", "id"]
        verbose_name = _("boundary version")
        verbose_name_plural = _("boundary versions")
        indexes = [models.Index(fields=["network", "valid_from"], name="areas_boundary_version_net")]

    def __str__(self):
        return f"{self.network_id} @ {self.valid_from:%Y-%m-%d %H:%M}"
