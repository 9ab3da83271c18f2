"""Forms of the staff pages: the queue's bulk actions, the ticket page, proxy filing.

Forms parse input only; every rule is checked by the service the view calls, whose errors the
view puts beside the field they name.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import User
from portal.tenancy.access import Access
from portal.tenancy.models import Asset, Membership, Residency

from .models import Category, Channel, Priority, Status, Team
from .services.submit import PROXY_CHANNELS


def staff_choices(*, organization, property_id: int | None = None):
    """Active staff of the organisation; with ``property_id``, those who work on it."""
    memberships = Membership.objects.filter(organization=organization, is_active=True)
    if property_id is not None:
        memberships = memberships.filter(
            Q(all_properties=True) | Q(role=Membership.Role.ADMIN) | Q(properties=property_id)
        )
    return User.objects.filter(
        pk__in=memberships.values("user_id"), is_active=True
    ).order_by("full_name")


def team_choices(*, organization):
    return Team.objects.filter(organization=organization, is_active=True)


class StyledForm(forms.Form):
    """Bootstrap classes on widgets of forms rendered field by field (not through crispy)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.TextInput | forms.NumberInput | forms.Textarea):
                widget.attrs.setdefault("class", "form-control")


class TicketNumbersField(forms.Field):
    """The ticket numbers ticked in the queue (repeated ``tickets`` values)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        numbers = []
        for item in value or []:
            if not str(item).isdigit():
                raise forms.ValidationError(_("Choose tickets from the list."))
            numbers.append(int(item))
        return sorted(set(numbers))

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Tick at least one ticket."))


class BulkForm(StyledForm):
    ASSIGN, STATUS = "assign", "status"

    tickets = TicketNumbersField()
    action = forms.ChoiceField(
        label=_("Action"), choices=[(ASSIGN, _("Assign")), (STATUS, _("Change the status"))]
    )
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(),
                                      required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    to = forms.ChoiceField(
        label=_("New status"), required=False,
        choices=[("", "---------")] + [
            (value, label) for value, label in Status.choices
            if value not in (Status.NEW, Status.CANCELLED)
        ],
    )
    reason = forms.CharField(label=_("Reason or message"), required=False, max_length=1000)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices(organization=organization)
        self.fields["team"].queryset = team_choices(organization=organization)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.STATUS and not data.get("to"):
            self.add_error("to", _("Choose the new status."))
        if data.get("action") == self.ASSIGN and not (data.get("assignee") or data.get("team")):
            self.add_error("assignee", _("Choose a person or a team."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(),
                                      required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices(
            organization=ticket.organization, property_id=ticket.property_id
        )
        self.fields["team"].queryset = team_choices(organization=ticket.organization)
        self.initial.setdefault("assignee", ticket.assignee_id)
        self.initial.setdefault("team", ticket.team_id)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = forms.CharField(label=_("Why"), required=False, max_length=1000)


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=pgettext_lazy("ticket category", "Category"), queryset=Category.objects.none()
    )
    reason = forms.CharField(label=_("Why"), required=False, max_length=1000)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            organization=organization, is_active=True
        )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=10000)
    internal = forms.BooleanField(
        label=_("Internal note (staff only, the owner does not see it)"), required=False
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason or message to the owner"), required=False,
                             max_length=1000)


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Merge into ticket number"), min_value=1,
        help_text=_("This ticket closes as a duplicate; its owner is told."),
    )


class ProxyTicketForm(forms.Form):
    """A request taken by phone or at the desk, for a resident in the staff member's scope."""

    residency = forms.ModelChoiceField(
        label=_("Owner and unit"), queryset=Residency.objects.none(), widget=forms.RadioSelect,
        empty_label=None,
    )
    channel = forms.ChoiceField(
        label=_("How did the owner reach you?"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Channel.choices if value in PROXY_CHANNELS],
    )
    common_area = forms.BooleanField(
        label=_("About a common area of the property, not the unit"), required=False
    )
    asset = forms.ModelChoiceField(label=_("Equipment (optional)"),
                                   queryset=Asset.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=pgettext_lazy("ticket category", "Category"), queryset=Category.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices,
                                 initial=Priority.NORMAL)
    preferred_visit_time = forms.CharField(label=_("Preferred visit time"), max_length=200,
                                           required=False)

    def __init__(self, *args, access: Access, residencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residency"].queryset = residencies
        self.fields["residency"].label_from_instance = lambda r: _(
            "%(name)s · %(unit)s (%(relation)s)"
        ) % {"name": r.user.full_name or r.user, "unit": r.unit,
             "relation": r.get_relation_display()}
        self.fields["asset"].queryset = Asset.objects.filter(
            organization=access.organization, property__in=access.properties()
        ).select_related("property")
        self.fields["category"].queryset = Category.objects.filter(
            organization=access.organization, is_active=True
        )
