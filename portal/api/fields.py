"""Writable relations that cannot point into another organisation or out of the caller's reach.

DRF checks a submitted id against the field's ``queryset``. On a tenant model a queryset fixed
at class definition is either unscoped (another tenant's id is accepted: the leak of DESIGN
§10) or, with django-scopes, a ScopeError. So the choices are computed per request from the
view's :class:`~portal.tenancy.access.Access`::

    class TicketCreateSerializer(serializers.ModelSerializer):
        unit = OrgScopedPrimaryKeyRelatedField(scope=lambda access: units_of(access))
        category = OrgScopedPrimaryKeyRelatedField(
            scope=lambda access: Category.objects.filter(is_active=True)
        )

``scope`` receives the Access that :class:`portal.api.base.OrgScopedMixin` puts into the
serializer context; the result is also filtered on ``organization`` when the model has one,
so a scope that forgets it still cannot cross organisations. An id outside the choices gets
DRF's ordinary "object does not exist" error, the same as an id that does not exist at all.
"""

from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.tenancy.access import Access


class OrgScopedRelatedFieldMixin:
    def __init__(self, *, scope: Callable[[Access], QuerySet], **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        access = self.context.get("access")
        if access is None:
            raise RuntimeError(
                f"{type(self).__name__} needs 'access' in the serializer context; "
                "use it from a view based on portal.api.base.OrgScopedMixin."
            )
        queryset = self.scope(access)
        try:
            queryset.model._meta.get_field("organization")
        except FieldDoesNotExist:
            return queryset
        return queryset.filter(organization=access.organization)


class OrgScopedPrimaryKeyRelatedField(
    OrgScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField
):
    pass


class OrgScopedSlugRelatedField(OrgScopedRelatedFieldMixin, serializers.SlugRelatedField):
    pass


class PlausibleDateTimeField(serializers.DateTimeField):
    """A date and time in this century or the next, for the moments people schedule (opening,
    closing, deadlines, visits). Before 1901 time zones such as Asia/Shanghai have local mean
    time offsets with seconds (+08:05:43), which no RFC 3339 client parses; and a year 1002
    is a typing slip, not a plan. Refused at the field, in the caller's language."""

    default_error_messages = {
        "implausible": _("Enter a date between {first} and {last}."),
    }
    FIRST_YEAR, LAST_YEAR = 2000, 2199

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.FIRST_YEAR <= moment.year <= self.LAST_YEAR:
            self.fail("implausible", first=self.FIRST_YEAR, last=self.LAST_YEAR)
        return moment
