"""Properties, buildings, units and assets: administrators only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import forms, selectors, services
from ..decorators import org_view
from ..models import Property
from ._helpers import paginate, show_errors, url


def _form_page(request, form, *, title, cancel, template="tenancy/form.html", **context):
    return render(
        request, template, {"form": form, "title": title, "cancel_url": cancel, **context}
    )


@org_view("admin")
def property_list(request):
    properties = selectors.property_list(organization=request.organization)
    return render(request, "tenancy/property_list.html", {"properties": properties})


@org_view("admin")
def property_create(request):
    form = forms.PropertyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            prop = services.property_create(
                organization=request.organization, **form.cleaned_data
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The property has been added."))
            return redirect(url(request, "property-edit", prop.pk))
    return _form_page(
        request, form, title=_("Add a property"), cancel=url(request, "property-list")
    )


@org_view("admin")
def property_edit(request, pk):
    prop = selectors.property_get(organization=request.organization, pk=pk)
    title = prop.name  # the form writes submitted values onto the instance while validating
    form = forms.PropertyForm(request.POST or None, instance=prop)
    if request.method == "POST" and form.is_valid():
        try:
            services.property_update(property=prop, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The property has been saved."))
            return redirect(url(request, "property-list"))
    return _form_page(
        request, form, title=title, cancel=url(request, "property-list"),
        template="tenancy/property_form.html", property=prop,
        buildings=selectors.building_list(property=prop),
    )


@org_view("admin")
def building_create(request, property_pk):
    prop = selectors.property_get(organization=request.organization, pk=property_pk)
    form = forms.BuildingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_create(property=prop, name=form.cleaned_data["name"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The building has been added."))
            return redirect(url(request, "property-edit", prop.pk))
    return _form_page(
        request, form, title=_("Add a building to %(property)s") % {"property": prop.name},
        cancel=url(request, "property-edit", prop.pk),
    )


@org_view("admin")
def building_edit(request, pk):
    building = selectors.building_get(organization=request.organization, pk=pk)
    title = str(building)
    form = forms.BuildingForm(request.POST or None, instance=building)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_update(building=building, name=form.cleaned_data["name"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The building has been saved."))
            return redirect(url(request, "property-edit", building.property_id))
    return _form_page(
        request, form, title=title, cancel=url(request, "property-edit", building.property_id),
    )


def _buildings(request):
    return selectors.buildings_for_choice(organization=request.organization)


@org_view("admin")
def unit_list(request):
    filters = forms.UnitFilterForm(
        request.GET, properties=Property.objects.filter(organization=request.organization),
        buildings=_buildings(request),
    )
    units = selectors.unit_list(
        organization=request.organization, property=filters.value("property"),
        building=filters.value("building"),
    )
    return render(
        request, "tenancy/unit_list.html", {"filters": filters, "page": paginate(request, units)}
    )


@org_view("admin")
def unit_create(request):
    form = forms.UnitForm(
        request.POST or None, buildings=_buildings(request),
        initial={"building": request.GET.get("building")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_create(organization=request.organization, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The unit has been added."))
            if "add_another" in request.POST:
                return redirect(
                    url(request, "unit-create") + f"?building={form.cleaned_data['building'].pk}"
                )
            return redirect(url(request, "unit-list"))
    return _form_page(
        request, form, title=_("Add a unit"), cancel=url(request, "unit-list"),
        add_another=True,
    )


@org_view("admin")
def unit_edit(request, pk):
    unit = selectors.unit_get(organization=request.organization, pk=pk)
    title = str(unit)
    form = forms.UnitForm(request.POST or None, instance=unit, buildings=_buildings(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The unit has been saved."))
            return redirect(url(request, "unit-list"))
    return _form_page(request, form, title=title, cancel=url(request, "unit-list"))


@org_view("admin")
def asset_list(request):
    assets = selectors.asset_list(organization=request.organization)
    return render(request, "tenancy/asset_list.html", {"page": paginate(request, assets)})


def _asset_form(request, instance=None):
    return forms.AssetForm(
        request.POST or None, instance=instance, organization=request.organization,
        buildings=_buildings(request),
    )


@org_view("admin")
def asset_create(request):
    form = _asset_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_create(organization=request.organization, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The asset has been added."))
            return redirect(url(request, "asset-list"))
    return _form_page(request, form, title=_("Add an asset"), cancel=url(request, "asset-list"))


@org_view("admin")
def asset_edit(request, pk):
    asset = selectors.asset_get(organization=request.organization, pk=pk)
    title = asset.name
    form = _asset_form(request, instance=asset)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(asset=asset, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The asset has been saved."))
            return redirect(url(request, "asset-list"))
    return _form_page(request, form, title=title, cancel=url(request, "asset-list"))
