"""Tickets (工单), their per-organisation numbers and their timelines."""

import builtins
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Asset, Property, TenantModel, Unit, organization_key

from .choices import OPEN_STATUSES, Channel, Priority, Status
from .describe import describe
from .queryset import ticket_manager
from .sla import SlaPolicy
from .teams import Category, Team


class TicketCounter(TenantModel):
    """The last ticket number handed out in an organisation.

    Numbers come from an UPDATE … SET last_number = last_number + 1 on this row: the row lock
    is held until the ticket's transaction commits, so concurrent submissions queue here and
    never share a number (a MAX(number) + 1 would).
    """

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="ticket_counter_one_per_org")
        ]

    def __str__(self):
        return f"{self.organization_id}: {self.last_number}"


class Ticket(TenantModel):
    """A request or complaint and its SLA state.

    The relations carry no single-column index of their own (``db_index=False``): the queries
    of the queue, the dashboards and the pages name the organisation first and use the
    composite indexes below, and every index is rewritten on each update that the SLA job or a
    transition makes (issue #9: 29 indexes cost the job's 2,000 updates 80 ms per batch of 500,
    20 cost 50). Deleting a property, unit, category, team, policy or person, the only lookups
    by those columns alone, is a rare administrative act that may scan. The requester keeps
    its index: an owner's data export reads their tickets across organisations.
    """

    Status = Status
    Priority = Priority
    Channel = Channel

    organization = organization_key(db_index=False)

    objects = ticket_manager()

    number = models.PositiveIntegerField(_("number"), editable=False)
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="tickets",
        verbose_name=pgettext_lazy("residential community", "property"),
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("unit"),
        db_index=False,
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("asset"),
        db_index=False,
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets",
        verbose_name=pgettext_lazy("ticket category", "category"),
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )

    # Tickets are business records: deleting a person means anonymising them, not this.
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets_requested",
        verbose_name=_("requester"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("filed by"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="tickets_assigned", verbose_name=_("assignee"),
        db_index=False,
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
        verbose_name=_("team"),
        db_index=False,
    )
    preferred_visit_time = models.CharField(
        _("preferred visit time"), max_length=200, blank=True,
        help_text=_("For example: weekday evenings after 18:00."),
    )
    preferred_visit_at = models.DateTimeField(_("preferred visit at"), null=True, blank=True)

    # SLA: the targets are copied from the policy when it is chosen, so that editing a policy
    # does not move the due times of tickets already running.
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("SLA policy"),
        db_index=False,
    )
    first_response_target_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_target_minutes = models.PositiveIntegerField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # The due time of the running timer that falls due first (NULL when none runs): what the
    # queue sorts by.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    # Business time the resolution timer stood still (waiting on the owner, resolved before a
    # reopen). Kept as a duration, so pausing and resuming add up exactly.
    paused_business_time = models.DurationField(default=dt.timedelta)
    paused_at = models.DateTimeField(_("waiting on owner since"), null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    # The next moment the SLA job has something to do for this ticket; NULL when nothing can
    # happen any more. The job reads only rows where this has passed.
    next_sla_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    owner_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged",
        verbose_name=_("merged into"),
        db_index=False,
    )
    # Set when a later ticket about the same asset or location makes this one a repeat
    # (the hotspots of the dashboards); stored so that the queue can show it cheaply.
    is_recurring = models.BooleanField(_("recurring problem"), default=False)

    # The submission moment; both timers start here.
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="ticket_unique_number"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
        ]
        indexes = [
            # The staff queue: one status or the open ones, nearest due first.
            models.Index(
                fields=["organization", "status", "next_due_at"], name="ticket_queue_due"
            ),
            # "All open, nearest due first" spans four statuses, which the index above cannot
            # serve in order; this one can (bench: 140 ms → 14 ms on 200,000 tickets).
            models.Index(
                fields=["organization", "next_due_at", "created_at"], name="ticket_open_due",
                condition=models.Q(status__in=list(OPEN_STATUSES)),
            ),
            models.Index(
                fields=["organization", "assignee", "status"], name="ticket_queue_assignee"
            ),
            models.Index(fields=["organization", "team", "status"], name="ticket_queue_team"),
            models.Index(
                fields=["organization", "property", "status"], name="ticket_queue_property"
            ),
            # Dashboards (portal.dashboards.metrics): tickets submitted, resolved or rated in a
            # date range of one organisation, and the open backlog. Covering (INCLUDE, on
            # PostgreSQL; other databases build the plain index) so that the aggregates are
            # index-only scans: bench/bench_dashboards.py, 1,000,000 tickets, the SLA
            # dashboard's grouped breach count went from a parallel seq scan (460 ms) and
            # bitmap heap scans (~200 ms each) to index-only scans (~85-170 ms).
            models.Index(
                fields=["organization", "created_at"], name="ticket_created",
                include=["id", "merged_into", "property", "unit", "asset", "category", "team",
                         "assignee", "channel", "first_responded_at", "first_response_breached_at",
                         "resolution_breached_at"],
            ),
            models.Index(
                fields=["organization", "resolved_at"], name="ticket_resolved",
                condition=models.Q(resolved_at__isnull=False),
                include=["id", "created_at", "merged_into", "property", "category", "team",
                         "assignee", "resolution_breached_at"],
            ),
            models.Index(
                fields=["organization", "rated_at"], name="ticket_rated",
                condition=models.Q(rated_at__isnull=False),
                include=["id", "rating", "merged_into", "property", "category", "team",
                         "assignee"],
            ),
            models.Index(
                fields=["organization", "created_at"], name="ticket_backlog",
                condition=models.Q(status__in=list(OPEN_STATUSES)),
                include=["id", "merged_into", "property", "category", "team", "assignee"],
            ),
            # The hotspot marker's "same asset / same property in the last days" (an equal
            # match, then a range); the unit's is ticket_unit below.
            models.Index(
                fields=["organization", "asset", "created_at"], name="ticket_asset_created",
                condition=models.Q(asset__isnull=False),
            ),
            models.Index(
                fields=["organization", "property", "created_at"], name="ticket_property_created"
            ),
            # An owner's requests: their units' tickets, newest first.
            models.Index(fields=["organization", "unit", "created_at"], name="ticket_unit"),
            models.Index(
                fields=["organization", "requester", "created_at"], name="ticket_requester"
            ),
            # A ticket's merged duplicates (its staff page); few tickets are merged.
            models.Index(
                fields=["organization", "merged_into"], name="ticket_merged",
                condition=models.Q(merged_into__isnull=False),
            ),
            # The one index not led by organization, on purpose: the SLA job asks for every
            # organisation's tickets whose check time has passed, a range on time alone (on a
            # distributed database each shard answers it from its own copy). Partial: it holds
            # only tickets with a check ahead, so it stays as small as the open work.
            models.Index(
                fields=["next_sla_check_at"], name="ticket_sla_check",
                condition=models.Q(next_sla_check_at__isnull=False),
            ),
            # Auto-close and owner reminders scan one status across organisations by time,
            # like the SLA job.
            models.Index(
                fields=["resolved_at"], name="ticket_resolved_open",
                condition=models.Q(status=Status.RESOLVED),
            ),
            models.Index(
                fields=["paused_at"], name="ticket_waiting_unreminded",
                condition=models.Q(
                    status=Status.WAITING_ON_OWNER, owner_reminded_at__isnull=True
                ),
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    # ``property`` is a field of this model, hence the builtin by its full name.
    @builtins.property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @builtins.property
    def is_paused(self) -> bool:
        return self.status == Status.WAITING_ON_OWNER


class TimelineEntry(TenantModel):
    """One thing that happened to a ticket. Owners see the public entries only."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("timeline", "Submitted")
        STATUS = "status", pgettext_lazy("timeline", "Status change")
        COMMENT = "comment", pgettext_lazy("timeline", "Reply")
        INTERNAL_NOTE = "internal_note", pgettext_lazy("timeline", "Internal note")
        ASSIGNMENT = "assignment", pgettext_lazy("timeline", "Assignment")
        PRIORITY = "priority", pgettext_lazy("timeline", "Priority change")
        CATEGORY = "category", pgettext_lazy("timeline", "Category change")
        ESCALATION = "escalation", pgettext_lazy("timeline", "Escalation")
        RATING = "rating", pgettext_lazy("timeline", "Rating")
        MERGE = "merge", pgettext_lazy("timeline", "Merge")
        REMINDER = "reminder", pgettext_lazy("timeline", "Reminder")

    # Every index leads with the organisation (timeline_ticket); the ticket keeps its own for
    # reads of one ticket's timeline outside a scope.
    organization = organization_key(db_index=False)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    body = models.TextField(_("text"), blank=True)
    is_public = models.BooleanField(_("visible to the owner"), default=True)
    # Structured facts of system entries (old and new priority, timer and percent of an
    # escalation…), rendered in the reader's language rather than stored as a sentence.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["organization", "ticket", "created_at"], name="timeline_ticket"
            )
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.kind}"

    def describe(self) -> str:
        """The entry in one sentence of the reader's language (empty for replies)."""
        return describe(self)
