"""Joining, one thing per page: 1 address → 2 BIN (a map confirms the position) → 3 details → 4 consent →
5 "check your e-mail".

What was entered lives in the session (server side), never in a URL, so Back keeps it. Each step is checked
when sent (services/join_steps.py) and member_join checks it all once more at the consent step; an error is
shown on the step that asks for it, in a summary that links to each field and takes the focus.
"""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_time
from django.utils.translation import gettext as _

from areas.models import Network
from areas.selectors import networks_visible
from core.geometry import to_storage, to_wgs84
from core.throttle import JOIN_EMAIL, JOIN_IP, client_address, form_over_limit

from .. import conf
from ..forms import add_service_errors
from ..forms_join import JoinConsentForm, JoinDetailsForm, JoinNetworksForm, error_described
from ..models import Member
from ..privacy import privacy_notice
from ..services import member_join
from ..services.join_steps import join_address_check, join_details_check, join_networks_check
from .public import _lookup

__all__ = ["join", "join_consent", "join_details", "join_network", "join_sent"]

SESSION_KEY = "join"
SENT_KEY = "join_sent"
# Where each field of member_join is asked, for the errors only the final check finds.
FIELD_STEP = {
    "address": ("members:join", "address"),
    "networks": ("members:join-network", "id_networks_0"),
    "lat": ("members:join-network", "id_lat"),
}


def _state(request) -> dict:
    return dict(request.session.get(SESSION_KEY) or {})


def _save(request, **changes) -> dict:
    state = {**_state(request), **changes}
    request.session[SESSION_KEY] = state
    return state


def _page(request, template: str, context: dict, *, status: int = 200):
    """A step's page; `has_errors` puts the summary on it and "Error: " in its title."""
    form = context.get("form")
    if form is not None and form.is_bound:
        error_described(form)
    context["has_errors"] = bool(context.get("errors")) or bool(form is not None and form.errors)
    return render(request, template, context, status=status)


# --- 1. address ---------------------------------------------------------------------------------------


def _chosen(context: dict, address_id: str):
    """The candidate the lookup answer page linked to (?address_id=), if it is one of the matches."""
    result = context.get("result")
    for m in result.matches if result else []:
        if m.address is not None and str(m.address.pk) == address_id:
            return m
    return None


def join(request, slug=None):
    """Step 1: the address (GET ?address=…[&address_id=…]); a match goes straight on to step 2."""
    network = get_object_or_404(networks_visible(), slug=slug) if slug else None
    if network is not None:
        _save(request, network=network.slug)
    elif not request.GET and _state(request).get("network"):
        _save(request, network="")  # the general join page: no BIN chosen beforehand
    address = request.GET.get("address", "").strip()
    if not address:
        context = {"address": _state(request).get("address", ""), "network": network}
        return _page(request, "members/join_address.html", context)
    context = {**_lookup(address), "network": network}
    chosen = _chosen(context, request.GET.get("address_id", ""))
    errors = []
    if context.get("address_error"):
        errors = [context["address_error"]]
    elif not context.get("ambiguous") or chosen is not None:
        text = chosen.label if chosen is not None else address
        try:
            join_address_check(address_text=text)
        except ValidationError as exc:
            errors = exc.messages
        else:
            # Kept as typed (member_join resolves it again, and stores it): a new one drops the BINs chosen.
            changed = _state(request).get("address") != text
            _save(request, address=text, **({"networks": []} if changed else {}))
            return redirect("members:join-network")
    context["errors"] = [(e, "#address") for e in errors]
    return _page(request, "members/join_address.html", context, status=400)


# --- 2. BIN -------------------------------------------------------------------------------------------


def _map_data(match, covering) -> dict:
    """The point and the covering networks' outlines in EPSG:4326, for the page's small map."""
    point = to_wgs84(match.point)
    ids = [c.network.pk for c in covering]
    shapes = [
        {"name": n.name, "geojson": to_wgs84(n.boundary).json}
        for n in networks_visible().filter(pk__in=ids)
        if n.boundary is not None
    ]
    return {"lat": round(point.y, 6), "lon": round(point.x, 6), "networks": shapes}


def _initial_networks(state: dict, covering) -> list[str]:
    slugs = {c.network.slug for c in covering}
    if state.get("networks"):
        return [s for s in state["networks"] if s in slugs]
    if state.get("network") in slugs:
        return [state["network"]]
    bins = [c.network.slug for c in covering if c.network.kind == Network.Kind.BIN]
    return bins if len(bins) == 1 else []


def _wrong_network(state: dict, covering) -> str:
    """When the page of one BIN sent the resident here and that BIN does not cover the address."""
    slug = state.get("network")
    if not slug or slug in {c.network.slug for c in covering}:
        return ""
    network = networks_visible().filter(slug=slug).first()
    if network is None:
        return ""
    same = [c.network.name for c in covering if c.network.kind == network.kind]
    if same:
        return _("%(name)s does not cover this address; it lies in %(others)s.") % {
            "name": network.name,
            "others": ", ".join(same),
        }
    return _("%(name)s does not cover this address.") % {"name": network.name}


def _networks_post(request, form, state, match):
    """Step 2 sent: the BINs checked against the position (the one given by hand, else the address's)."""
    d = form.cleaned_data
    point = match.point
    if d.get("lat") is not None:
        free = Point(d["lon"], d["lat"], srid=4326)
        join_address_check(address_text=state["address"], free_point=free)
        point = to_storage(free)
    networks = join_networks_check(network_slugs=d["networks"], point=point, kind=Member.Kind.BUSINESS)
    # A BIN-Z takes businesses only; a BIN takes both, residents by default.
    kind = state.get("kind") or Member.Kind.RESIDENT
    if any(n.kind != Network.Kind.BIN for n in networks):
        kind = Member.Kind.BUSINESS
    _save(request, networks=[n.slug for n in networks], lat=d.get("lat"), lon=d.get("lon"), kind=kind)


