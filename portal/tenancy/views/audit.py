"""The personal-data access log (PIPL): every time staff revealed an owner's phone number,
opened or exported an owner's record — who, whose, what, where, when. Administrators read it;
nobody edits it."""

from django.db.models import Q
from django.shortcuts import render

from ..decorators import org_view
from ..models import PersonalDataAccess
from ._helpers import paginate


@org_view("admin")
def access_log(request):
    rows = (
        PersonalDataAccess.objects.filter(organization=request.organization)
        .select_related("staff", "subject")
        .order_by("-created_at", "-pk")
    )
    search = (request.GET.get("q") or "").strip()
    if search:
        # Names and logins of either side, so "who looked at Mrs Wang" and "what did Li look
        # at" are one box.
        rows = rows.filter(
            Q(staff__full_name__icontains=search) | Q(staff__email__icontains=search)
            | Q(subject__full_name__icontains=search) | Q(subject__email__icontains=search)
            | Q(subject__phone__contains=search)
        )
    kind = request.GET.get("kind") or ""
    if kind in PersonalDataAccess.Kind.values:
        rows = rows.filter(kind=kind)
    return render(
        request, "tenancy/access_log.html",
        {"page": paginate(request, rows), "search": search, "kind": kind,
         "kinds": PersonalDataAccess.Kind.choices},
    )
