"""Forms of the notices and disclosure pages; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Building, Property, Unit

from .models import DisclosureItem
from .models.notice import Category

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Markdown: **bold**, lists with -, links."))
    category = forms.ChoiceField(label=pgettext_lazy("notice category", "Category"),
                                 choices=Category.choices)
    whole_organization = forms.BooleanField(label=_("Everyone in the organisation"),
                                            required=False)
    properties = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("residential community", "Properties"), required=False,
        queryset=Property.objects.none(), widget=forms.CheckboxSelectMultiple)
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"), required=False, queryset=Building.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), required=False, queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    pinned = forms.BooleanField(label=_("Pin to the top of the feed"), required=False)
    ack_required = forms.BooleanField(label=_("Residents must acknowledge it"),
                                      required=False)
    ack_deadline = forms.DateTimeField(label=_("Acknowledge by"), required=False,
                                       widget=DATETIME)
    expires_at = forms.DateTimeField(label=_("Expires at"), required=False, widget=DATETIME)
    change_note = forms.CharField(label=_("What changed (shown to residents)"),
                                  required=False, max_length=300)
    attachments = MultipleFileField(label=_("Files (PDF or pictures)"), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["properties"].queryset = Property.objects.filter(organization=organization)
        self.fields["buildings"].queryset = Building.objects.filter(
            organization=organization).select_related("property")
        self.fields["units"].queryset = Unit.objects.filter(
            organization=organization).select_related("building__property").order_by(
            "building__property__name", "building__name", "number")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"], "body": data["body"], "category": data["category"],
            "whole_organization": data["whole_organization"],
            "property_ids": [p.pk for p in data["properties"]],
            "building_ids": [b.pk for b in data["buildings"]],
            "unit_ids": [u.pk for u in data["units"]], "pinned": data["pinned"],
            "ack_required": data["ack_required"], "ack_deadline": data["ack_deadline"],
            "expires_at": data["expires_at"], "uploads": data["attachments"],
        }


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(label=_("Publish at"), required=False, widget=DATETIME)


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Answer to every linked ticket"),
                           widget=forms.Textarea(attrs={"rows": 4}))


class LinkTicketsForm(forms.Form):
    numbers = forms.CharField(label=_("Ticket numbers"), max_length=500,
                              help_text=_("Separated by commas or spaces, e.g. 12, 15, 19."))

    def clean_numbers(self):
        text = self.cleaned_data["numbers"].replace(",", " ").replace("，", " ")
        try:
            numbers = sorted({int(part.lstrip("#")) for part in text.split()})
        except ValueError as error:
            raise forms.ValidationError(_("Write ticket numbers only.")) from error
        if not numbers:
            raise forms.ValidationError(_("Write ticket numbers only."))
        return numbers


class DisclosureItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DisclosureItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    property = forms.ModelChoiceField(
        label=pgettext_lazy("residential community", "Property"), required=False,
        queryset=Property.objects.none(), help_text=_("Leave empty for every property."))
    schedule = forms.ChoiceField(label=_("Due"), choices=DisclosureItem.Schedule.choices,
                                 initial=DisclosureItem.Schedule.QUARTERLY)
    next_due_on = forms.DateField(label=_("Next due on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = Property.objects.filter(organization=organization)


class DisclosurePublishForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=40, required=False,
                             help_text=_("e.g. 2026 Q3"))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Markdown: tables of figures, lists."))
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)
    change_note = forms.CharField(label=_("What the correction changes"), required=False,
                                  max_length=500)
    attachments = MultipleFileField(label=_("Ledgers (XLSX or PDF)"), required=False)


class InquiryForm(forms.Form):
    title = forms.CharField(label=_("Your question or objection, in a few words"),
                            max_length=200)
    description = forms.CharField(label=_("Details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
