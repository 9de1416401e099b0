"""The network admin's boundary history: the list of versions on the change page, a page that compares two
of them on a map, and the optional "reason for the change" that the versions record (areas.versions)."""

from django import forms
from django.contrib.admin import display
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from access.permissions import can_see_boundary_history
from core.tiles import tile_attribution, tile_url

from .services import boundary_change
from .version_selectors import boundary_versions_compared, network_boundary_history
from .versions import BoundaryChangeSource, NetworkBoundaryVersion

__all__ = ["BoundaryHistoryAdminMixin"]

REASON = "change_reason"
HISTORY = "boundary_history"


class BoundaryHistoryAdminMixin:
    """For NetworkAdmin (before ModelAdmin): a "Boundary history" section with the reason for a change and
    the versions, the comparison page, and saves recorded with the user and the reason."""

    history_template = "admin/areas/network/boundary_history.html"
    compare_template = "admin/areas/network/boundary_compare.html"

    def get_fieldsets(self, request, obj=None):
        editable = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        fields = ([REASON] if editable else []) + ([HISTORY] if obj is not None else [])
        return [*super().get_fieldsets(request, obj), (_("Boundary history"), {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, HISTORY] if obj is not None else readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Not a field of the model: the form gets it declared, and the model form factory never hears of it.
        if kwargs.get("fields"):
            kwargs["fields"] = [f for f in kwargs["fields"] if f != REASON]
        form = super().get_form(request, obj, change, **kwargs)
        reason = forms.CharField(
            label=_("Reason for the boundary change"),
            required=False,
            max_length=500,
            help_text=_("Kept with the new boundary in its history, e.g. “council decision of 3 March”."),
        )
        return type(form)(form.__name__, (form,), {REASON: reason})

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get(REASON, "")
        with boundary_change(user=request.user, reason=reason, source=BoundaryChangeSource.ADMIN):
            super().save_model(request, obj, form, change)

    @display(description=_("Versions"))
    def boundary_history(self, obj):
        versions = list(network_boundary_history(network=obj))
        # Newest first: each row's comparison is with the version after it in the list.
        rows = [(v, versions[i + 1].pk if i + 1 < len(versions) else None) for i, v in enumerate(versions)]
        return render_to_string(self.history_template, {"rows": rows, "compare_url": _compare_url(obj)})

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/boundary-versions/",
                self.admin_site.admin_view(self.boundary_compare_view),
                name="areas_network_boundary_compare",
            )
        ]
        return own + super().get_urls()

    def boundary_compare_view(self, request, object_id):
        network = self.get_object(request, unquote(object_id))
        if network is None:
            raise Http404
        if not can_see_boundary_history(request.user, network.municipality_id):
            raise PermissionDenied
        versions = list(network_boundary_history(network=network))
        if not versions:
            raise Http404
        by_id = {v.pk: v for v in versions}
        new = _chosen(request, "new", by_id, versions[0])
        old = _chosen(request, "old", by_id, versions[1] if len(versions) > 1 else versions[0])
        if old.valid_from > new.valid_from or (old.valid_from == new.valid_from and old.pk > new.pk):
            old, new = new, old
        compared = boundary_versions_compared(old=old, new=new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": network,
            "title": _("Boundary versions of %(name)s") % {"name": network.name},
            "versions": versions,
            "old": old,
            "new": new,
            "compared": compared,
            "map_data": {
                "old": compared.old,
                "new": compared.new,
                "added": compared.added,
                "removed": compared.removed,
                "tiles": tile_url(),
                "attribution": tile_attribution(),
            },
        }
        return TemplateResponse(request, self.compare_template, context)


def _chosen(request, key: str, by_id: dict[int, NetworkBoundaryVersion], default):
    """The version the query names under `key` (one of this network's), else `default`; 404 for others."""
    value = request.GET.get(key, "")
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) not in by_id:
        raise Http404
    return by_id[int(value)]


def _compare_url(network) -> str:
    return reverse("admin:areas_network_boundary_compare", args=[network.pk])
