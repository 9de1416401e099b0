"""The admin's street lists: the ranges of each street-list network (read-only) and the page "Import street
lists (CSV)", linked from the network list. Who may use them is access.permissions' admin_scope:
administrators everywhere, municipality staff for their municipalities (other municipalities' rows are
refused)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import admin_scope, can_admin_in_municipality
from areas.models import Network
from core.importing import ImportAborted

from .models import NetworkStreetRange
from .streetlists import import_street_lists

__all__ = ["NetworkStreetRangeAdmin", "StreetListImportForm"]

# A street list of a whole municipality is a few hundred rows; a file far larger is a mistake.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class StreetListImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Street-list file (CSV)"),
        help_text=gettext_lazy(
            "UTF-8 CSV with the header network,municipality,street,postcode,from,to,parity."
        ),
    )
    on_error = forms.ChoiceField(
        label=gettext_lazy("Bad rows"),
        choices=[
            ("stop", gettext_lazy("stop at the first bad row and write nothing")),
            ("skip", gettext_lazy("import the good rows and list the bad ones")),
        ],
        initial="stop",
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: show what would change, write nothing"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


@admin.register(NetworkStreetRange)
class NetworkStreetRangeAdmin(admin.ModelAdmin):
    """The street lists, to read; they change by importing a file (the polygons are derived from them)."""

    list_display = ["network", "street", "first", "last", "parity"]
    list_filter = ["network__municipality", "parity"]
    search_fields = ["network__name", "street__name_nl", "street__name_fr", "street__name_de"]
    list_select_related = ["network", "street"]
    import_template = "admin/streets/street_lists_import.html"

    def get_queryset(self, request):
        scope = admin_scope(request.user)
        return super().get_queryset(request).filter(network__in=Network.objects.in_scope(scope))

    def has_module_permission(self, request):
        return can_admin_in_municipality(request.user)

    def has_view_permission(self, request, obj=None):
        return can_admin_in_municipality(request.user, obj.network.municipality_id if obj else None)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="streets_networkstreetrange_import",
            )
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not can_admin_in_municipality(request.user):
            raise PermissionDenied
        scope = admin_scope(request.user)
        posted = request.method == "POST"
        form = StreetListImportForm(request.POST if posted else None, request.FILES if posted else None)
        report, error = None, ""
        if posted and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_street_lists(
                    data=upload.read(),
                    name=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    on_error=form.cleaned_data["on_error"],
                    allowed_municipalities=None if scope.everything else set(scope.municipalities),
                    user=request.user,
                )
            except ImportAborted as exc:
                error, report = str(exc), exc.report
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "network_opts": Network._meta,
            "title": _("Import street lists (CSV)"),
            "form": form,
            "report": report,
            "error": error,
            "aborted": bool(error),
        }
        return TemplateResponse(request, self.import_template, context)
