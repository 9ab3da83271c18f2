from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Stable pages on long, changing lists; views set ``ordering`` to a unique key.

    ``ordering`` on the view (a field name, "-" for descending, or a tuple whose first field
    positions the cursor) wins over the default ``-id``. DRF itself reads it only from an
    OrderingFilter; reading it from the view keeps the order next to the queryset it sorts.
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        if getattr(view, "ordering", None) and not any(
            hasattr(backend, "get_ordering") for backend in getattr(view, "filter_backends", [])
        ):
            ordering = view.ordering
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)
