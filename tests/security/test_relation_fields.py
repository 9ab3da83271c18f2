"""Every writable relation of every API serializer is scoped to the caller's organisation
(DESIGN §10: a writable relation field with a fixed queryset accepts another tenant's id).

The serializers are found, not listed: every Serializer subclass defined in the project's
modules once the URL configuration (and so every API module) is imported. A new serializer
with a plain PrimaryKeyRelatedField fails here before it can leak."""

import pytest
from django.urls import get_resolver
from rest_framework import serializers

from portal.api.fields import OrgScopedRelatedFieldMixin

PROJECT = ("portal.", "tickets.", "notices.", "surveys.", "events.", "communications.")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_serializers():
    get_resolver().url_patterns  # imports every view module, and with them the serializers
    seen = set()
    for cls in _subclasses(serializers.BaseSerializer):
        # Classes made inside functions (this file's own example) are not the project's.
        if cls.__module__.startswith(PROJECT) and "<locals>" not in cls.__qualname__ \
                and cls not in seen:
            seen.add(cls)
            yield cls


def _writable_relations(serializer_class):
    try:
        fields = serializer_class().fields
    except Exception as error:  # noqa: BLE001 - a serializer that needs arguments to build
        pytest.fail(f"{serializer_class.__module__}.{serializer_class.__name__}: {error}")
    for name, field in fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ManyRelatedField):
            field = field.child_relation
        if isinstance(field, serializers.RelatedField):
            yield name, field


def test_the_project_has_serializers_to_check():
    assert len(list(_project_serializers())) >= 10


def test_every_writable_relation_is_scoped_to_the_organisation():
    unscoped = [
        f"{cls.__module__}.{cls.__name__}.{name} ({type(field).__name__})"
        for cls in _project_serializers()
        for name, field in _writable_relations(cls)
        if not isinstance(field, OrgScopedRelatedFieldMixin)
    ]
    assert not unscoped, "Use portal.api.fields.OrgScoped*RelatedField:\n" + "\n".join(unscoped)


def test_the_check_catches_a_plain_relation():
    from portal.tenancy.models import Unit

    class Leaky(serializers.Serializer):
        unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none())

    Leaky.__module__ = "portal.leaky"
    flagged = [name for name, field in _writable_relations(Leaky)
               if not isinstance(field, OrgScopedRelatedFieldMixin)]
    assert flagged == ["unit"]
