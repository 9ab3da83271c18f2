"""``/api/v1/notifications/``: the caller's own notifications across their organisations."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from portal.api.base import UserAPIView

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(source="organization", slug_field="slug", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id", "org", "kind", "title", "body", "url", "object_type", "object_key", "urgent",
            "created_at", "read_at", "is_read",
        ]
        read_only_fields = fields


class NotificationListView(UserAPIView):
    """The caller's notifications, newest first; ``?unread=1`` for unread only, ``?org=<slug>``
    for one organisation. Cursor-paginated."""

    serializer_class = NotificationSerializer
    ordering = ("-id",)
    queryset = Notification.objects.none()

    @extend_schema(
        operation_id="notifications_list", tags=["notifications"],
        # many=True: the answer is a cursor page of notifications, and spectacular wraps a
        # list serializer in the paginator's envelope (PaginatedNotificationList).
        responses=NotificationSerializer(many=True),
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread notifications."),
            OpenApiParameter("org", str, description="Only this organisation's (its slug)."),
        ],
    )
    def get(self, request):
        notifications = selectors.notifications_for(
            user=request.user, unread_only=request.query_params.get("unread") in {"1", "true"}
        )
        if slug := request.query_params.get("org"):
            notifications = notifications.filter(organization__slug=slug)
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadView(UserAPIView):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    @extend_schema(
        operation_id="notifications_read", tags=["notifications"], request=None,
        responses=NotificationSerializer,
    )
    def post(self, request, pk: int):
        """Mark one notification read; another person's answers 404."""
        try:
            notification = services.notification_mark_read(
                user=request.user, notification_id=pk
            )
        except Notification.DoesNotExist:
            raise Http404 from None
        return Response(self.get_serializer(notification).data)


class NotificationReadAllView(UserAPIView):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    @extend_schema(
        operation_id="notifications_read_all", tags=["notifications"], request=None,
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        """Mark every unread notification of the caller read."""
        return Response(
            {"marked": services.notification_mark_all_read(user=request.user)}
        )
