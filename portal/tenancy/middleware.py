from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled
from rest_framework.exceptions import NotFound

from . import memory
from .models import Organization


def organization_for(request, slug: str) -> Organization | None:
    """The active organisation with this slug, remembered until an organisation changes.
    The generation it went by stays on the request for the access read after it."""
    organization, request._generations = memory.reads.get_stamped(
        ("organization", slug), (memory.ORGANIZATIONS,),
        lambda: Organization.objects.filter(slug=slug, is_active=True).first(),
    )
    return organization


class TenantMiddleware:
    """Resolves the organisation named in the URL and scopes every tenant query to it.

    Paths without an organisation run with no scope at all, so that a tenant query there
    raises ScopeError instead of reading every organisation. Only the Django admin, which is
    for platform operators, runs with scopes disabled.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.namespaces and match.namespaces[0] == "admin":
            with scopes_disabled():
                return self.get_response(request)
        slug = match.kwargs.get("org_slug")
        if slug is None:
            return self.get_response(request)
        organization = organization_for(request, slug)
        if organization is None:
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
            raise Http404
        request.organization = organization
        with scope(organization=organization):
            return self.get_response(request)
