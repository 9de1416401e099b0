"""The page where a police zone's officers keep its message templates and saved areas (alerts.content):
list them, add and change a template, make an area from a network or a street, retire or delete either.
Areas are drawn in the alert console ("Keep for next time"); the admin offers the same to staff.

Who may: the zone's police and administrators (access.permissions.can_edit_alert_content); another zone's
page is a 403 that says so. Every write goes through alerts.content, whose messages the forms show."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import can_edit_alert_content
from areas.models import Network, PoliceZone

from .content import (
    MARGIN_DEFAULT_M,
    MARGIN_MAX_M,
    PLACEHOLDERS,
    area_delete,
    area_save,
    street_in_zone,
    template_delete,
    template_save,
)
from .languages import ALERT_LANGUAGES, LANGUAGE_NAMES
from .models import Alert, Category, MessageTemplate, SavedArea

__all__ = ["alert_content_page"]


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), required=False, choices=[("", "—"), *Category.choices]
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), required=False, choices=[("", "—"), *Alert.Urgency.choices]
    )
    text_nl = forms.CharField(label=gettext_lazy("text (Dutch)"), required=False, widget=forms.Textarea)
    text_fr = forms.CharField(label=gettext_lazy("text (French)"), required=False, widget=forms.Textarea)
    text_de = forms.CharField(label=gettext_lazy("text (German)"), required=False, widget=forms.Textarea)
    text_en = forms.CharField(label=gettext_lazy("text (English)"), required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in ALERT_LANGUAGES:
            self.fields[f"text_{language}"].widget.attrs.update({"rows": 3, "lang": language})


class AreaForm(forms.Form):
    SOURCES = [
        ("network", gettext_lazy("a network's area")),
        ("street", gettext_lazy("a street's addresses")),
    ]

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(label=gettext_lazy("description"), max_length=300, required=False)
    source = forms.ChoiceField(label=gettext_lazy("made from"), choices=SOURCES, widget=forms.RadioSelect)
    network = forms.ModelChoiceField(
        label=gettext_lazy("network"), queryset=Network.objects.none(), required=False
    )
    street = forms.CharField(label=gettext_lazy("street"), max_length=200, required=False)
    number_from = forms.IntegerField(
        label=gettext_lazy("from number"), min_value=0, max_value=99999, required=False
    )
    number_to = forms.IntegerField(
        label=gettext_lazy("to number"), min_value=0, max_value=99999, required=False
    )
    margin_m = forms.FloatField(
        label=gettext_lazy("margin (m)"),
        min_value=1,
        max_value=MARGIN_MAX_M,
        initial=MARGIN_DEFAULT_M,
        required=False,
    )

    def __init__(self, *args, zone: PoliceZone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = (
            Network.objects.existing().in_police_zones([zone.pk]).order_by("name")
        )


def _errors_into(form: forms.Form, exc: ValidationError) -> None:
    """The service's ValidationError shown on the form: under its field, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, messages_ in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, exc.messages)


def _template_data(form: TemplateForm) -> dict:
    return {key: form.cleaned_data[key] for key in ("name", "category", "urgency")} | {
        f"text_{language}": form.cleaned_data[f"text_{language}"] for language in ALERT_LANGUAGES
    }


def _area_source(d: dict, zone: PoliceZone) -> dict:
    """area_save's arguments for the area form's cleaned data: a network's area or a street's addresses."""
    kwargs = {"name": d["name"], "description": d["description"], "police_zone": zone}
    if d["source"] == "network":
        if d["network"] is None:
            raise ValidationError({"network": _("Choose a network.")})
        kwargs["network_id"] = d["network"].pk
        return kwargs
    street = street_in_zone(text=d["street"], police_zone_id=zone.pk)
    numbers = None
    if d["number_from"] is not None or d["number_to"] is not None:
        low = d["number_from"] if d["number_from"] is not None else d["number_to"]
        high = d["number_to"] if d["number_to"] is not None else d["number_from"]
        numbers = [low, high]
    kwargs.update(street_id=street.pk, margin_m=d["margin_m"], numbers=numbers)
    return kwargs


def _item_action(request, action: str, *, templates, areas) -> None:
    """Retire, activate or delete the template or area of the POST (`kind`, `id`) among the zone's."""
    kind = request.POST.get("kind")
    queryset = templates if kind == "template" else areas if kind == "area" else None
    pk = request.POST.get("id", "")
    obj = queryset.filter(pk=pk).first() if queryset is not None and pk.isdigit() else None
    if obj is None:
        raise ValidationError(_("No such template or area in this police zone."))
    if action == "delete":
        if kind == "template":
            template_delete(user=request.user, template=obj)
        else:
            area_delete(user=request.user, area=obj)
        messages.success(request, _("“%(name)s” deleted.") % {"name": obj.name})
    elif kind == "template":
        template_save(user=request.user, data={"active": action == "activate"}, template=obj)
    else:
        active = action == "activate"
        area_save(user=request.user, name=obj.name, description=obj.description, area=obj, active=active)


@login_required
def alert_content_page(request, number):
    """The templates and saved areas of police zone `number`; POST: one action (see `action`)."""
    zone = get_object_or_404(PoliceZone, number=number)
    if not can_edit_alert_content(request.user, zone.pk):
        raise PermissionDenied(_("The templates and areas of a police zone are its police's."))
    templates = MessageTemplate.objects.filter(police_zone=zone).order_by("name")
    areas = SavedArea.objects.filter(police_zone=zone).select_related("network", "street").order_by("name")
    editing = None
    if request.GET.get("template"):
        pk = request.GET["template"]
        editing = templates.filter(pk=pk).first() if pk.isdigit() else None
    template_form = TemplateForm(
        initial=(
            {"name": editing.name, "category": editing.category, "urgency": editing.urgency}
            | {f"text_{language}": getattr(editing, f"text_{language}") for language in ALERT_LANGUAGES}
            if editing
            else None
        )
    )
    area_form = AreaForm(zone=zone, initial={"source": "network", "margin_m": MARGIN_DEFAULT_M})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "template":
                template_form = TemplateForm(request.POST)
                pk = request.POST.get("id", "")
                editing = templates.filter(pk=pk).first() if pk.isdigit() else None
                if template_form.is_valid():
                    saved = template_save(
                        user=request.user,
                        data={**_template_data(template_form), "police_zone": zone},
                        template=editing,
                    )
                    messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
                    return redirect("alerts:content", zone.number)
            elif action == "area":
                area_form = AreaForm(request.POST, zone=zone)
                if area_form.is_valid():
                    saved = area_save(user=request.user, **_area_source(area_form.cleaned_data, zone))
                    messages.success(request, _("Area “%(name)s” saved.") % {"name": saved.name})
                    return redirect("alerts:content", zone.number)
            elif action in ("retire", "activate", "delete"):
                _item_action(request, action, templates=templates, areas=areas)
                return redirect("alerts:content", zone.number)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            target = area_form if action == "area" else template_form
            if action in ("template", "area"):
                _errors_into(target, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("alerts:content", zone.number)
        status = 400
    return render(
        request,
        "alerts/content_page.html",
        {
            "title": _("Templates and saved areas of police zone %(zone)s") % {"zone": zone.name},
            "police_zone": zone,
            "templates": templates,
            "areas": areas,
            "template_form": template_form,
            "area_form": area_form,
            "editing": editing,
            "placeholders": [("{" + name + "}", label) for name, label in PLACEHOLDERS.items()],
            "language_names": LANGUAGE_NAMES,
        },
        status=status,
    )
