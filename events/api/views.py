"""Event API views: parse, call a selector or a service, answer (DESIGN §7). Events and
registrations out of the caller's reach are 404, as on the pages."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from portal.api.base import OrgScopedMixin

from .. import selectors
from ..models import Event, Registration
from ..services import (
    EventConflict,
    EventError,
    checkin_by_token,
    checkin_registration,
    registration_cancel,
    registration_create,
    waitlist_position,
)
from ..services.rules import actor_id, covers
from . import serializers as s

TAGS = ["events"]
NOT_FOUND = OpenApiResponse(description="No such event, or not within the caller's reach.")
BAD_INPUT = OpenApiResponse(description="A rule refused it (registration closed, party too "
                            "large, already registered …): messages by field, translated.")
CONFLICT = OpenApiResponse(description="The event is full (with waitlist=false), or the "
                           "registration was already cancelled: `detail` and `code`.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class WriteThrottle(ScopedRateThrottle):
    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope) or "60/min"


def _api_error(error):
    if isinstance(error, EventConflict):
        return Conflict(detail={"detail": " ".join(error.messages),
                                "code": error.code or "conflict"})
    if isinstance(error, EventError):
        if hasattr(error, "error_dict"):
            return exceptions.ValidationError(
                {field: [str(m) for e in errors for m in e.messages]
                 for field, errors in error.error_dict.items()}
            )
        return exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages), "code": error.code}
        )
    if isinstance(error, PermissionDenied | Http404):
        return exceptions.NotFound()
    return error


class EventAPIMixin(OrgScopedMixin):
    throttle_classes = [WriteThrottle]
    throttle_scope = "events-write"

    def handle_exception(self, exc):
        return super().handle_exception(_api_error(exc))

    def visible(self):
        events = selectors.with_counts(selectors.events_visible(access=self.access))
        return events.select_related("organization")

    def get_event(self):
        event = selectors.event_get_for(access=self.access, pk=self.kwargs["pk"])
        if event.status == "draft" and not covers(self.access, event):
            raise Http404
        return event


@extend_schema_view(get=extend_schema(
    operation_id="events_list", tags=TAGS, summary="Upcoming events the caller may see",
    description="Owners: published and cancelled events for their units' property or "
    "building and the whole organisation; staff: every event in their scope. Soonest first.",
))
class EventListView(EventAPIMixin, generics.ListAPIView):
    serializer_class = s.EventSerializer
    queryset = Event.objects.none()  # the model, for the schema; never evaluated
    ordering = ("starts_at", "id")

    def get_queryset(self):
        events = self.visible().filter(ends_at__gt=timezone.now())
        if not self.access.is_staff:
            events = events.exclude(status="draft")
        return events


@extend_schema_view(get=extend_schema(
    operation_id="events_retrieve", tags=TAGS, summary="An event",
    responses={200: s.EventSerializer, 404: NOT_FOUND},
))
class EventDetailView(EventAPIMixin, generics.GenericAPIView):
    serializer_class = s.EventSerializer
    queryset = Event.objects.none()

    def get(self, request, *args, **kwargs):
        return Response(s.EventSerializer(self.get_event()).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="events_registrations_list", tags=TAGS,
        summary="Registrations: all of them for staff, the caller's own for owners",
        responses={200: s.RegistrationSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        operation_id="events_registrations_create", tags=TAGS, summary="Register (owner)",
        description="Confirmed while places last; then on the waitlist (`waitlist`: true, "
        "the default) or 409 `full`. Capacity holds under concurrent registrations.",
        request=s.RegisterSerializer,
        responses={201: s.OwnRegistrationSerializer, 400: BAD_INPUT, 404: NOT_FOUND,
                   409: CONFLICT},
    ),
    delete=extend_schema(
        operation_id="events_registrations_cancel", tags=TAGS,
        summary="Cancel the caller's own registration",
        description="A freed place goes to the waitlist at once.",
        responses={200: s.OwnRegistrationSerializer, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class RegistrationsView(EventAPIMixin, generics.GenericAPIView):
    serializer_class = s.RegisterSerializer
    queryset = Registration.objects.none()
    pagination_class = None

    def _mine(self, event):
        if not self.access.residencies:
            return None
        return Registration.objects.filter(
            organization=self.organization, event=event, user_id=actor_id(self.access),
            status__in=Registration.ACTIVE,
        ).first()

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        if covers(self.access, event):
            registrations = list(selectors.registrations_of(event).exclude(
                status=Registration.Status.CANCELLED))
            waiting = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
            positions = {r.pk: index for index, r in enumerate(waiting, start=1)}
            data = s.RegistrationSerializer(registrations, many=True,
                                            context={"positions": positions}).data
            return Response(data)
        mine = self._mine(event)
        if mine is None:
            return Response([])
        return Response([self._own(mine)])

    def _own(self, registration):
        registration = selectors.registrations_of(registration.event).get(pk=registration.pk)
        positions = {registration.pk: waitlist_position(registration)}
        return s.OwnRegistrationSerializer(registration, context={"positions": positions}).data

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        if not self.access.residencies:
            raise Http404
        form = s.RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        registration = registration_create(access=self.access, event=event, **form.validated_data)
        return Response(self._own(registration), status=status.HTTP_201_CREATED)

    def delete(self, request, *args, **kwargs):
        event = self.get_event()
        mine = self._mine(event)
        if mine is None:
            raise Http404
        registration = registration_cancel(access=self.access, registration=mine)
        return Response(self._own(registration))


@extend_schema_view(post=extend_schema(
    operation_id="events_check_in", tags=TAGS, summary="Check someone in (staff)",
    description="By the code from the owner's QR (`token`) or by `registration` id. "
    "Checking in twice changes nothing: `already` is true the second time.",
    request=s.CheckInSerializer,
    responses={200: s.CheckInResultSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
))
class CheckInView(EventAPIMixin, generics.GenericAPIView):
    serializer_class = s.CheckInSerializer
    queryset = Registration.objects.none()
    minimum_role = "staff"

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        if not covers(self.access, event):
            raise Http404
        form = s.CheckInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if form.validated_data.get("registration"):
            result = checkin_registration(access=self.access, event=event,
                                          registration_id=form.validated_data["registration"])
        else:
            result = checkin_by_token(access=self.access, event=event,
                                      token=form.validated_data["token"])
        registration = selectors.registrations_of(event).get(pk=result.registration.pk)
        return Response({"already": result.already,
                         "registration": s.RegistrationSerializer(registration).data})
