"""Timeline entries in words, in the reader's language, from the facts stored with them
(a ``TimelineEntry``'s kind, statuses and data)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import Priority, Status, Timer


def _status(entry) -> str:
    to, before = entry.to_status, entry.from_status
    if to == Status.ACCEPTED:
        return _("Accepted.")
    if to == Status.IN_PROGRESS:
        if before == Status.WAITING_ON_OWNER:
            return _("Work resumed.")
        if before == Status.RESOLVED:
            return _("Reopened.")
        return _("Work started.")
    if to == Status.WAITING_ON_OWNER:
        return _("Waiting for the owner.")
    if to == Status.RESOLVED:
        return _("Resolved.")
    if to == Status.CLOSED:
        if entry.data.get("automatic"):
            return _("Closed automatically: the resolution was not contested in time.")
        return _("Closed.")
    if to == Status.CANCELLED:
        return _("Cancelled.")
    return ""


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def describe(entry) -> str:
    """One sentence for system entries; empty for replies and notes (their body says it)."""
    data = entry.data or {}
    if entry.kind == "created":
        return _("Filed on the owner's behalf.") if data.get("proxy") else _("Submitted.")
    if entry.kind == "status":
        return _status(entry)
    if entry.kind == "assignment":
        if data.get("assignee_name"):
            return _("Assigned to %(name)s.") % {"name": data["assignee_name"]}
        if data.get("team_name"):
            return _("Assigned to the team %(team)s.") % {"team": data["team_name"]}
        return _("Assignment changed.")
    if entry.kind == "priority":
        return _("Priority changed from %(old)s to %(new)s.") % {
            "old": _label(Priority, data.get("from")), "new": _label(Priority, data.get("to")),
        }
    if entry.kind == "category":
        return _("Category changed from %(old)s to %(new)s.") % {
            "old": data.get("from_name", ""), "new": data.get("to_name", ""),
        }
    if entry.kind == "escalation":
        timer = _label(Timer, data.get("timer"))
        if data.get("percent") == 100:
            return _("%(timer)s target missed.") % {"timer": timer}
        return _("%(timer)s: %(percent)s%% of the target reached.") % {
            "timer": timer, "percent": data.get("percent"),
        }
    if entry.kind == "rating":
        rating = data.get("rating", 0)
        return ngettext("Rated %(rating)d star.", "Rated %(rating)d stars.", rating) % {
            "rating": rating
        }
    if entry.kind == "reminder":
        return _("The owner was reminded.")
    if entry.kind == "merge":
        if data.get("into"):
            return _("Merged into #%(number)s.") % {"number": data["into"]}
        return _("A duplicate was merged into this ticket.")
    return ""
