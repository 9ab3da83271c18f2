"""Service-level policies: business calendars, targets per priority, escalation ladders, and
the record of every escalation level that fired."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.tenancy.models import TenantModel, organization_key

from ..sla import WorkCalendar
from ..sla.calendar import is_supported_country, parse_hours, parse_weekly_hours
from ..sla.timers import DEFAULT_LADDER, parse_ladder
from .choices import Notify, Priority, Timer

OFFICE_HOURS = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def default_weekly_hours():
    return {day: [list(period) for period in hours] for day, hours in OFFICE_HOURS.items()}


def default_ladder():
    return [dict(level) for level in DEFAULT_LADDER]


def validate_weekly_hours(value):
    try:
        parse_weekly_hours(value)
    except (AttributeError, TypeError, ValueError) as error:
        raise ValidationError(
            _('Enter opening hours per weekday, like {"mon": [["09:00", "18:00"]]}.'),
            code="invalid_hours",
        ) from error


def validate_hours(value):
    if value is None:
        return
    try:
        parse_hours(value)
    except (AttributeError, TypeError, ValueError) as error:
        raise ValidationError(
            _('Enter opening hours like [["09:00", "12:00"], ["13:00", "18:00"]].'),
            code="invalid_hours",
        ) from error


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."), code="invalid_time_zone")


def validate_country(value):
    if value and not is_supported_country(value):
        raise ValidationError(
            _("No public holidays are known for this country code."), code="invalid_country"
        )


def validate_ladder(value):
    try:
        parse_ladder(value)
    except (AttributeError, TypeError, ValueError) as error:
        raise ValidationError(
            _(
                "Enter escalation levels like "
                '[{"percent": 75, "notify": "assignee"}], with different percentages between '
                "1 and 1000 and notify one of assignee, team_lead, manager."
            ),
            code="invalid_ladder",
        ) from error


class BusinessCalendar(TenantModel):
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    weekly_hours = models.JSONField(
        _("weekly hours"), default=default_weekly_hours, blank=True,
        validators=[validate_weekly_hours],
        help_text=_('Opening hours per weekday, e.g. {"mon": [["09:00", "18:00"]]}.'),
    )
    country_code = models.CharField(
        _("public holidays of"), max_length=2, null=True, blank=True,
        validators=[validate_country],
        help_text=_("Country code such as CN: its public holidays are closed and its adjusted "
                    "working days (调休) open. Leave empty for no public holidays."),
    )
    is_24x7 = models.BooleanField(
        _("around the clock"), default=False,
        help_text=_("Every hour of every day counts, holidays included."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="calendar_unique_name")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not self.is_24x7 and isinstance(self.weekly_hours, dict) and not any(
            self.weekly_hours.values()
        ):
            raise ValidationError(
                {"weekly_hours": _("Give some opening hours, or choose around the clock.")}
            )

    def work_calendar(self) -> WorkCalendar:
        """The pure value the SLA engine computes with (reads ``exceptions``; prefetch it)."""
        return WorkCalendar.from_config(
            time_zone=self.time_zone,
            weekly_hours=self.weekly_hours or {},
            country=self.country_code,
            always_open=self.is_24x7,
            exceptions=[
                (exception.date, exception.is_working_day, exception.hours)
                for exception in self.exceptions.all()
            ],
        )


class CalendarException(TenantModel):
    """A day that differs from the week: a closure, or an extra working day."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="exceptions",
        verbose_name=_("business calendar"),
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"), default=False)
    hours = models.JSONField(
        _("hours"), null=True, blank=True, validators=[validate_hours],
        help_text=_("Opening hours of this day if it is a working day; empty for the standard "
                    "hours of a working day."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "calendar", "date"], name="calendar_exception_unique_date"
            )
        ]

    def __str__(self):
        return f"{self.calendar_id} {self.date}"


def _target(label):
    return models.PositiveIntegerField(label, validators=[MinValueValidator(1)])


class SlaPolicy(TenantModel):
    """Targets in business minutes per priority, a calendar and an escalation ladder.

    A ticket takes the most specific active policy matching its category and priority (both
    set, then category only, then priority only, then neither), the default one last.
    """

    name = models.CharField(_("name"), max_length=100)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies",
        verbose_name=_("business calendar"),
    )
    category = models.ForeignKey(
        "tickets.Category", on_delete=models.PROTECT, null=True, blank=True,
        related_name="sla_policies", verbose_name=_("only for category"),
    )
    priority = models.CharField(
        _("only for priority"), max_length=10, choices=Priority.choices, blank=True
    )
    first_response_urgent_minutes = _target(_("first response, urgent (minutes)"))
    first_response_high_minutes = _target(_("first response, high (minutes)"))
    first_response_normal_minutes = _target(_("first response, normal (minutes)"))
    first_response_low_minutes = _target(_("first response, low (minutes)"))
    resolution_urgent_minutes = _target(_("resolution, urgent (minutes)"))
    resolution_high_minutes = _target(_("resolution, high (minutes)"))
    resolution_normal_minutes = _target(_("resolution, normal (minutes)"))
    resolution_low_minutes = _target(_("resolution, low (minutes)"))
    escalation_ladder = models.JSONField(
        _("escalation levels"), default=default_ladder, validators=[validate_ladder],
        help_text=_("Percent of a target reached → who is told."),
    )
    is_default = models.BooleanField(_("default policy"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="sla_policy_unique_name"),
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(is_default=True),
                name="sla_policy_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    first_response_urgent_minutes__gt=0, first_response_high_minutes__gt=0,
                    first_response_normal_minutes__gt=0, first_response_low_minutes__gt=0,
                    resolution_urgent_minutes__gt=0, resolution_high_minutes__gt=0,
                    resolution_normal_minutes__gt=0, resolution_low_minutes__gt=0,
                ),
                name="sla_policy_targets_positive",
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_active", "category", "priority"])]

    def __str__(self):
        return self.name

    def targets(self, priority: str) -> tuple[int, int]:
        """(first response, resolution) targets in business minutes for ``priority``."""
        priority = Priority(priority).value
        return (
            getattr(self, f"first_response_{priority}_minutes"),
            getattr(self, f"resolution_{priority}_minutes"),
        )

    @property
    def ladder(self):
        return parse_ladder(self.escalation_ladder)


class SlaEscalation(TenantModel):
    """One escalation level of one timer of one ticket, fired once.

    The unique constraint is what makes the job idempotent: a second run, or a second worker,
    inserts nothing and therefore notifies nobody again.
    """

    # Its unique index leads with the organisation.
    organization = organization_key(db_index=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="escalations",
        verbose_name=_("ticket"),
    )
    timer = models.CharField(_("timer"), max_length=20, choices=Timer.choices)
    percent = models.PositiveSmallIntegerField(_("percent of target"))
    notify = models.CharField(_("notified"), max_length=20, choices=Notify.choices, blank=True)
    reached_at = models.DateTimeField(_("reached at"))
    fired_at = models.DateTimeField(_("fired at"))
    # The job run that inserted the row: after an INSERT … ON CONFLICT DO NOTHING it tells
    # this run which levels it fired itself.
    run_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("SLA escalation")
        verbose_name_plural = _("SLA escalations")
        ordering = ["reached_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "ticket", "timer", "percent"],
                name="sla_escalation_once",
            )
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.timer} {self.percent}%"
