"""Reading the SLA job's escalation entries in tests: one entry per ticket and run, listing
the levels that run fired."""

from tickets.models.describe import escalation_levels


def listed_levels(entries) -> list[tuple[int, str, int]]:
    """(ticket id, timer, percent) of every level the escalation entries list, sorted; each
    entry lists at least one."""
    listed = []
    for entry in entries.filter(kind="escalation"):
        levels = escalation_levels(entry.data)
        assert levels, entry.data
        listed += [(entry.ticket_id, level["timer"], level["percent"]) for level in levels]
    return sorted(listed)
