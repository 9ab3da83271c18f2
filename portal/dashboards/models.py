"""Daily rollups of the tickets tables, so that a dashboard over months reads a few thousand
summary rows instead of every ticket (issue #8: 1,000,000 tickets, under a second).

One row per organisation × local day × property × building × category × team × assignee
(every dimension the dashboards filter on, portal.dashboards.selection). A row of day D holds
three families, each counted on its own local day: tickets *submitted* on D, *resolved* on D
and *rated* on D (the same day fields the live metrics filter on). Durations go to
:class:`TicketDayDurations` as histogram buckets (mergeable across days and dimensions; see
portal.dashboards.rollup.buckets for the precision). Written only by
portal.dashboards.rollup.build (delete + INSERT … SELECT per rebuilt day, in one
transaction), read by portal.dashboards.rollup.read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.tenancy.models import TenantModel

DIMENSIONS = ("property_id", "building_id", "category_id", "team_id", "assignee_id")


# Rows are written twice: with every dimension (level BY_BUILDING), and with the buildings
# summed (level ALL_BUILDINGS, building_id NULL), which is what a dashboard reads unless it
# filters on a building: about 8 times fewer statistics rows (bench: 1,000,000 tickets).
BY_BUILDING, ALL_BUILDINGS = 0, 1


class _Dimensions(TenantModel):
    # Plain ids, not foreign keys: a summary must not block deleting a category or a person
    # (the live path would then show them as "no category"/"nobody"; the next rebuild agrees).
    day = models.DateField(_("local day"))
    level = models.PositiveSmallIntegerField(default=BY_BUILDING)
    property_id = models.BigIntegerField()
    building_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    assignee_id = models.BigIntegerField(null=True)

    class Meta:
        abstract = True


class TicketDayStats(_Dimensions):
    # Submitted on the day.
    opened = models.IntegerField(default=0)
    first_response_measured = models.IntegerField(default=0)  # answered or breached
    first_response_breached = models.IntegerField(default=0)
    breached = models.IntegerField(default=0)  # either timer
    resolution_breached_opened = models.IntegerField(default=0)
    # Resolved on the day.
    resolved = models.IntegerField(default=0)
    resolution_breached = models.IntegerField(default=0)
    # Rated on the day, by stars.
    rated_1 = models.IntegerField(default=0)
    rated_2 = models.IntegerField(default=0)
    rated_3 = models.IntegerField(default=0)
    rated_4 = models.IntegerField(default=0)
    rated_5 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily ticket statistics")
        verbose_name_plural = _("daily ticket statistics")
        indexes = [models.Index(fields=["organization", "level", "day"],
                                name="dash_stats_org_level_day")]


class TicketDayDurations(_Dimensions):
    """How many tickets of the day took a duration in each bucket."""

    FIRST_RESPONSE, RESOLUTION = 1, 2
    measure = models.PositiveSmallIntegerField()  # 1: submission → first response (created
    # day); 2: submission → resolved (resolved day)
    bucket = models.IntegerField()
    tickets = models.IntegerField()

    class Meta:
        verbose_name = _("daily ticket durations")
        verbose_name_plural = _("daily ticket durations")
        indexes = [models.Index(fields=["organization", "level", "day"],
                                name="dash_durations_org_level_day")]


class RollupCoverage(TenantModel):
    """The contiguous local days ``first_day`` … ``last_day`` the rollups hold for an
    organisation; the dashboards read everything else (today at least) live."""

    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)
    built_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("rollup coverage")
        constraints = [models.UniqueConstraint(fields=["organization"],
                                               name="dash_coverage_one_per_org")]


class RollupDay(TenantModel):
    """Work list of one rebuild: the days to rebuild with the instants they span in the
    organisation's time zone (so the SQL needs no time-zone arithmetic and stays portable).
    Rows live only inside the rebuild's transaction, tagged by ``batch``."""

    batch = models.CharField(max_length=32)
    day = models.DateField()
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["organization", "batch"], name="dash_rollupday_batch")]
