"""Forms of the manager's ticket settings: teams, categories, SLA policies, business
calendars, FAQ entries and canned responses. The services validate the rows again
(``full_clean``); these forms turn friendly inputs (opening hours as text, escalation levels as
rows) into what the services take."""

import re
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import User

from .forms_staff import staff_choices
from .models import BusinessCalendar, Category, Notify, Priority, Team
from .sla.calendar import WEEKDAYS, is_supported_country, parse_hours

LADDER_ROWS = 4
WEEKDAY_LABELS = {
    "mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
    "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday"),
}
_PERIOD = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})\s*$")


def hours_from_text(text: str) -> list[list[str]]:
    """ "09:00-12:00, 13:00-18:00" → [["09:00", "12:00"], ["13:00", "18:00"]]; "" → []."""
    periods = []
    for part in re.split(r"[,，;；]", text or ""):
        if not part.strip():
            continue
        match = _PERIOD.match(part)
        if match is None:
            raise forms.ValidationError(
                _("Write opening hours like 09:00-12:00, 13:00-18:00."), code="invalid_hours"
            )
        periods.append([match.group(1).zfill(5), match.group(2).zfill(5)])
    try:
        parse_hours(periods)
    except ValueError as error:
        raise forms.ValidationError(
            _("Write opening hours like 09:00-12:00, 13:00-18:00, each ending after it starts."),
            code="invalid_hours",
        ) from error
    return periods


