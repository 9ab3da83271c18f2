"""The staff queue's filters and search, shared by the queue page and the API.

``TicketFilter(data, queryset=ticket_list_for(access=access), access=access)``; under DRF's
DjangoFilterBackend the access is taken from the request. Every choice offered (properties,
buildings, people, teams, categories) is narrowed to what the caller may see, so a value of
another organisation or outside the staff member's scope is a field error, not a leak.
"""

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import User
from portal.tenancy.access import Access, get_access
from portal.tenancy.models import Building, Property

from .models import FOLLOW_UP_MAX_RATING, Category, Channel, Priority, Status, Team

PRIORITY_RANK = Case(
    *(When(priority=value, then=Value(rank)) for rank, value in enumerate(Priority.values)),
    output_field=IntegerField(),
)
# Backlog ageing buckets in days (low, high or None), as on the SLA dashboard.
AGE_BUCKETS = {"0-1": (0, 1), "1-3": (1, 3), "3-7": (3, 7), "7+": (7, None)}
SORTS = {
    "due": (F("next_due_at").asc(nulls_last=True), "created_at"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "priority": (PRIORITY_RANK, F("next_due_at").asc(nulls_last=True), "created_at"),
}


class _StyledForm(forms.Form):
    """Bootstrap classes on every widget (the filter row renders fields one by one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def __iter__(self):
        # The dashboards' link-only filters (hidden inputs) stay out of the visible filter row.
        return (field for field in super().__iter__() if not field.is_hidden)

    def hidden_fields(self):
        # Django's version filters __iter__, which leaves them out; the queue's form carries
        # them as hidden inputs so that re-filtering keeps what a dashboard link chose.
        return [self[name] for name, field in self.fields.items() if field.widget.is_hidden]


def search(queryset, name, value):
    """By number (#12 or 12), title or description, owner name, phone digits or unit."""
    text = value.strip()
    if not text:
        return queryset
    matches = (
        Q(title__icontains=text) | Q(description__icontains=text)
        | Q(requester__full_name__icontains=text) | Q(unit__number__iexact=text)
    )
    if re.fullmatch(r"#?\d{1,9}", text):
        matches |= Q(number=int(text.lstrip("#")))
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:  # "138 0013 8000" finds +8613800138000
        matches |= Q(requester__phone__contains=digits)
    if "-" in text:  # "1-101": building 1, unit 101
        building, _sep, number = text.partition("-")
        matches |= Q(unit__building__name__iexact=building.strip(),
                     unit__number__iexact=number.strip())
    return queryset.filter(matches)


def _properties(access: Access):
    return access.properties().order_by("name")


def _buildings(access: Access):
    return Building.objects.filter(
        organization=access.organization, property__in=_properties(access)
    ).select_related("property").order_by("property__name", "name")


def _categories(access: Access):
    return Category.objects.filter(organization=access.organization)


def _teams(access: Access):
    return Team.objects.filter(organization=access.organization)


def _assignees(access: Access):
    return User.objects.filter(
        memberships__organization=access.organization, memberships__is_active=True
    ).order_by("full_name")


# The choices of each relation filter, narrowed to the caller.
_CHOICES = {
    "property": _properties, "building": _buildings, "category": _categories,
    "team": _teams, "assignee": _assignees,
}


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=lambda qs, name, value: search(qs, name, value),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _(
            "Number, text, owner, phone or unit"
        )}),
    )
    property = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("residential community", "Property"), queryset=Property.objects.none()
    )
    building = django_filters.ModelChoiceFilter(
        label=_("Building"), field_name="unit__building", queryset=Building.objects.none()
    )
    category = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("ticket category", "Category"), queryset=Category.objects.none()
    )
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"), queryset=User.objects.none(), null_label=_("Nobody"),
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none())
    created_from = django_filters.DateFilter(
        label=_("Submitted from"), field_name="created_at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = django_filters.DateFilter(
        label=_("Submitted until"), field_name="created_at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Filters the dashboards link to (portal.dashboards.tables.queue_link): the tickets behind
    # one number. Hidden in the queue's own filter row.
    resolved_from = django_filters.DateFilter(
        field_name="resolved_at", lookup_expr="date__gte", widget=forms.HiddenInput,
    )
    resolved_to = django_filters.DateFilter(
        field_name="resolved_at", lookup_expr="date__lte", widget=forms.HiddenInput,
    )
    rated_from = django_filters.DateFilter(
        field_name="rated_at", lookup_expr="date__gte", widget=forms.HiddenInput,
    )
    rated_to = django_filters.DateFilter(
        field_name="rated_at", lookup_expr="date__lte", widget=forms.HiddenInput,
    )
    breached = django_filters.ChoiceFilter(
        method="breached_by", widget=forms.HiddenInput,
        choices=[("any", "any"), ("first_response", "first_response"),
                 ("resolution", "resolution")],
    )
    age = django_filters.ChoiceFilter(
        method="aged", widget=forms.HiddenInput,
        choices=[(key, key) for key in AGE_BUCKETS],
    )
    rating = django_filters.ChoiceFilter(
        method="rated", widget=forms.HiddenInput,
        choices=[("low", "low"), *((str(n), str(n)) for n in range(1, 6))],
    )
    recurring = django_filters.BooleanFilter(field_name="is_recurring", widget=forms.HiddenInput)
    asset = django_filters.NumberFilter(field_name="asset_id", widget=forms.HiddenInput)
    unit = django_filters.NumberFilter(field_name="unit_id", widget=forms.HiddenInput)
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_by", empty_label=_("Nearest due time"),
        choices=[
            ("newest", _("Newest first")), ("oldest", _("Oldest first")),
            ("priority", _("Priority")),
        ],
    )

    class Meta:
        form = _StyledForm
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None,
                 access: Access | None = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        access = access or get_access(request)
        for name, choices in _CHOICES.items():
            if name in self.filters:  # the API's filter set keeps only the filters it was given
                self.filters[name].queryset = choices(access)

    def breached_by(self, queryset, name, value):
        first = Q(first_response_breached_at__isnull=False)
        resolution = Q(resolution_breached_at__isnull=False)
        return queryset.filter(
            {"first_response": first, "resolution": resolution}.get(value, first | resolution)
        )

    def aged(self, queryset, name, value):
        low, high = AGE_BUCKETS[value]
        now = timezone.now()
        queryset = queryset.filter(created_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(created_at__gt=now - dt.timedelta(days=high))
        return queryset

    def rated(self, queryset, name, value):
        if value == "low":
            return queryset.filter(rating__lte=FOLLOW_UP_MAX_RATING)
        return queryset.filter(rating=int(value))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["due"]))
