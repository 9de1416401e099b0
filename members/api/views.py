"""The membership API: join, a coordinator's member list (JSON or CSV) and decisions, counts for partners."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import can_see_member_counts
from areas.models import Municipality, Network
from core.api import CSVRenderer
from core.throttle import JOIN_EMAIL, JOIN_IP, PROPOSE_IP, client_address, throttle_check, throttle_message

from ..exports import counts_json, members_csv
from ..models import Membership
from ..selectors import (
    memberships_pending_read,
    network_member_counts,
    network_members_read,
    networks_with_counts,
)
from ..services import member_join, membership_decide, network_propose
from .serializers import (
    MemberCountsOutput,
    MemberJoinInput,
    MembershipDecisionInput,
    MembershipMemberOutput,
    NetworkProposeInput,
)

__all__ = [
    "MemberCountsView",
    "MemberJoinView",
    "MembershipDecisionView",
    "NetworkMemberCountsView",
    "NetworkMembersCSVView",
    "NetworkMembersView",
    "NetworkProposeView",
    "PendingMembershipsView",
]


_COUNTS_REFUSED = "You see the counts of your own networks, police zone or municipality only."


def _throttle(request, *limits) -> None:
    """429 with a message when one of the limits is exceeded (core/throttle.py)."""
    limit = throttle_check(list(limits))
    if limit is not None:
        raise Throttled(wait=limit.seconds, detail=throttle_message(limit))


def _anonymous_post(*, request: type[serializers.Serializer], accepted: int):
    """The schema of a POST anyone may send: its input, the answer, a 400 and the 429 of the limits."""
    responses = {accepted: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT}
    return extend_schema(request=request, responses=responses)


class MemberJoinView(APIView):
    """Sign up for one or more BINs. The member confirms with the link e-mailed to them."""

    permission_classes = [AllowAny]

    @_anonymous_post(request=MemberJoinInput, accepted=202)
    def post(self, request):
        email = request.data.get("email", "") if isinstance(request.data, dict) else ""
        _throttle(request, (JOIN_IP, client_address(request)), (JOIN_EMAIL, str(email)))
        data = MemberJoinInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = member_join(**data.service_kwargs())
        # The same answer whether the e-mail address was new or known: the e-mail tells the rest.
        return Response(
            {
                "detail": "Check your e-mail: follow the link in it to confirm your sign-up.",
                "networks": [m.network.slug for m in result.memberships],
            },
            status=status.HTTP_202_ACCEPTED,
        )


class NetworkMembersView(APIView):
    """The members of a BIN with their personal data (JSON, or ?format=csv): its coordinators only. Logged."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(responses={200: MembershipMemberOutput(many=True)})
    def get(self, request, slug):
        network = get_object_or_404(Network, slug=slug)
        wants_csv = getattr(request.accepted_renderer, "format", "") == "csv"
        statuses = request.query_params.getlist("status") or None
        if wants_csv and not statuses:
            statuses = [Membership.Status.APPROVED, Membership.Status.PENDING]
        memberships = network_members_read(
            user=request.user,
            network=network,
            statuses=statuses,
            action="export" if wants_csv else "view",
            reason="API: CSV export of the member list" if wants_csv else "API: member list of the BIN",
        )
        if wants_csv:
            return members_csv(network, memberships)
        return Response(MembershipMemberOutput(memberships, many=True).data)


class NetworkMembersCSVView(NetworkMembersView):
    """The members of a BIN as CSV: its coordinators only. Logged."""

    renderer_classes = [CSVRenderer]

    @extend_schema(operation_id="networks_members_csv", responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, slug):
        return super().get(request, slug)


class NetworkMemberCountsView(APIView):
    """How many members a BIN has, per channel: coordinators, police of the zone, municipality staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MemberCountsOutput})
    def get(self, request, slug):
        network = get_object_or_404(Network.objects.select_related("municipality"), slug=slug)
        if not can_see_member_counts(request.user, network):
            raise PermissionDenied(_COUNTS_REFUSED)
        (row,) = counts_json([network], network_member_counts(networks=[network]))
        return Response(MemberCountsOutput(row).data)


class MemberCountsView(APIView):
    """The member counts of every network the user may see (a police zone's, a municipality's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MemberCountsOutput(many=True)})
    def get(self, request):
        networks = list(networks_with_counts(user=request.user))
        if not networks:
            raise PermissionDenied(_COUNTS_REFUSED)
        rows = counts_json(networks, network_member_counts(networks=networks))
        return Response(MemberCountsOutput(rows, many=True).data)


class PendingMembershipsView(APIView):
    """The approval queue of the user's BINs, with the members' data. Logged."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MembershipMemberOutput(many=True)})
    def get(self, request):
        memberships = memberships_pending_read(user=request.user, reason="API: approval queue")
        return Response([{**MembershipMemberOutput(m).data, "network": m.network.slug} for m in memberships])


class MembershipDecisionView(APIView):
    """Approve or reject (with a reason) a confirmed request: the coordinators of its BIN only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MembershipDecisionInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.select_related("network"), pk=pk)
        data = MembershipDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_decide(user=request.user, membership=membership, **data.validated_data)
        return Response({"id": membership.pk, "status": membership.status, "reason": membership.reason})


class NetworkProposeView(APIView):
    """Propose a new BIN (it starts as `proposed`, unpublished); the municipality and police are told."""

    permission_classes = [AllowAny]

    @_anonymous_post(request=NetworkProposeInput, accepted=201)
    def post(self, request):
        _throttle(request, (PROPOSE_IP, client_address(request)))
        data = NetworkProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        municipality = None
        if d.get("municipality"):
            municipality = Municipality.objects.filter(nis_code=d["municipality"]).first()
            if municipality is None:
                raise ValidationError({"municipality": "Unknown NIS code."})
        proposal = network_propose(
            name=d["name"],
            kind=d["kind"],
            initiator_type=d["initiator_type"],
            initiators=d["initiators"],
            area_geojson=d.get("area"),
            street_ids=d.get("street_ids"),
            municipality=municipality,
        )
        return Response(
            {
                "id": proposal.pk,
                "network": proposal.network.slug,
                "status": proposal.network.status,
                "municipality": proposal.municipality.nis_code,
            },
            status=status.HTTP_201_CREATED,
        )
