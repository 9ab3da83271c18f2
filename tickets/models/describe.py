"""Timeline entries in words, in the reader's language, from the facts stored with them
(a ``TimelineEntry``'s kind, statuses and data)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ..sla.timers import BREACH_PERCENT
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


def escalation_levels(data: dict) -> list[dict]:
    """The levels an escalation entry records, in the order they were reached: one job run
    writes one entry per ticket, ``{"levels": [{timer, percent, notify, reached_at}, …]}``;
    entries written before that hold one level's keys at the top."""
    if "levels" in data:
        return list(data["levels"])
    return [data] if "timer" in data else []


def _escalation(data: dict) -> str:
    """A sentence per timer, in the order of its first level: "First response target
    missed." for one level; "First response target missed: 75%, 100%, 150% of the target
    reached." when one run fired several."""
    by_timer: dict[str, list[int]] = {}
    for level in escalation_levels(data):
        by_timer.setdefault(level.get("timer"), []).append(level.get("percent"))
    sentences = []
    for name, percents in by_timer.items():
        timer = _label(Timer, name)
        missed = BREACH_PERCENT in percents
        if len(percents) == 1 and missed:
            sentences.append(_("%(timer)s target missed.") % {"timer": timer})
        elif len(percents) == 1:
            sentences.append(_("%(timer)s: %(percent)s%% of the target reached.") % {
                "timer": timer, "percent": percents[0],
            })
        else:
            # Translators: between the percents of escalation levels, as in "75%, 100%".
            shown = pgettext("list", ", ").join(
                _("%(percent)s%%") % {"percent": percent} for percent in percents
            )
            if missed:
                text = _("%(timer)s target missed: %(percents)s of the target reached.")
            else:
                text = _("%(timer)s: %(percents)s of the target reached.")
            sentences.append(text % {"timer": timer, "percents": shown})
    return " ".join(sentences)


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
        return _escalation(data)
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
