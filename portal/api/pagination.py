from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Stable pages on long, changing lists; views set ``ordering`` to a unique key."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
