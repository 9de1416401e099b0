"""The network admin's "Import networks from a file": import_networks for a GIS officer without a shell.

The same core function as `manage.py import_networks`, with its options for real data (repair invalid
polygons, clip overlaps, the tolerance, a dry run first) and its report on the page. Municipality staff
import into their own municipalities only (access.permissions.network_import_municipalities): a feature
that lies elsewhere is refused with its position, the rest of the file goes in.
"""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import can_admin_in_municipality, network_import_municipalities
from core.importing import ImportAborted, ImportReport

from .boundary_upload import DIRECT_SUFFIXES, _unzip
from .importers import import_networks
from .importers.overlaps import DEFAULT_MAX_CLIP_M2
from .importers.repair import DEFAULT_MAX_REPAIR_CHANGE_PCT
from .models import Municipality, Network
from .services import boundary_change
from .versions import BoundaryChangeSource

__all__ = ["NetworkImportAdminMixin", "NetworkImportForm"]


class NetworkImportForm(forms.Form):
    """The file and the options of import_networks that a GIS officer sets."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "GeoJSON, GeoPackage or a zipped Shapefile (.shp, .shx, .dbf and .prj), one polygon feature "
            "per network, in the coordinate reference system the file states."
        ),
    )
    name_field = forms.CharField(label=gettext_lazy("Field with the name"), initial="name", max_length=100)
    id_field = forms.CharField(
        label=gettext_lazy("Field with a stable identifier"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Re-imports update the network that has it. Empty: networks are matched on name and municipality."
        ),
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality of every network"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=gettext_lazy("Empty: the municipality that contains each area."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of every new network"),
        choices=[("", "—"), *Network.Kind.choices],
        required=False,
    )
    make_valid = forms.BooleanField(
        label=gettext_lazy("Repair invalid polygons"),
        required=False,
        help_text=gettext_lazy(
            "Rings that cross themselves, holes given twice…: repaired, with the change of area reported. "
            "Without it, an invalid polygon is refused."
        ),
    )
    max_repair_change = forms.FloatField(
        label=gettext_lazy("Largest change of area by a repair (%)"),
        initial=DEFAULT_MAX_REPAIR_CHANGE_PCT,
        min_value=0,
    )
    overlaps = forms.ChoiceField(
        label=gettext_lazy("Overlaps with other residential BINs"),
        choices=[
            ("refuse", gettext_lazy("refuse the network")),
            ("clip", gettext_lazy("leave the overlap to the network that was there first")),
        ],
        initial="refuse",
    )
    overlap_tolerance_m2 = forms.FloatField(
        label=gettext_lazy("Overlap accepted as it is (m²)"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("Empty: the service's setting."),
    )
    max_clip_m2 = forms.FloatField(
        label=gettext_lazy("Largest overlap to clip (m²)"),
        initial=DEFAULT_MAX_CLIP_M2,
        min_value=0,
        help_text=gettext_lazy("A larger overlap is a mistake in the file: the network is refused."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only: show what would change, write nothing"), required=False, initial=True
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["overlap_tolerance_m2"].widget.attrs["placeholder"] = settings.BIN_OVERLAP_TOLERANCE_M2


def _run(form: NetworkImportForm, user, allowed) -> tuple[ImportReport | None, str]:
    """Import the uploaded file with the form's options: (report, "") or (None, why it stopped)."""
    data = form.cleaned_data
    upload = data["file"]
    shown = Path(upload.name).name
    suffix = Path(shown).suffix.lower()
    if suffix not in {".zip", *DIRECT_SUFFIXES}:
        return None, _(
            "%(file)s: upload a GeoJSON (.geojson), a GeoPackage (.gpkg) or a zipped Shapefile (.zip)."
        ) % {"file": shown}
    defaults = {"municipality": data["municipality"], "kind": data["kind"] or None}
    with tempfile.TemporaryDirectory(prefix="bin-import-") as tmp:
        # Under the name it was uploaded with (made safe): the boundary versions name the file.
        staged = Path(tmp) / get_valid_filename(shown)
        with staged.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            if suffix == ".zip":
                (Path(tmp) / "unpacked").mkdir()
                staged = _unzip(staged, Path(tmp) / "unpacked")
            with boundary_change(user=user, source=BoundaryChangeSource.IMPORT):
                report = import_networks(
                    path=staged,
                    dry_run=data["dry_run"],
                    on_error="skip",
                    progress=False,
                    name_field=data["name_field"],
                    id_field=data["id_field"] or None,
                    defaults={key: value for key, value in defaults.items() if value is not None},
                    make_valid=data["make_valid"],
                    max_repair_change_pct=data["max_repair_change"],
                    overlaps=data["overlaps"],
                    overlap_tolerance_m2=data["overlap_tolerance_m2"],
                    max_clip_m2=data["max_clip_m2"],
                    municipality_ids=allowed,
                )
        except ValidationError as exc:
            return None, " ".join(exc.messages)
        except ImportAborted as exc:
            # Where the server keeps the upload is no business of the page.
            return None, str(exc).replace(str(staged), shown)
    report.source = report.source.replace(str(staged), shown)
    return report, ""


class NetworkImportAdminMixin:
    """For NetworkAdmin (before ModelAdmin): the page "Import networks from a file", linked from the list."""

    change_list_template = "admin/areas/network/change_list_import.html"
    import_template = "admin/areas/network/import_networks.html"

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_networks_view),
                name="areas_network_import",
            )
        ]
        return own + super().get_urls()

    def import_networks_view(self, request):
        if not can_admin_in_municipality(request.user):
            raise PermissionDenied
        allowed = network_import_municipalities(request.user)
        municipalities = Municipality.objects.order_by("name_nl")
        if allowed is not None:
            municipalities = municipalities.filter(pk__in=allowed)
        form = NetworkImportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            municipalities=municipalities,
        )
        report, error = None, ""
        if request.method == "POST" and form.is_valid():
            report, error = _run(form, request.user, allowed)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import networks from a file"),
            "form": form,
            "report": report,
            "error": error,
        }
        return TemplateResponse(request, self.import_template, context)
