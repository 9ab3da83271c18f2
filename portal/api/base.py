"""Base classes for every API view. New API code starts here.

Views under ``/api/v1/orgs/<org_slug>/`` subclass one of the ``OrgScoped*`` classes::

    class TicketViewSet(OrgScopedModelViewSet):
        minimum_role = "resident"           # who may enter at all; others get 404
        serializer_class = TicketSerializer
        queryset = Ticket.objects.none()    # tells the schema the model; never evaluated

        def get_minimum_role(self):         # optional: stricter per action
            return "staff" if self.action in {"assign", "transition"} else self.minimum_role

        def get_queryset(self):             # always narrowed to what self.access may see
            return ticket_list_for(access=self.access)

What the base does, in order, before the handler runs:

1. DRF authentication (session or ``Authorization: Token …``), then the caller's saved
   language is activated (the session middleware cannot do it for token callers);
2. DRF permissions (``IsAuthenticated`` by default: anonymous callers get 401/403) and
   throttles;
3. :func:`portal.api.permissions.require_org_role` with ``get_minimum_role()``: a caller
   without that role in the organisation named by the URL gets 404, as if it did not exist.
   ``self.access`` (portal.tenancy.access.Access) and ``self.organization`` are then set, and
   the serializer context carries ``access`` for :mod:`portal.api.fields`.

The TenantMiddleware has already entered ``scope(organization=…)``, so tenant queries are
limited to the organisation; ``get_queryset`` must still narrow to the caller's properties or
units (``self.access.properties()``, ``self.access.unit_ids``). Writable relations use
:class:`portal.api.fields.OrgScopedPrimaryKeyRelatedField`. Long lists get cursor pagination
(the project default, :mod:`portal.api.pagination`); set ``ordering`` on the view.

Route the view in ``org_patterns`` of portal/api/urls.py and give every operation a row in
``tests/isolation/rows_<feature>.py`` (api=True); tests/isolation/test_route_coverage.py fails
for an operation of the OpenAPI schema without one.
"""

from django.utils import translation
from rest_framework import generics, viewsets

from portal.tenancy.access import Access
from portal.tenancy.models import Organization

from .permissions import require_org_role


class UserLanguageMixin:
    """Answers in the signed-in caller's saved language, whichever way they authenticated.

    ``UserPreferencesMiddleware`` only sees session users; DRF authenticates tokens inside the
    view. Use this on API views outside an organisation too (``/api/v1/me/`` …).
    """

    def perform_authentication(self, request):
        super().perform_authentication(request)
        language = getattr(request.user, "language", "")
        if request.user.is_authenticated and language:
            translation.activate(language)
            request._request.LANGUAGE_CODE = language


class OrgScopedMixin(UserLanguageMixin):
    """404 below ``minimum_role`` in the URL's organisation; sets ``access`` and ``organization``.

    The check sits in ``initial()``, not in ``permission_classes``, so that a view overriding
    its permission classes cannot drop it by accident.
    """

    minimum_role: str = "resident"
    access: Access
    organization: Organization

    def get_minimum_role(self) -> str:
        return self.minimum_role

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = require_org_role(request, self.get_minimum_role())
        self.organization = self.access.organization

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context


class OrgScopedAPIView(OrgScopedMixin, generics.GenericAPIView):
    """A hand-written endpoint (``get``/``post`` methods) inside an organisation."""


class OrgScopedListAPIView(OrgScopedMixin, generics.ListAPIView):
    pass


class OrgScopedRetrieveAPIView(OrgScopedMixin, generics.RetrieveAPIView):
    pass


class OrgScopedReadOnlyViewSet(OrgScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class OrgScopedModelViewSet(OrgScopedMixin, viewsets.ModelViewSet):
    pass


class OrgScopedGenericViewSet(OrgScopedMixin, viewsets.GenericViewSet):
    """Combine with DRF's ``mixins.*`` for a viewset with only some actions."""


class UserAPIView(UserLanguageMixin, generics.GenericAPIView):
    """An endpoint about the caller themselves, outside any organisation (``/me/`` …)."""


__all__ = [
    "OrgScopedAPIView",
    "OrgScopedGenericViewSet",
    "OrgScopedListAPIView",
    "OrgScopedMixin",
    "OrgScopedModelViewSet",
    "OrgScopedReadOnlyViewSet",
    "OrgScopedRetrieveAPIView",
    "UserAPIView",
    "UserLanguageMixin",
]