def hours_to_text(periods) -> str:
    return ", ".join(f"{start}-{end}" for start, end in periods or [])


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    lead = forms.ModelChoiceField(label=_("Team lead"), queryset=User.objects.none(),
                                  required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    assignment = forms.ChoiceField(
        # Not required: a form posted without it keeps the team manual.
        label=_("Assignment of new tickets"), choices=Team.Assignment.choices,
        initial=Team.Assignment.MANUAL, required=False,
        help_text=_("Round robin hands each new ticket to the next member in turn."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff_choices(organization=organization)
        self.fields["members"].queryset = staff_choices(organization=organization)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Category.Kind.choices)
    default_team = forms.ModelChoiceField(label=_("Default team"), queryset=Team.objects.none(),
                                          required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("Order in lists"), min_value=0, max_value=32767,
                                    initial=0)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = Team.objects.filter(organization=organization)


class SlaPolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    calendar = forms.ModelChoiceField(label=_("Business calendar"),
                                      queryset=BusinessCalendar.objects.none())
    category = forms.ModelChoiceField(
        label=_("Only for category"), queryset=Category.objects.none(), required=False,
        help_text=_("Leave empty for every category."),
    )
    priority = forms.ChoiceField(
        label=_("Only for priority"), required=False,
        choices=[("", _("Every priority"))] + list(Priority.choices),
    )
    is_default = forms.BooleanField(
        label=_("Default policy"), required=False,
        help_text=_("Used when no other policy matches a ticket."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = BusinessCalendar.objects.filter(
            organization=organization
        )
        self.fields["category"].queryset = Category.objects.filter(organization=organization)
        for priority, label in Priority.choices:
            for timer, timer_label in (("first_response", _("first response")),
                                       ("resolution", _("resolution"))):
                self.fields[f"{timer}_{priority}_minutes"] = forms.IntegerField(
                    label=_("%(priority)s: %(timer)s (business minutes)")
                    % {"priority": label, "timer": timer_label},
                    min_value=1, max_value=10 * 365 * 24 * 60,
                )
        for row in range(1, LADDER_ROWS + 1):
            self.fields[f"ladder_{row}_percent"] = forms.IntegerField(
                label=_("Escalation %(row)d: percent of the target") % {"row": row},
                min_value=1, max_value=1000, required=False,
            )
            self.fields[f"ladder_{row}_notify"] = forms.ChoiceField(
                label=_("Escalation %(row)d: who is told") % {"row": row}, required=False,
                choices=[("", "---------")] + list(Notify.choices),
            )

    @classmethod
    def initial_from(cls, policy) -> dict:
        initial = {
            "name": policy.name, "calendar": policy.calendar_id,
            "category": policy.category_id, "priority": policy.priority,
            "is_default": policy.is_default, "is_active": policy.is_active,
        }
        for priority in Priority.values:
            for timer in ("first_response", "resolution"):
                field = f"{timer}_{priority}_minutes"
                initial[field] = getattr(policy, field)
        for row, level in enumerate(policy.escalation_ladder or [], start=1):
            initial[f"ladder_{row}_percent"] = level.get("percent")
            initial[f"ladder_{row}_notify"] = level.get("notify")
        return initial

    def clean(self):
        data = super().clean()
        ladder, seen = [], set()
        for row in range(1, LADDER_ROWS + 1):
            percent, notify = data.get(f"ladder_{row}_percent"), data.get(f"ladder_{row}_notify")
            if percent is None and not notify:
                continue
            if percent is None or not notify:
                self.add_error(f"ladder_{row}_percent",
                               _("Give both the percentage and who is told, or neither."))
                continue
            if percent in seen:
                self.add_error(f"ladder_{row}_percent", _("Two levels have this percentage."))
                continue
            seen.add(percent)
            ladder.append({"percent": percent, "notify": notify})
        if not ladder and not self.has_error("ladder_1_percent"):
            self.add_error("ladder_1_percent", _("Give at least one escalation level."))
        data["escalation_ladder"] = sorted(ladder, key=lambda level: level["percent"])
        data["targets"] = {
            priority: (data.get(f"first_response_{priority}_minutes"),
                       data.get(f"resolution_{priority}_minutes"))
            for priority in Priority.values
        }
        return data


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="Asia/Shanghai")
    is_24x7 = forms.BooleanField(
        label=_("Around the clock (24×7)"), required=False,
        help_text=_("Every hour of every day counts, holidays included."),
    )
    country_code = forms.CharField(
        label=_("Public holidays of (country code)"), max_length=2, required=False,
        initial="CN",
        help_text=_("For example CN: its public holidays are closed and its adjusted working "
                    "days (调休) open. Leave empty for none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            (zone, zone) for zone in sorted(zoneinfo.available_timezones())
        ]
        for day in WEEKDAYS:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=WEEKDAY_LABELS[day], required=False, max_length=200,
                help_text=_("For example 09:00-12:00, 13:00-18:00; empty when closed.")
                if day == "mon" else "",
            )

    @classmethod
    def initial_from(cls, calendar) -> dict:
        initial = {"name": calendar.name, "time_zone": calendar.time_zone,
                   "is_24x7": calendar.is_24x7, "country_code": calendar.country_code or ""}
        for day in WEEKDAYS:
            initial[f"hours_{day}"] = hours_to_text((calendar.weekly_hours or {}).get(day))
        return initial

    def clean_country_code(self):
        code = self.cleaned_data["country_code"].strip().upper()
        if code and not is_supported_country(code):
            raise forms.ValidationError(_("No public holidays are known for this country code."))
        return code

    def clean(self):
        data = super().clean()
        weekly = {}
        for day in WEEKDAYS:
            field = f"hours_{day}"
            if field in data:
                try:
                    periods = hours_from_text(data[field])
                except forms.ValidationError as error:
                    self.add_error(field, error)
                    continue
                if periods:
                    weekly[day] = periods
        data["weekly_hours"] = weekly
        if not self.errors and not weekly and not data.get("is_24x7"):
            self.add_error("hours_mon", _("Give some opening hours, or choose around the clock."))
        return data


class CalendarExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.BooleanField(
        label=_("Open on this day"), required=False,
        help_text=_("Leave unticked to close the day (a local holiday)."),
    )
    hours = forms.CharField(
        label=_("Opening hours of this day"), required=False, max_length=200,
        help_text=_("Empty for the usual hours of a working day."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_hours(self):
        return hours_from_text(self.cleaned_data["hours"])


class FaqEntryForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(
        label=_("Keywords"), required=False, max_length=300,
        help_text=_("Extra words owners might use, separated by spaces or commas."),
    )
    category = forms.ModelChoiceField(
        label=pgettext_lazy("ticket category", "Category"), queryset=Category.objects.none(),
        required=False,
    )
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("Order in lists"), min_value=0, max_value=32767,
                                    initial=0)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(organization=organization)


class CannedResponseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Placeholders: {owner_name} {ticket_number} {unit} {staff_name}."),
    )
    category = forms.ModelChoiceField(
        label=_("Only for category"), queryset=Category.objects.none(), required=False,
        help_text=_("Leave empty to offer it on every ticket."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(organization=organization)
