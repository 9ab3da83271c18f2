"""Forms of the organisation admin pages: they parse input; services check the invariants.

Choice fields list only the organisation's own rows (and for staff, their scope), so a
tampered id from elsewhere is "not a valid choice".
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.phones import normalize_phone

from . import importing
from .models import Asset, Building, Membership, Property, Residency, Unit
from .selectors import ResidencyState


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.property.name} · {obj.name}"


def _positive_area(area):
    if area is not None and area <= 0:
        raise ValidationError(_("The area must be a positive number."), code="not_positive")
    return area


class PropertyForm(forms.ModelForm):
    class Meta:
        model = Property
        fields = ["name", "address"]


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name"]


class UnitForm(forms.ModelForm):
    building = BuildingChoiceField(queryset=None, label=_("Building"))

    class Meta:
        model = Unit
        fields = ["building", "number", "floor", "area"]

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings

    def clean_area(self):
        return _positive_area(self.cleaned_data.get("area"))


class AssetForm(forms.ModelForm):
    # Declared, not generated: a generated field would query every organisation's rows.
    property = forms.ModelChoiceField(
        queryset=None, label=pgettext_lazy("residential community", "Property")
    )
    building = BuildingChoiceField(
        queryset=None, label=_("Building"), required=False,
        help_text=_("Leave empty for equipment that serves the whole property."),
    )

    class Meta:
        model = Asset
        fields = ["property", "building", "name", "kind", "code"]

    def __init__(self, *args, organization, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = Property.objects.filter(organization=organization)
        self.fields["building"].queryset = buildings

    def clean(self):
        cleaned = super().clean()
        prop, building = cleaned.get("property"), cleaned.get("building")
        if prop is not None and building is not None and building.property_id != prop.pk:
            self.add_error("building", _("This building belongs to another property."))
        return cleaned


class _ContactFields(forms.Form):
    """Name, email and phone number of a person to invite; at least one way to reach them."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone number"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        return normalize_phone(raw, self.organization.phone_region) if raw else None

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean(self):
        cleaned = super().clean()
        if not self.has_error("phone") and not self.has_error("email"):
            if not cleaned.get("phone") and not cleaned.get("email"):
                self.add_error("phone", _("Give a mobile phone number or an email address."))
        return cleaned


class _ScopeFields(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.STAFF
    )
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    all_properties = forms.BooleanField(
        label=_("All properties"), required=False,
        help_text=_("Covers every property, including those added later."),
    )
    properties = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("residential community", "Properties in scope"),
        queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def _limit_properties(self, organization):
        self.fields["properties"].queryset = Property.objects.filter(organization=organization)

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role and role != Membership.Role.ADMIN and not cleaned.get("all_properties"):
            if not cleaned.get("properties") and not self.has_error("properties"):
                self.add_error(
                    "properties",
                    _("Choose the properties this person covers, or all properties."),
                )
        return cleaned


class StaffInviteForm(_ContactFields, _ScopeFields):
    field_order = ["full_name", "phone", "email", "role", "title", "all_properties", "properties"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self._limit_properties(organization)


class MembershipForm(_ScopeFields):
    def __init__(self, *args, membership: Membership, **kwargs):
        kwargs.setdefault("initial", {
            "role": membership.role,
            "title": membership.title,
            "all_properties": membership.all_properties,
            "properties": list(membership.properties.all()),
        })
        super().__init__(*args, **kwargs)
        self._limit_properties(membership.organization_id)


class ResidentAddForm(_ContactFields):
    building = BuildingChoiceField(queryset=None, label=_("Building"))
    unit_number = forms.CharField(label=_("Unit number"), max_length=30)
    relation = forms.ChoiceField(
        label=_("Relation"), choices=Residency.Relation.choices,
        initial=Residency.Relation.OWNER,
    )

    field_order = ["full_name", "phone", "email", "building", "unit_number", "relation"]

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings

    def clean(self):
        cleaned = super().clean()
        building, number = cleaned.get("building"), (cleaned.get("unit_number") or "").strip()
        if building is not None and number:
            unit = Unit.objects.filter(building=building, number__iexact=number).first()
            if unit is None:
                self.add_error("unit_number", _("This building has no unit with this number."))
            cleaned["unit"] = unit
        return cleaned


class UnitFilterForm(forms.Form):
    property = forms.ModelChoiceField(
        label=pgettext_lazy("residential community", "Property"),
        queryset=None, required=False,
        empty_label=pgettext_lazy("residential community", "All properties"),
    )
    building = BuildingChoiceField(
        label=_("Building"), queryset=None, required=False,
        empty_label=_("All buildings"),
    )

    def __init__(self, *args, properties, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = properties
        self.fields["building"].queryset = buildings
        for field in self.fields.values():  # rendered by hand in one row, not by crispy
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"

    def value(self, name):
        # An unknown id in the address bar shows everything instead of an error page.
        return self.cleaned_data.get(name) if self.is_valid() else None


class ResidentFilterForm(UnitFilterForm):
    state = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[
            ("", _("All active")),
            (ResidencyState.VERIFIED, _("Verified")),
            (ResidencyState.UNVERIFIED, _("Waiting for verification")),
            (ResidencyState.INACTIVE, _("Deactivated")),
        ],
    )
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        help_text=_("Name, phone number, email or unit number."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file contains"), choices=importing.Kind.choices,
        widget=forms.RadioSelect, initial=importing.Kind.UNITS,
    )
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or Excel (.xlsx); the first row holds the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        importing.upload_format(upload)  # size and type, before the file is read
        return upload
