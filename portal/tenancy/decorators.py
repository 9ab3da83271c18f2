from functools import wraps

from django.contrib.auth.views import redirect_to_login

from .access import require_access


def org_view(minimum: str = "resident"):
    """Page views under /o/<org_slug>/: sign-in required, then 404 below ``minimum`` role.

    The view receives ``request.access`` and is called without ``org_slug``.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, org_slug, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.access = require_access(request, minimum)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
