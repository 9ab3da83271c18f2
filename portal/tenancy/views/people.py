"""Staff (administrators only) and residents (any staff member, within their scope)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import forms, selectors, services
from ..decorators import org_view
from ._helpers import back, paginate, show_errors, url


def _invited_message(request, user) -> None:
    messages.success(request, _("An invitation is on its way to %(name)s.") % {"name": user})


@org_view("admin")
def staff_list(request):
    memberships = selectors.staff_list(organization=request.organization)
    return render(
        request, "tenancy/staff_list.html",
        {"memberships": selectors.with_account_states(list(memberships))},
    )


@org_view("admin")
def staff_invite(request):
    form = forms.StaffInviteForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = services.staff_invite(
                organization=request.organization, full_name=data["full_name"],
                email=data["email"], phone=data["phone"], role=data["role"],
                title=data["title"], all_properties=data["all_properties"],
                properties=list(data["properties"]), invited_by=request.user,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            _invited_message(request, invited.membership.user)
            return redirect(url(request, "staff-list"))
    return render(request, "tenancy/staff_form.html", {
        "form": form, "title": _("Invite a staff member"), "cancel_url": url(request, "staff-list"),
        "submit_label": _("Send the invitation"),
    })


@org_view("admin")
def staff_edit(request, pk):
    membership = selectors.membership_get(organization=request.organization, pk=pk)
    form = forms.MembershipForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_update(
                membership=membership, role=data["role"], title=data["title"],
                all_properties=data["all_properties"], properties=list(data["properties"]),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(url(request, "staff-list"))
    return render(request, "tenancy/staff_form.html", {
        "form": form, "title": str(membership.user), "membership": membership,
        "cancel_url": url(request, "staff-list"),
    })


@org_view("admin")
@require_POST
def staff_deactivate(request, pk):
    membership = selectors.membership_get(organization=request.organization, pk=pk)
    try:
        services.membership_deactivate(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s can no longer work in this organisation.")
                         % {"name": membership.user})
    return redirect(url(request, "staff-list"))


@org_view("admin")
@require_POST
def staff_reactivate(request, pk):
    membership = selectors.membership_get(organization=request.organization, pk=pk)
    services.membership_reactivate(membership=membership)
    messages.success(request, _("%(name)s is active again.") % {"name": membership.user})
    return redirect(url(request, "staff-list"))


@org_view("admin")
@require_POST
def staff_resend(request, pk):
    membership = selectors.membership_get(organization=request.organization, pk=pk)
    _resend(request, membership.user)
    return redirect(url(request, "staff-list"))


def _resend(request, user) -> None:
    try:
        services.invitation_resend(
            organization=request.organization, user=user, sent_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new invitation is on its way to %(name)s.")
                         % {"name": user})


# --- Residents ---------------------------------------------------------------------------


@org_view("staff")
def resident_list(request):
    access = request.access
    filters = forms.ResidentFilterForm(
        request.GET, properties=access.properties(),
        buildings=selectors.buildings_for_choice(organization=request.organization,
                                                 access=access),
    )
    residencies = selectors.resident_list(
        access=access,
        filters=selectors.ResidentFilter(
            property=filters.value("property"), building=filters.value("building"),
            state=filters.value("state") or "", search=filters.value("q") or "",
        ),
    )
    page = paginate(request, residencies)
    selectors.with_account_states(page.object_list)
    return render(request, "tenancy/resident_list.html", {"filters": filters, "page": page})


@org_view("staff")
def resident_create(request):
    access = request.access
    buildings = selectors.buildings_for_choice(organization=request.organization, access=access)
    building_id = request.POST.get("building", "")
    if building_id.isdigit() and not buildings.filter(pk=building_id).exists():
        raise Http404  # a building outside the caller's scope answers as if it did not exist
    form = forms.ResidentAddForm(
        request.POST or None, organization=request.organization, buildings=buildings
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.resident_add(
                access=access, unit=data["unit"], full_name=data["full_name"],
                email=data["email"], phone=data["phone"], relation=data["relation"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            _invited_message(request, added.residency.user)
            return redirect(url(request, "resident-list"))
    return render(request, "tenancy/form.html", {
        "form": form, "title": _("Add a resident"), "cancel_url": url(request, "resident-list"),
        "intro": _("Residents you add here are verified: check their papers first."),
        "submit_label": _("Add and send the invitation"),
    })


def _residency_action(request, pk, action, success: str):
    residency = selectors.residency_get(access=request.access, pk=pk)
    action(access=request.access, residency=residency)
    messages.success(request, success % {"name": residency.user, "unit": residency.unit})
    return redirect(back(request, url(request, "resident-list")))


@org_view("staff")
@require_POST
def resident_verify(request, pk):
    return _residency_action(
        request, pk, services.residency_verify, _("%(name)s is verified for unit %(unit)s.")
    )


@org_view("staff")
@require_POST
def resident_deactivate(request, pk):
    return _residency_action(
        request, pk, services.residency_deactivate,
        _("%(name)s no longer has access to unit %(unit)s."),
    )


@org_view("staff")
@require_POST
def resident_resend(request, pk):
    residency = selectors.residency_get(access=request.access, pk=pk)
    _resend(request, residency.user)
    return redirect(back(request, url(request, "resident-list")))
