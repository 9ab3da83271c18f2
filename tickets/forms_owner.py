"""Forms of the owners' request pages. They parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.access import Access
from portal.tenancy.models import Asset, Property, Unit

from .models import Category, Priority
from .services.attachments import MAX_FILES

PHOTO_ACCEPT = "image/jpeg,image/png,image/heic,image/heif,.jpg,.jpeg,.png,.heic,.heif"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero to nine photos from one ``<input type=file multiple>``; the service checks each."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(PhotosField, self).clean(item, initial) for item in files]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("You can add at most %(count)d photos at a time."), code="too_many",
                params={"count": MAX_FILES},
            )
        return files


URGENCY_CHOICES = [
    (Priority.LOW, pgettext_lazy("urgency", "Not urgent: whenever convenient")),
    (Priority.NORMAL, pgettext_lazy("urgency", "Normal")),
    (Priority.HIGH, pgettext_lazy("urgency", "Soon: it disrupts daily life")),
    (Priority.URGENT, pgettext_lazy(
        "urgency", "Emergency: danger, flooding, no water, power or gas"
    )),
]


def _unit_label(unit: Unit) -> str:
    return _("%(property)s · building %(building)s · unit %(unit)s") % {
        "property": unit.property.name, "building": unit.building.name, "unit": unit.number,
    }


class RequestForm(forms.Form):
    category = forms.ModelChoiceField(
        label=pgettext_lazy("ticket category", "Category"), queryset=Category.objects.none(),
        empty_label=None, widget=forms.RadioSelect,
    )
    location = forms.ChoiceField(
        label=_("Where"),
        help_text=_("Your home, or a common area of your community (lobby, garden, car park…)."),
    )
    asset = forms.ModelChoiceField(
        label=_("Equipment (if it is about one)"), queryset=Asset.objects.none(), required=False,
        empty_label=_("None in particular"),
    )
    title = forms.CharField(
        label=_("What is the problem, in a few words?"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Since when, where exactly, anything you have tried."),
    )
    photos = PhotosField(
        label=_("Photos"),
        help_text=_("Up to 9 photos (JPEG, PNG or HEIC), 10 MB each at most."),
    )
    preferred_visit_time = forms.CharField(
        label=_("When can we visit?"), max_length=200, required=False,
        help_text=_("For example: weekday evenings after 18:00."),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"), choices=URGENCY_CHOICES, initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, access: Access, categories, faq_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        if faq_url:
            # While the owner types, matching FAQ answers load beside the form (htmx).
            for name in ("title", "description"):
                self.fields[name].widget.attrs.update({
                    "hx-get": faq_url, "hx-trigger": "keyup changed delay:400ms",
                    "hx-target": "#faq-suggestions", "hx-include": "#id_title, #id_description",
                    "hx-sync": "this:replace",
                })
        units = [residency.unit for residency in access.residencies]
        properties: dict[int, Property] = {}
        for unit in units:
            properties.setdefault(unit.property_id, unit.property)
        choices = [(f"unit:{unit.pk}", _unit_label(unit)) for unit in units]
        choices += [
            (
                f"property:{prop.pk}",
                _("Common area of %(property)s") % {"property": prop.name},
            )
            for prop in properties.values()
        ]
        self.fields["location"].choices = choices
        if units:
            self.fields["location"].initial = choices[0][0]
        self._units = {unit.pk: unit for unit in units}
        self._properties = properties
        self.fields["asset"].queryset = Asset.objects.filter(
            organization=access.organization, property_id__in=list(properties)
        ).select_related("property")

    def clean_location(self):
        kind, _sep, pk = self.cleaned_data["location"].partition(":")
        try:
            pk = int(pk)
        except ValueError:
            raise forms.ValidationError(_("Choose a place."), code="invalid") from None
        if kind == "unit" and pk in self._units:
            return {"unit": self._units[pk]}
        if kind == "property" and pk in self._properties:
            return {"property": self._properties[pk]}
        raise forms.ValidationError(_("Choose a place."), code="invalid")

    def submit_arguments(self) -> dict:
        """The keyword arguments of ticket_submit_with_photos."""
        data = self.cleaned_data
        return {
            **data["location"], "asset": data["asset"], "category": data["category"],
            "title": data["title"], "description": data["description"],
            "priority": data["urgency"], "preferred_visit_time": data["preferred_visit_time"],
            "photos": data["photos"],
        }


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    photos = PhotosField(label=_("Photos"), help_text=_("Up to 9 photos, 10 MB each at most."))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"), required=False, max_length=1000
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


RATING_CHOICES = [
    (5, _("5 – Very satisfied")),
    (4, _("4 – Satisfied")),
    (3, _("3 – Neutral")),
    (2, _("2 – Dissatisfied")),
    (1, _("1 – Very dissatisfied")),
]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=RATING_CHOICES, coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
    )


class ConfirmForm(forms.Form):
    """An action without input (confirming the resolution): errors show above it."""
