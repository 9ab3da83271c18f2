import pytest
from django_scopes import scope, scopes_disabled
from rest_framework import serializers

from portal.api.fields import OrgScopedPrimaryKeyRelatedField
from portal.tenancy.access import compute_access
from portal.tenancy.models import Property


class PropertyChoice(serializers.Serializer):
    property = OrgScopedPrimaryKeyRelatedField(scope=lambda access: access.properties())
    properties = OrgScopedPrimaryKeyRelatedField(
        scope=lambda access: access.properties(), many=True, required=False
    )


class CarelessChoice(serializers.Serializer):
    # A scope that forgets the organisation: the field adds it.
    property = OrgScopedPrimaryKeyRelatedField(scope=lambda access: Property.objects.all())


def validate(serializer_class, user, org_world, data):
    access = compute_access(user, org_world.org)
    with scope(organization=org_world.org):
        serializer = serializer_class(data=data, context={"access": access})
        return serializer.is_valid(), serializer


def test_a_writable_relation_accepts_a_property_in_the_callers_scope(world):
    s = world.sunrise
    valid, serializer = validate(PropertyChoice, s.staff, s, {"property": s.property.pk})
    assert valid, serializer.errors
    assert serializer.validated_data["property"] == s.property


def test_a_writable_relation_refuses_a_property_outside_the_staff_scope(world):
    s = world.sunrise
    valid, serializer = validate(PropertyChoice, s.staff, s, {"property": s.other_property.pk})
    assert not valid
    assert serializer.errors["property"][0].code == "does_not_exist"
    valid, serializer = validate(
        PropertyChoice, s.staff, s, {"property": s.property.pk,
                                     "properties": [s.property.pk, s.other_property.pk]}
    )
    assert not valid
    assert "properties" in serializer.errors


def test_another_organisations_id_looks_like_one_that_does_not_exist(world):
    s = world.sunrise
    _valid, foreign = validate(PropertyChoice, s.admin, s, {"property": world.harbor.property.pk})
    _valid, missing = validate(PropertyChoice, s.admin, s, {"property": 10**9})
    assert foreign.errors["property"][0].code == "does_not_exist"
    assert missing.errors["property"][0].code == "does_not_exist"


def test_the_field_adds_the_organisation_when_a_scope_forgets_it(world):
    s = world.sunrise
    access = compute_access(s.admin, s.org)
    with scopes_disabled():  # even where django-scopes would not filter
        serializer = CarelessChoice(
            data={"property": world.harbor.property.pk}, context={"access": access}
        )
        assert not serializer.is_valid()


def test_the_field_refuses_to_work_without_the_callers_access(world):
    with scope(organization=world.sunrise.org):
        serializer = PropertyChoice(data={"property": world.sunrise.property.pk})
        with pytest.raises(RuntimeError, match="needs 'access'"):
            serializer.is_valid()
