"""Ticket API views: parse, call a service or selector, answer (DESIGN §3, §7).

Who may do what is decided by the services (:mod:`tickets.services.rules`); the views add the
404 wall: a ticket is looked up through :func:`tickets.selectors.ticket_get_for`, so one
outside the caller's reach does not exist for them.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api.base import OrgScopedListAPIView, OrgScopedMixin

from .. import services
from ..faq import faq_match
from ..memory import remembered_list
from ..models import (
    Attachment,
    CannedResponse,
    Category,
    FaqEntry,
    Team,
    TeamMember,
    Ticket,
    TimelineEntry,
)
from ..selectors import (
    QUEUE_VIEWS,
    ticket_get_for,
    ticket_list_for,
    ticket_queue,
    ticket_rows,
    timeline_for,
)
from ..services.attachments import attachments_add
from . import serializers as s
from .errors import TicketErrorsMixin
from .filters import TicketFilter
from .throttling import WriteThrottled

TAGS = ["tickets"]

_ERROR = inline_serializer(
    "TicketConflict", {"detail": serializers.CharField(), "code": serializers.CharField()}
)
BAD_INPUT = OpenApiResponse(
    description="Invalid input or a rule of the ticket's lifecycle: messages by field (or "
    "`non_field_errors`) in the caller's language."
)
NOT_FOUND = OpenApiResponse(description="No such ticket, or not within the caller's reach.")
CONFLICT = OpenApiResponse(
    _ERROR, description="Lost a race: someone else changed the ticket first (e.g. accepted)."
)


class TicketAPIMixin(TicketErrorsMixin, WriteThrottled, OrgScopedMixin):
    def get_ticket(self) -> Ticket:
        return ticket_get_for(access=self.access, number=self.kwargs["number"])

    def answer(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        # Read again with its relations: the services hand back a locked copy without them.
        fresh = ticket_get_for(access=self.access, number=ticket.number)
        return Response(s.TicketSerializer(fresh, context=self.get_serializer_context()).data,
                        status=code)


# --- Tickets ------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="tickets_list", tags=TAGS,
        summary="Tickets: an owner's requests, or the staff queue",
        description="Owners see their units' tickets and those they filed; staff the tickets "
        "of the properties they cover, filtered like the queue page. Newest first.",
    ),
    post=extend_schema(
        operation_id="tickets_create", tags=TAGS, summary="Submit a request",
        description="An owner submits for one of their units (`unit`) or a common area "
        "(`property` and/or `asset`) of their property. Staff file for an owner who phoned "
        "or came by by giving `requester` and `channel`.",
        request=s.TicketCreateSerializer,
        responses={201: s.TicketSerializer, 400: BAD_INPUT},
    ),
)
class TicketListView(TicketAPIMixin, generics.ListCreateAPIView):
    serializer_class = s.TicketListSerializer
    queryset = Ticket.objects.none()  # the model, for the schema; never evaluated
    filterset_class = TicketFilter
    ordering = "-number"  # unique within the organisation: a stable cursor

    def get_queryset(self):
        view = self.request.query_params.get("view")
        if self.access.is_staff and view in QUEUE_VIEWS:
            tickets = ticket_queue(access=self.access, view=view)
        else:
            tickets = ticket_list_for(access=self.access)
        # Rows of the listed columns, names of relations in the same query: building 50 model
        # instances with 7 related ones each cost more CPU than the whole SQL (issue #9).
        return ticket_rows(tickets, s.LIST_COLUMNS)

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.TicketCreateSerializer
        return s.TicketListSerializer

    def list(self, request, *args, **kwargs):
        # Remembered until a ticket of the organisation or the caller's access changes.
        data = remembered_list(
            request, self.organization.pk, lambda: super(TicketListView, self).list(
                request, *args, **kwargs).data,
        )
        return Response(data)

    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        requester, channel = data.pop("requester", None), data.pop("channel", None)
        if requester is not None:
            ticket = services.ticket_file_for_owner(
                access=self.access, requester=requester, channel=channel, **data
            )
        elif self.access.residencies:
            ticket = services.ticket_submit(access=self.access, **data)
        else:
            raise serializers.ValidationError(
                {"requester": [_("Choose the owner this ticket is for.")]}, code="required"
            )
        return self.answer(ticket, status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(operation_id="tickets_retrieve", tags=TAGS, summary="A ticket",
                      responses={200: s.TicketSerializer, 404: NOT_FOUND}),
    patch=extend_schema(
        operation_id="tickets_partial_update", tags=TAGS,
        summary="Change priority, category or who handles a ticket (staff)",
        description="Each change goes through its service, recomputes the SLA where it "
        "applies and is recorded on the timeline; all of them or none.",
        request=s.TicketUpdateSerializer,
        responses={200: s.TicketSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class TicketDetailView(TicketAPIMixin, generics.GenericAPIView):
    serializer_class = s.TicketSerializer
    queryset = Ticket.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    def get_minimum_role(self):
        return "staff" if self.request.method == "PATCH" else "resident"

    def get_serializer_class(self):
        if self.request.method == "PATCH":
            return s.TicketUpdateSerializer
        return s.TicketSerializer

    def get(self, request, *args, **kwargs):
        return Response(s.TicketSerializer(self.get_ticket()).data)

    def patch(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data, access = form.validated_data, self.access
        reason = data.get("reason", "")
        with transaction.atomic():  # several changes: all of them or none
            if "priority" in data:
                ticket = services.ticket_change_priority(
                    access=access, ticket=ticket, priority=data["priority"], reason=reason
                )
            if "category" in data:
                ticket = services.ticket_change_category(
                    access=access, ticket=ticket, category=data["category"], reason=reason
                )
            if "assignee" in data or "team" in data:
                ticket = services.ticket_assign(
                    access=access, ticket=ticket, assignee=data.get("assignee"),
                    team=data.get("team"),
                )
        return self.answer(ticket)


# --- Actions on a ticket ------------------------------------------------------------------


class _TicketActionView(TicketAPIMixin, generics.GenericAPIView):
    queryset = Ticket.objects.none()

    def act(self, ticket: Ticket, data: dict) -> Ticket:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self.answer(self.act(ticket, form.validated_data))


def _action_schema(operation_id: str, summary: str, description: str, request):
    return extend_schema(
        operation_id=operation_id, tags=TAGS, summary=summary, description=description,
        request=request,
        responses={200: s.TicketSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    )


@extend_schema_view(post=_action_schema(
    "tickets_transition", "Move a ticket along its lifecycle",
    "Staff accept (受理), start, wait on the owner (with a reason), resolve; owners cancel "
    "before work starts, confirm (close) or reopen within the reopen window. Two staff "
    "accepting at once: one wins, the other gets 409.",
    s.TransitionSerializer,
))
class TicketTransitionView(_TicketActionView):
    serializer_class = s.TransitionSerializer

    def act(self, ticket, data):
        return services.ticket_transition(
            access=self.access, ticket=ticket, to=data["to"], reason=data["reason"]
        )


@extend_schema_view(post=_action_schema(
    "tickets_assign", "Assign a ticket to a person and/or a team (staff)",
    "A person must cover the ticket's property; a team alone hands the ticket to the team.",
    s.AssignSerializer,
))
class TicketAssignView(_TicketActionView):
    serializer_class = s.AssignSerializer
    minimum_role = "staff"

    def act(self, ticket, data):
        return services.ticket_assign(
            access=self.access, ticket=ticket, assignee=data.get("assignee"),
            team=data.get("team"),
        )


@extend_schema_view(post=_action_schema(
    "tickets_rate", "Rate a resolved ticket (owners)",
    "1 to 5 stars and an optional comment, once, after the ticket is resolved.",
    s.RateSerializer,
))
class TicketRateView(_TicketActionView):
    serializer_class = s.RateSerializer

    def act(self, ticket, data):
        return services.ticket_rate(
            access=self.access, ticket=ticket, rating=data["rating"], comment=data["comment"]
        )


# --- Comments and attachments -------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="ticket_comments_list", tags=TAGS, summary="Replies on a ticket",
        description="Public replies; staff also see internal notes (`internal`: true).",
        responses={200: s.CommentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        operation_id="ticket_comments_create", tags=TAGS,
        summary="Reply, or add an internal note (staff)",
        description="A staff reply is the first response if none came before; an owner's "
        "reply to a ticket waiting on them puts it back in progress.",
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    ),
)
class TicketCommentsView(TicketAPIMixin, generics.ListCreateAPIView):
    serializer_class = s.CommentSerializer
    queryset = TimelineEntry.objects.none()
    ordering = "id"  # oldest first, as a conversation reads

    def get_queryset(self):
        ticket = self.get_ticket()
        return timeline_for(access=self.access, ticket=ticket).filter(
            kind__in=[TimelineEntry.Kind.COMMENT, TimelineEntry.Kind.INTERNAL_NOTE]
        )

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.CommentCreateSerializer
        return s.CommentSerializer

    def create(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        entry = services.ticket_comment(
            access=self.access, ticket=ticket, body=form.validated_data["body"],
            internal=form.validated_data["internal"],
        )
        return Response(s.CommentSerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="ticket_attachments_list", tags=TAGS, summary="Photos and files of a ticket",
        description="Owners see the public ones; staff all. `url` and `thumbnail_url` are "
        "the access-checked download pages.",
        responses={200: s.AttachmentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        operation_id="ticket_attachments_create", tags=TAGS, summary="Add photos",
        description="Multipart upload of up to 9 `photos` (JPEG, PNG or HEIC, 10 MB each; "
        "staff may also send PDF). Images are re-encoded upright without their metadata "
        "(GPS). One bad file refuses the lot.",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    ),
)
class TicketAttachmentsView(TicketAPIMixin, generics.ListCreateAPIView):
    serializer_class = s.AttachmentSerializer
    queryset = Attachment.objects.none()
    parser_classes = [MultiPartParser, FormParser]
    ordering = "id"

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.AttachmentUploadSerializer
        return s.AttachmentSerializer

    def create(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        added = attachments_add(
            access=self.access, ticket=ticket, uploads=form.validated_data["photos"],
            is_public=not form.validated_data["internal"],
        )
        context = self.get_serializer_context()
        return Response(s.AttachmentSerializer(added, many=True, context=context).data,
                        status=status.HTTP_201_CREATED)

    def get_queryset(self):
        ticket = self.get_ticket()
        attachments = Attachment.objects.filter(
            organization_id=ticket.organization_id, ticket=ticket
        ).select_related("uploaded_by")
        if not (self.access.is_staff and self.access.covers_property(ticket.property_id)):
            attachments = attachments.filter(is_public=True)
        return attachments


# --- Reference lists ----------------------------------------------------------------------


@extend_schema_view(get=extend_schema(
    operation_id="ticket_categories_list", tags=TAGS, summary="Categories to choose from"
))
class CategoryListView(TicketErrorsMixin, OrgScopedListAPIView):
    serializer_class = s.CategorySerializer
    queryset = Category.objects.none()
    pagination_class = None  # a handful per organisation

    def get_queryset(self):
        return Category.objects.filter(is_active=True).order_by("sort_order", "name")


@extend_schema_view(get=extend_schema(
    operation_id="ticket_faq_list", tags=TAGS, summary="Answers to common questions",
    description="Published entries; with `q` (what the owner is typing), the best "
    "matches first.",
    parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="What the owner typed.")],
))
class FaqListView(TicketErrorsMixin, OrgScopedListAPIView):
    serializer_class = s.FaqEntrySerializer
    queryset = FaqEntry.objects.none()
    pagination_class = None
    limit = 10

    def get_queryset(self):
        text = self.request.query_params.get("q", "").strip()
        if text:
            return faq_match(organization=self.organization, text=text, limit=self.limit)
        return FaqEntry.objects.filter(is_published=True).order_by("sort_order", "question")[
            : self.limit
        ]


@extend_schema_view(get=extend_schema(
    operation_id="ticket_canned_responses_list", tags=TAGS,
    summary="Ready replies for staff, with placeholders",
))
class CannedResponseListView(TicketErrorsMixin, OrgScopedListAPIView):
    serializer_class = s.CannedResponseSerializer
    queryset = CannedResponse.objects.none()
    minimum_role = "staff"
    pagination_class = None

    def get_queryset(self):
        return CannedResponse.objects.filter(is_active=True).order_by("title")


@extend_schema_view(get=extend_schema(
    operation_id="ticket_teams_list", tags=TAGS, summary="Teams with their lead and members"
))
class TeamListView(TicketErrorsMixin, OrgScopedListAPIView):
    serializer_class = s.TeamSerializer
    queryset = Team.objects.none()
    minimum_role = "staff"
    pagination_class = None

    def get_queryset(self):
        members = TeamMember.objects.select_related("user").order_by("user__full_name")
        return (
            Team.objects.filter(is_active=True).select_related("lead")
            .prefetch_related(Prefetch("memberships", queryset=members)).order_by("name")
        )

