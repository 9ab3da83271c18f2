"""Reading a dashboard from the rollups for the complete days they cover and from the tickets
for the rest (today at least), in the same queries: every metric family is one UNION ALL of a
grouped read of the rollup and a grouped read of the live rows, so the number of queries does
not depend on how much is rolled up.

The split is by local day: rollup days ``R = [first, last]`` (inside the period, before today,
inside the coverage) come from the rollups; the live part is the period minus R, on the same
timestamp the live metrics use (created_at, resolved_at, rated_at).
"""

import datetime as dt

from django.db.models import F, Q, Value

from ..models import ALL_BUILDINGS, BY_BUILDING, RollupCoverage

NEVER = (dt.date(1, 1, 2), dt.date(1, 1, 1))  # an empty day range that still runs its query


def rolled_days(selection) -> tuple[dt.date, dt.date] | None:
    """The days of the period the rollups answer for (one query, always made)."""
    period = selection.period
    found = (RollupCoverage.objects.filter(organization_id=selection.organization.pk)
             .values_list("first_day", "last_day").first())
    if not found or None in found:
        return None
    today = selection.now.astimezone(period.tz).date()
    first = max(period.start, found[0])
    last = min(period.end, found[1], today - dt.timedelta(days=1))
    return (first, last) if first <= last else None


def live_q(selection, days, field: str) -> Q:
    """``field`` in the period but outside the rolled-up days."""
    q = selection.between(field)
    if days is None:
        return q
    tz = selection.period.tz
    start = dt.datetime.combine(days[0], dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(days[1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return q & (Q(**{f"{field}__lt": start}) | Q(**{f"{field}__gte": end}))


def rollup_q(selection, days) -> Q:
    """The selection's filters over a rollup table, on the rolled-up days."""
    first, last = days or NEVER
    # The rows with the buildings summed unless a building is asked for (far fewer rows).
    level = ALL_BUILDINGS if selection.building_id is None else BY_BUILDING
    q = Q(organization_id=selection.organization.pk, level=level, day__gte=first,
          day__lte=last)
    if selection.property_ids is not None:
        q &= Q(property_id__in=sorted(selection.property_ids))
    for name, value in (("building_id", selection.building_id),
                        ("category_id", selection.category_id),
                        ("team_id", selection.team_id),
                        ("assignee_id", selection.staff_id)):
        if value is not None:
            q &= Q(**{name: value})
    return q


def zero():
    return Value(0)


def as_date(value) -> dt.date | None:
    """A day from a UNION (SQLite hands back text when the first part is not a date)."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def names(groups: dict[str, set]) -> dict[tuple[str, int], str]:
    """The names of categories, teams and people found, in one query (a UNION)."""
    from portal.accounts.models import User
    from tickets.models import Category, Team

    parts = []
    for kind, model, field in (("category", Category, "name"), ("team", Team, "name"),
                               ("staff", User, "full_name")):
        ids = sorted(pk for pk in groups.get(kind, ()) if pk is not None)
        if ids:
            parts.append(model._base_manager.filter(pk__in=ids).annotate(
                dash_kind=Value(kind), dash_label=F(field)).values_list(
                    "dash_kind", "pk", "dash_label").order_by())
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {(kind, pk): label or "" for kind, pk, label in query}
