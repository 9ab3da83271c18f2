"""Every dashboard's tables, built once from the metrics: the pages render them (beside their
charts), the exports write them. A cell is a value, or (value, link to the queue)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .metrics import Selection


@dataclass
class Table:
    name: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    chart: str | None = None  # "bar", "line" or "pie"; the first column labels the chart
    chart_columns: tuple[int, ...] = (1,)
    chart_rows: int = 20  # the chart shows the first rows; the table has them all

    def plain_rows(self) -> list[list]:
        return [[cell[0] if isinstance(cell, tuple) else cell for cell in row]
                for row in self.rows]

    @property
    def cells(self) -> list[list[dict]]:
        """Rows for templates: each cell a {"value", "href"}."""
        return [[{"value": cell[0], "href": cell[1]} if isinstance(cell, tuple)
                 else {"value": cell, "href": None} for cell in row] for row in self.rows]

    @property
    def cells_with_sources(self) -> list[tuple[list[dict], dict]]:
        return list(zip(self.cells, getattr(self, "sources", []), strict=True))

    @property
    def chart_id(self) -> str:
        return f"chart-{self.name}"

    def chart_data(self) -> dict | None:
        if self.chart is None:
            return None
        plain = self.plain_rows()[: self.chart_rows]
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in plain],
            "series": [{"name": str(self.headers[i]), "data": [row[i] or 0 for row in plain]}
                       for i in self.chart_columns],
        }


def queue_link(selection: Selection, *, dated: str | None = "created", **params) -> str:
    """The staff queue filtered to exactly the tickets behind a number."""
    query = {"view": "all"}
    if selection.property_ids is not None and len(selection.property_ids) == 1:
        query["property"] = next(iter(selection.property_ids))
    for key, value in (("building", selection.building_id), ("category", selection.category_id),
                       ("team", selection.team_id), ("assignee", selection.staff_id)):
        if value is not None:
            query[key] = value
    if dated:
        query[f"{dated}_from"] = selection.period.start.isoformat()
        query[f"{dated}_to"] = selection.period.end.isoformat()
    query.update({key: value for key, value in params.items() if value is not None})
    return f"/o/{selection.organization.slug}/tickets/?{urlencode(query)}"


def hours(seconds) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _who(row, unnamed):
    return row["name"] or str(unnamed)


def sla_tables(selection: Selection, data: dict) -> list[Table]:
    link = lambda **p: queue_link(selection, **p)  # noqa: E731
    ageing = Table("ageing", _("Backlog by age"), [_("Age (days)"), _("Open tickets")],
                   chart="bar")
    for row in data["ageing"]:
        ageing.rows.append([row["bucket"], (row["count"], link(dated=None, view="open",
                                                               age=row["bucket"]))])
    weekly = Table("weekly", _("Weekly trend"),
                   [_("Week of"), _("Opened"), _("Resolved"), _("Breached")],
                   chart="line", chart_columns=(1, 2, 3))
    for row in data["weekly"]:
        weekly.rows.append([row["week"], row["opened"], row["resolved"], row["breached"]])
    tables = [ageing, weekly]
    for name, title, key, param, unnamed in (
        ("breaches_by_category", _("Breaches by category"), "breaches_by_category", "category",
         _("No category")),
        ("breaches_by_team", _("Breaches by team"), "breaches_by_team", "team", _("No team")),
        ("breaches_by_staff", _("Breaches by staff member"), "breaches_by_staff", "assignee",
         _("Nobody")),
    ):
        table = Table(name, title, [_("Name"), _("Breached tickets"), _("First response"),
                                    _("Resolution")], chart="bar", chart_columns=(2, 3))
        for row in data[key]:
            ident = row["id"] if row["id"] is not None else ""
            table.rows.append([
                _who(row, unnamed),
                (row["breached"], link(breached="any", **{param: ident})),
                (row["first_response"], link(breached="first_response", **{param: ident})),
                (row["resolution"], link(breached="resolution", **{param: ident})),
            ])
        tables.append(table)
    return tables


def satisfaction_tables(selection: Selection, data: dict) -> list[Table]:
    link = lambda **p: queue_link(selection, dated="rated", **p)  # noqa: E731
    distribution = Table("distribution", _("Ratings"), [_("Stars"), _("Tickets")], chart="bar")
    for row in data["distribution"]:
        distribution.rows.append([row["stars"], (row["count"], link(rating=row["stars"]))])
    tables = [distribution]
    for name, title, key, param, unnamed in (
        ("by_category", _("Ratings by category"), "by_category", "category", _("No category")),
        ("by_team", _("Ratings by team"), "by_team", "team", _("No team")),
        ("by_staff", _("Ratings by staff member"), "by_staff", "assignee", _("Nobody")),
    ):
        table = Table(name, title, [_("Name"), _("Rated tickets"), _("Average rating"),
                                    _("Rated 2 or less")], chart="bar", chart_columns=(2,))
        for row in data[key]:
            ident = row["id"] if row["id"] is not None else ""
            table.rows.append([
                _who(row, unnamed), (row["rated"], link(**{param: ident})), row["average"],
                (row["low"], link(rating="low", **{param: ident})),
            ])
        tables.append(table)
    follow = Table("follow_ups", _("Open follow-up calls"),
                   [_("Ticket"), _("Title"), _("Rating"), _("Call by")])
    for row in data["follow_ups"]["listed"]:
        follow.rows.append([
            (f"#{row['ticket']}", f"/o/{selection.organization.slug}/tickets/{row['ticket']}/"),
            row["title"], row["rating"], row["due"][:16].replace("T", " "),
        ])
    tables.append(follow)
    return tables


def engagement_tables(selection: Selection, data: dict) -> list[Table]:
    channels = Table("channels", _("Tickets by channel"), [_("Channel"), _("Tickets")],
                     chart="pie")
    for row in data["channels"]:
        channels.rows.append([row["label"], (row["count"], queue_link(
            selection, channel=row["channel"]))])
    return [channels]


KIND_LABELS = {
    "asset": _("Equipment"), "unit": _("Unit"),
    "common_area": pgettext_lazy("location", "Common area"),
}


def hotspot_tables(selection: Selection, data: dict) -> list[Table]:
    """One row per hotspot; ``table.sources`` keeps each row's hotspot for the page's
    preventive-maintenance button."""
    table = Table("hotspots", _("Hotspots"), [
        _("Location"), _("Kind"), pgettext_lazy("residential community", "Property"),
        _("Tickets, last period"), _("Tickets, period before"), _("Trend"),
    ], chart="bar", chart_columns=(3, 4))
    for row in data["hotspots"]:
        params = {"recurring": 1, "property": row["property_id"]}
        if row["kind"] in ("asset", "unit"):
            params[row["kind"]] = row["id"]
        label = row["name"] or row["property"]
        table.rows.append([
            label, KIND_LABELS[row["kind"]], row["property"],
            (row["recent"], queue_link(selection, dated=None, **params)), row["previous"],
            f"{row['trend']:+d}",
        ])
    table.sources = data["hotspots"]
    return [table]


TABLES = {
    "sla": sla_tables,
    "satisfaction": satisfaction_tables,
    "engagement": engagement_tables,
    "hotspots": hotspot_tables,
}