def join_network(request):
    """Step 2: which BIN, with a small map of where the address lies."""
    state = _state(request)
    if not state.get("address"):
        return redirect("members:join")
    context = _lookup(state["address"])
    match, covering = context.get("match"), context.get("covering") or []
    if match is None:
        return redirect("members:join")
    choices = [(c.network.slug, c.network.name) for c in covering]
    status = 200
    if request.method == "POST":
        form = JoinNetworksForm(request.POST, network_choices=choices)
        if form.is_valid():
            try:
                _networks_post(request, form, state, match)
            except ValidationError as exc:
                add_service_errors(form, exc, fields={"address": "lat"})
            else:
                return redirect("members:join-details")
        status = 400
    else:
        initial = {
            "networks": _initial_networks(state, covering),
            "lat": state.get("lat"),
            "lon": state.get("lon"),
        }
        form = JoinNetworksForm(initial=initial, network_choices=choices)
    context.update(
        {
            "form": form,
            "choices": [c.network for c in covering],
            "exact": match.match == "exact",
            "wrong_network": _wrong_network(state, covering),
            "map_data": _map_data(match, covering),
        }
    )
    return _page(request, "members/join_network.html", context, status=status)


# --- 3. details ---------------------------------------------------------------------------------------


def _details_initial(request, state: dict, kind: str) -> dict:
    saved = dict(state.get("details") or {})
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in Member.Language.values else "nl"
    return {"language": language, **saved, "kind": kind}


def join_details(request):
    """Step 3: a resident's or a business's details (only those of the kind) and how we reach them."""
    state = _state(request)
    if not state.get("networks"):
        return redirect("members:join-network" if state.get("address") else "members:join")
    if request.GET.get("kind") in Member.Kind.values:
        state = _save(request, kind=request.GET["kind"])
    kind = state.get("kind") or Member.Kind.RESIDENT
    status = 200
    if request.method == "POST":
        posted = request.POST.get("kind")
        kind = posted if posted in Member.Kind.values else kind
        form = JoinDetailsForm(request.POST, kind=kind)
        if form.is_valid():
            details = form.service_kwargs()
            try:
                join_details_check(**details)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                for key in ("quiet_hours_start", "quiet_hours_end"):
                    details[key] = details[key].isoformat() if details[key] else None
                _save(request, kind=kind, details=details)
                return redirect("members:join-consent")
        status = 400
    else:
        form = JoinDetailsForm(initial=_details_initial(request, state, kind), kind=kind)
    other = Member.Kind.RESIDENT if kind == Member.Kind.BUSINESS else Member.Kind.BUSINESS
    business_only = bool(state.get("networks")) and _business_only(state["networks"])
    context = {"form": form, "kind": kind, "other_kind": other, "business_only": business_only}
    return _page(request, "members/join_details.html", context, status=status)


def _business_only(slugs: list[str]) -> bool:
    return networks_visible().filter(slug__in=slugs).exclude(kind=Network.Kind.BIN).exists()


# --- 4. consent ---------------------------------------------------------------------------------------


def _join_kwargs(state: dict) -> dict:
    details = dict(state["details"])
    for key in ("quiet_hours_start", "quiet_hours_end"):
        details[key] = parse_time(details[key]) if details.get(key) else None
    point = Point(state["lon"], state["lat"], srid=4326) if state.get("lat") is not None else None
    return {
        **details,
        "address_text": state["address"],
        "network_slugs": state["networks"],
        "free_point": point,
        "consent_version": conf.consent_version(),
    }


def _step_errors(form, exc: ValidationError) -> list[tuple[str, str]]:
    """The final check's errors: consent on this page, the others linked to the step that asks for them."""
    found = []
    for field, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]:
        if field == "consent":
            form.add_error("consent", messages)
            continue
        view, anchor = FIELD_STEP.get(field, ("members:join-details", f"id_{field}"))
        found += [(m, f"{reverse(view)}#{anchor}") for m in messages]
    return found


def join_consent(request):
    """Step 4: the privacy notice, a summary of what was entered, and the consent that signs up."""
    state = _state(request)
    if not state.get("details"):
        return redirect("members:join-details" if state.get("networks") else "members:join")
    errors, status = [], 200
    if request.method == "POST":
        form = JoinConsentForm(request.POST)
        email = state["details"].get("email", "")
        if form_over_limit(form, limits=[(JOIN_IP, client_address(request)), (JOIN_EMAIL, email)]):
            status = 429
        elif form.is_valid():
            try:
                member_join(**_join_kwargs(state))
            except ValidationError as exc:
                errors = _step_errors(form, exc)
            else:
                request.session.pop(SESSION_KEY, None)
                request.session[SENT_KEY] = email
                return redirect("members:join-sent")
        status = status if status != 200 else 400
    else:
        form = JoinConsentForm()
    networks = list(networks_visible().filter(slug__in=state["networks"]).order_by("name"))
    context = {
        "form": form,
        "errors": errors,
        "state": state,
        "networks": networks,
        "notice": privacy_notice(),
    }
    return _page(request, "members/join_consent.html", context, status=status)


# --- 5. check your e-mail -----------------------------------------------------------------------------


def join_sent(request):
    return render(
        request,
        "members/join_sent.html",
        {"confirm_days": conf.confirm_max_age() // 86400, "email": request.session.get(SENT_KEY, "")},
    )
