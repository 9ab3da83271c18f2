"""The ticket list's filters: the staff queue page's (tickets.filters), plus its views.

The page's choices (properties, buildings, people, teams, categories) are narrowed to the
caller, so another organisation's id is a 400 on that field, not a silent empty list.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from ..filters import TicketFilter as QueueFilter
from ..selectors import QUEUE_VIEWS


class TicketFilter(QueueFilter):
    view = django_filters.ChoiceFilter(
        choices=[(view, view) for view in QUEUE_VIEWS], method="filter_view",
        help_text=_("Staff only: one of the queue's views (open tickets only). Without it "
                    "staff get every ticket in their scope."),
    )
    # Cursor pages keep one order (newest first), so the page's sort choice does not apply.
    sort = None

    class Meta(QueueFilter.Meta):
        pass

    def filter_view(self, queryset, name, value):
        # Applied by the view itself (tickets.selectors.ticket_queue), which knows the caller;
        # declared here so that it is validated and documented with the other filters.
        return queryset
