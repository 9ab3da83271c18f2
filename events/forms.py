"""Forms of the event pages. Times are entered in the organisation's time zone (the views
activate it), and stored in UTC."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Building, Property
from surveys.models import Survey
from surveys.services import TEMPLATES
from surveys.services.templates import EVENT_FEEDBACK

from .models import Event

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    # Declared here: a ModelForm would query the scoped managers at import, outside any scope.
    property = forms.ModelChoiceField(
        label=pgettext_lazy("residential community", "Property"),
        queryset=Property.objects.none(), required=False,
        help_text=_("Leave empty for the whole organisation."),
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False,
        help_text=_("Only residents of this building (optional)."),
    )
    cover_upload = forms.FileField(
        label=_("Cover image"), required=False,
        help_text=_("A JPEG, PNG or HEIC photo; it is re-encoded and its metadata removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    reminders = forms.CharField(
        label=_("Reminders (hours before)"), required=False,
        help_text=_("Comma-separated, e.g. “24, 2”. Leave empty for the default."),
    )

    class Meta:
        model = Event
        fields = [
            "title", "description", "property", "building", "starts_at", "ends_at", "place",
            "capacity", "max_party_size", "registration_opens_at", "registration_closes_at",
            "price_text",
        ]
        widgets = {
            "starts_at": DATETIME, "ends_at": DATETIME, "registration_opens_at": DATETIME,
            "registration_closes_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "price_text": _("e.g. “Free” or “¥20 per person, materials included”."),
        }

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        properties = access.properties()
        self.fields["property"].queryset = properties
        self.fields["building"].queryset = Building.objects.filter(
            organization=access.organization, property__in=properties
        ).select_related("property")
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk and self.instance.reminder_offsets:
            self.initial["reminders"] = ", ".join(
                f"{m / 60:g}" for m in self.instance.reminder_offsets
            )

    def clean_reminders(self):
        text = self.cleaned_data["reminders"].replace("，", ",")
        try:
            hours = [float(part) for part in text.split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("Enter hours as numbers, e.g. “24, 2”.")) from error
        return [round(h * 60) for h in hours]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["reminder_offsets"] = data.pop("reminders")
        data["cover"] = data.pop("cover_upload") or None
        return data


class RegisterForm(forms.Form):
    party_size = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["party_size"]
        field.max_value = event.max_party_size
        field.widget.attrs.update({"min": 1, "max": event.max_party_size})
        field.help_text = _("You and the members of your household who come with you.")


class CheckInForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the owner's phone"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                      "inputmode": "text"}),
    )


class FeedbackForm(forms.Form):
    """Which feedback survey: a new one from a template of the surveys app, or a draft."""

    template = forms.ChoiceField(label=_("Template"), required=False)
    survey = forms.ModelChoiceField(
        label=_("Or one of your draft surveys"), required=False,
        queryset=Survey.objects.none(),
        help_text=_("It will ask only the people who attended."),
    )

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(k, v) for k, v in TEMPLATES.items()]
        self.fields["template"].initial = EVENT_FEEDBACK
        self.fields["survey"].queryset = drafts
