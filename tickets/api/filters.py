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

    def __init__(self, data=None, queryset=None, **kwargs):
        if data is not None:
            # Only the filters the request names: an absent one would clean to an empty value
            # and filter nothing, and copying all of them, building their form fields and
            # their choices' querysets was a third of the queue API's CPU (issue #9). The
            # queue page renders every field and keeps the full set.
            self.base_filters = {
                name: declared for name, declared in self.base_filters.items() if name in data
            }
        super().__init__(data, queryset, **kwargs)

    def filter_view(self, queryset, name, value):
        # Applied by the view itself (tickets.selectors.ticket_queue), which knows the caller;
        # declared here so that it is validated and documented with the other filters.
        return queryset
