"""Properties, buildings and units for staff: ``/api/v1/orgs/<org_slug>/properties/…``.

A property may hold thousands of units, so a property carries its buildings with unit counts
and the units themselves come from ``properties/<id>/units/``, cursor-paginated and filterable
by building and floor. Staff see only the properties in their scope (404 for the others);
residents and outsiders get 404 for everything here.
"""

import django_filters
from django import forms
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from portal.api.base import OrgScopedListAPIView, OrgScopedReadOnlyViewSet

from .models import Building, Property, Unit


class BuildingSummarySerializer(serializers.ModelSerializer):
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Building
        fields = ["id", "name", "unit_count"]


class PropertySerializer(serializers.ModelSerializer):
    unit_count = serializers.IntegerField(read_only=True)
    buildings = BuildingSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Property
        fields = ["id", "name", "address", "unit_count", "buildings"]


class BuildingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name"]


class UnitSerializer(serializers.ModelSerializer):
    building = BuildingRefSerializer(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "number", "floor", "area", "building"]


@extend_schema_view(
    list=extend_schema(operation_id="properties_list", tags=["properties"]),
    retrieve=extend_schema(operation_id="properties_retrieve", tags=["properties"]),
)
class PropertyViewSet(OrgScopedReadOnlyViewSet):
    """The properties in the caller's scope, each with its buildings and unit counts."""

    minimum_role = "staff"
    serializer_class = PropertySerializer
    queryset = Property.objects.none()  # the model, for the schema; never evaluated
    ordering = "name"  # unique within an organisation: a stable cursor

    def get_queryset(self):
        # Two queries for any page: the properties, then all their buildings.
        buildings = Building.objects.annotate(unit_count=Count("units")).order_by("name")
        return (
            self.access.properties()
            .annotate(unit_count=Count("units"))
            .prefetch_related(Prefetch("buildings", queryset=buildings))
        )


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class UnitFilter(django_filters.FilterSet):
    # A plain id rather than a model choice: a choice queryset would be built outside the
    # request's organisation scope, and the units are already limited to one property.
    building = IntegerFilter(field_name="building")
    floor = IntegerFilter()

    class Meta:
        model = Unit
        fields = ["building", "floor"]


@extend_schema_view(get=extend_schema(operation_id="property_units_list", tags=["properties"]))
class PropertyUnitListView(OrgScopedListAPIView):
    """The units of one property in the caller's scope, in creation order."""

    minimum_role = "staff"
    serializer_class = UnitSerializer
    queryset = Unit.objects.none()  # the model, for the schema; never evaluated
    filterset_class = UnitFilter
    ordering = "id"

    def get_queryset(self):
        prop = get_object_or_404(self.access.properties(), pk=self.kwargs["property_pk"])
        return Unit.objects.filter(property=prop).select_related("building")
