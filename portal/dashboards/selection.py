"""From a request's query string to a :class:`metrics.Selection`: the GET form every dashboard
page and API endpoint shares, so that a view can be shared as a URL."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import User
from portal.tenancy.access import Access
from portal.tenancy.models import Building, Property
from tickets.models import Category, Team

from .metrics import Period, Selection

MAX_DAYS = 366 * 2


def org_today(access: Access) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(access.organization.time_zone)).date()


def default_period(access: Access) -> tuple[dt.date, dt.date]:
    """This month so far, in the organisation's days."""
    today = org_today(access)
    return today.replace(day=1), today


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    property = forms.ModelChoiceField(
        label=pgettext_lazy("residential community", "Property"),
        queryset=Property.objects.none(), required=False,
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=pgettext_lazy("ticket category", "Category"), queryset=Category.objects.none(),
        required=False,
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    staff = forms.ModelChoiceField(
        label=_("Staff member"), queryset=User.objects.none(), required=False
    )

    def __init__(self, data=None, *, access: Access):
        super().__init__(data)
        self.access = access
        organization = access.organization
        properties = access.properties().order_by("name")
        self.fields["property"].queryset = properties
        self.fields["building"].queryset = Building.objects.filter(
            organization=organization, property__in=properties
        ).select_related("property").order_by("property__name", "name")
        self.fields["category"].queryset = Category.objects.filter(
            organization=organization).order_by("name")
        self.fields["team"].queryset = Team.objects.filter(
            organization=organization).order_by("name")
        if access.is_manager:
            self.fields["staff"].queryset = User.objects.filter(
                memberships__organization=organization, memberships__is_active=True
            ).order_by("full_name")
        else:
            # Staff see their own performance only.
            del self.fields["staff"]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end comes before the start."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("Choose at most two years."))
        return data

    def selection(self) -> Selection:
        """The selection of the valid fields (invalid ones are left out, with their errors
        shown beside them)."""
        access = self.access
        data = self.cleaned_data if self.is_bound else {}
        default_start, default_end = default_period(access)
        start = data.get("start") or (data["end"].replace(day=1) if data.get("end")
                                      else default_start)
        end = data.get("end") or max(start, default_end)
        if end < start or (end - start).days > MAX_DAYS:
            start, end = default_start, default_end
        tz = ZoneInfo(access.organization.time_zone)
        if access.sees_all_properties:
            property_ids = None
        else:
            property_ids = frozenset(access.scoped_property_ids)
        if data.get("property") is not None:
            property_ids = frozenset({data["property"].pk})
        building = data.get("building")
        staff = data.get("staff")
        return Selection(
            access=access, period=Period(start, end, tz), property_ids=property_ids,
            building_id=building.pk if building else None,
            category_id=data["category"].pk if data.get("category") else None,
            team_id=data["team"].pk if data.get("team") else None,
            staff_id=(staff.pk if staff else None) if access.is_manager
            else access.membership.user_id,
            now=timezone.now(),
        )


def with_dates(access: Access, query) -> dict:
    """The query with the default dates filled in, so that the form shows the days counted."""
    data = query.dict() if hasattr(query, "dict") else dict(query or {})
    default_start, default_end = default_period(access)
    if not data.get("start") and not data.get("end"):
        data["start"], data["end"] = default_start.isoformat(), default_end.isoformat()
    return data


def selection_for(access: Access, query) -> tuple[DashboardFilterForm, Selection]:
    form = DashboardFilterForm(with_dates(access, query), access=access)
    form.is_valid()
    return form, form.selection()
