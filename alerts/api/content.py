"""The API of a police zone's message templates and saved areas (alerts.content): list, add, change,
retire. Police officers and administrators (IsPolice); which zone's they read and write is
access.permissions' (alert_content_scope, can_edit_alert_content): another zone's are 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..content import (
    area_delete,
    area_save,
    areas_visible,
    template_delete,
    template_save,
    templates_visible,
)
from .serializers import MAX_ID, MessageTemplateInput, SavedAreaInput, area_output, template_output
from .views import IsPolice

__all__ = ["SavedAreaDetailView", "SavedAreaListView", "TemplateDetailView", "TemplateListView"]


class ContentQueryInput(serializers.Serializer):
    police_zone = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="only this zone's"
    )
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


def _filtered(request, queryset):
    query = ContentQueryInput(data=request.query_params)
    query.is_valid(raise_exception=True)
    if query.validated_data.get("police_zone"):
        queryset = queryset.filter(police_zone_id=query.validated_data["police_zone"])
    if query.validated_data.get("active") is not None:
        queryset = queryset.filter(active=query.validated_data["active"])
    return queryset


_QUERY = [
    OpenApiParameter("police_zone", OpenApiTypes.INT, description="only this zone's"),
    OpenApiParameter("active", OpenApiTypes.BOOL, description="only the active (true) or retired (false)"),
]


class TemplateListView(APIView):
    """GET: the message templates of your zone(s). POST: add one."""

    permission_classes = [IsPolice]

    @extend_schema(
        operation_id="alert_templates_list", parameters=_QUERY, responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request):
        templates = _filtered(request, templates_visible(user=request.user))
        return Response({"results": [template_output(t) for t in templates]})

    @extend_schema(
        request=MessageTemplateInput, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        data = MessageTemplateInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = template_save(user=request.user, data=dict(data.validated_data))
        return Response(template_output(template), status=status.HTTP_201_CREATED)


class TemplateDetailView(APIView):
    """One template of your zone: read, change (PATCH), delete."""

    permission_classes = [IsPolice]

    def _template(self, request, pk):
        return get_object_or_404(templates_visible(user=request.user), pk=pk)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        return Response(template_output(self._template(request, pk)))

    @extend_schema(
        request=MessageTemplateInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT}
    )
    def patch(self, request, pk: int):
        template = self._template(request, pk)
        data = MessageTemplateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        template = template_save(user=request.user, data=dict(data.validated_data), template=template)
        return Response(template_output(template))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        template_delete(user=request.user, template=self._template(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavedAreaListView(APIView):
    """GET: the saved areas of your zone(s), with their polygons (GeoJSON, EPSG:4326). POST: add one."""

    permission_classes = [IsPolice]

    @extend_schema(operation_id="alert_areas_list", parameters=_QUERY, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        areas = _filtered(request, areas_visible(user=request.user))
        return Response({"results": [area_output(a) for a in areas]})

    @extend_schema(request=SavedAreaInput, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        data = SavedAreaInput(data=request.data)
        data.is_valid(raise_exception=True)
        area = area_save(user=request.user, **data.service_kwargs())
        return Response(area_output(area), status=status.HTTP_201_CREATED)


class SavedAreaDetailView(APIView):
    """One saved area of your zone: read, change (PATCH: name, description, active, or a new polygon),
    delete."""

    permission_classes = [IsPolice]

    def _area(self, request, pk):
        return get_object_or_404(areas_visible(user=request.user), pk=pk)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        return Response(area_output(self._area(request, pk)))

    @extend_schema(request=SavedAreaInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def patch(self, request, pk: int):
        area = self._area(request, pk)
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": ["Send a JSON object."]})
        data = SavedAreaInput(
            data={"name": area.name, "description": area.description, "active": area.active, **request.data}
        )
        data.is_valid(raise_exception=True)
        area = area_save(user=request.user, area=area, **data.service_kwargs())
        return Response(area_output(area))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        area_delete(user=request.user, area=self._area(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
