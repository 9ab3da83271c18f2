"""Manager forms of the builder. The services check everything again; these forms turn the
friendly inputs (reminders as "48, 4", choices one per line) into what the services take.
Date-times are read and shown in the organisation's time zone (the views activate it)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Building, Property

from .models import Audience, QuestionKind, Survey
from .services import TEMPLATES, choices_parse

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SurveyForm(forms.ModelForm):
    # Declared here: a tenant queryset cannot be evaluated when the class is defined.
    audience_property = forms.ModelChoiceField(
        label=pgettext_lazy("residential community", "Property"), required=False,
        queryset=Property.objects.none(),
    )
    audience_building = forms.ModelChoiceField(
        label=_("Building"), required=False, queryset=Building.objects.none(),
    )
    reminder_text = forms.CharField(
        label=_("Reminders (hours before closing)"), required=False,
        help_text=_("Comma-separated, e.g. 48, 4. Only those who have not answered are "
                    "reminded, each reminder once."),
    )

    class Meta:
        model = Survey
        fields = [  # the audience's property and building are declared above
            "title", "description", "audience", "opens_at", "closes_at", "is_anonymous",
            "one_per", "allow_change",
        ]
        widgets = {
            "opens_at": DATETIME_WIDGET, "closes_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = [
        "title", "description", "audience", "audience_property", "audience_building",
        "opens_at", "closes_at", "one_per", "is_anonymous", "allow_change", "reminder_text",
    ]

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the caller's properties: a survey aimed elsewhere would be out of their reach.
        properties = access.properties()
        self.fields["audience_property"].queryset = properties
        self.fields["audience_building"].queryset = Building.objects.filter(
            organization=access.organization, property__in=properties
        ).select_related("property")
        if self.instance.audience != Audience.INVITED:
            # Invited people come from elsewhere (an event's attendees), never the builder.
            self.fields["audience"].choices = [
                c for c in self.fields["audience"].choices if c[0] != Audience.INVITED
            ]
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["audience_property"].initial = self.instance.audience_property_id
        self.fields["audience_building"].initial = self.instance.audience_building_id
        if self.instance.pk:
            self.fields["reminder_text"].initial = ", ".join(
                str(h) for h in self.instance.reminder_hours or []
            )
        else:
            self.fields["reminder_text"].initial = "48"

    def clean_reminder_text(self):
        parts = [p for p in re.split(r"[,，;；\s]+", self.cleaned_data["reminder_text"]) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Write whole numbers of hours, e.g. 48, 4."))
        return [int(p) for p in parts]

    def service_fields(self) -> dict:
        names = [*self.Meta.fields, "audience_property", "audience_building"]
        data = {name: self.cleaned_data[name] for name in names}
        data["reminder_hours"] = self.cleaned_data["reminder_text"]
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Explanation"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False,
                                  initial=True)
    choices = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice questions: one choice per line, at least two."),
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = choices_parse(data["choices"])
        return data


class TemplateForm(forms.Form):
    template = forms.ChoiceField(choices=list(TEMPLATES.items()))
