from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from portal.tenancy.access import organizations_of
from portal.tenancy.decorators import org_view


@login_required
def home(request):
    """One organisation: go straight there. Several: let the person choose. None: say so."""
    organizations = organizations_of(request.user)
    request._user_organizations = organizations
    if len(organizations) == 1:
        return redirect("org-home", org_slug=organizations[0][0].slug)
    return render(request, "portal/choose_organization.html", {"organizations": organizations})


@org_view()
def org_home(request):
    access = request.access
    template = "portal/home_staff.html" if access.is_staff else "portal/home_owner.html"
    context = {"access": access}
    if access.is_staff:
        context["scope_properties"] = access.properties()
    return render(request, template, context)


def privacy_notice(request):
    """Public: read before an account is created, and linked from every account's data page."""
    return render(
        request, "portal/privacy_notice.html", {"version": settings.PRIVACY_NOTICE_VERSION}
    )
