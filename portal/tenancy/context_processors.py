from .access import get_access, organizations_of


def tenancy(request):
    """Navigation needs: the current organisation, the caller's role there, and their others."""
    organization = getattr(request, "organization", None)
    access = get_access(request) if organization is not None else None
    return {
        "current_org": organization,
        "access": access,
        "user_organizations": _lazy_orgs(request),
    }


def _lazy_orgs(request):
    # Computed only when a template iterates it (the switcher), at most once per request.
    def load():
        if not hasattr(request, "_user_organizations"):
            request._user_organizations = organizations_of(request.user)
        return request._user_organizations

    from django.utils.functional import SimpleLazyObject

    return SimpleLazyObject(load)
