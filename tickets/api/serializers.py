"""What the ticket API reads and writes. Serializers only shape data: the rules are in
:mod:`tickets.services`, and every writable relation is limited to the caller's organisation
and reach with :mod:`portal.api.fields`."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import fields as api_fields
from portal.api.fields import PlausibleDateTimeField
from portal.tenancy.access import Access
from portal.tenancy.models import Asset, Property, Unit

from ..models import (
    Attachment,
    CannedResponse,
    Category,
    Channel,
    FaqEntry,
    Priority,
    Status,
    Team,
    Ticket,
    TimelineEntry,
)
from ..services.submit import PROXY_CHANNELS


@extend_schema_field(OpenApiTypes.INT)
class OrgScopedPrimaryKeyRelatedField(api_fields.OrgScopedPrimaryKeyRelatedField):
    """An id, in the schema too (without a model serializer the type cannot be derived)."""


# --- Choices for writable relations, per caller -------------------------------------------


def _home_property_ids(access: Access) -> set[int]:
    return {residency.unit.property_id for residency in access.residencies}


def _reachable_properties(access: Access) -> Q:
    """Properties a ticket may be filed for: where the caller lives, or works."""
    if access.sees_all_properties:
        return Q()
    return Q(pk__in=_home_property_ids(access) | set(access.scoped_property_ids))


def units_for(access: Access):
    if access.sees_all_properties:
        return Unit.objects.all()
    return Unit.objects.filter(
        Q(pk__in=access.unit_ids) | Q(property_id__in=access.scoped_property_ids)
    )


def properties_for(access: Access):
    return Property.objects.filter(_reachable_properties(access))


def assets_for(access: Access):
    return Asset.objects.filter(property__in=properties_for(access))


def categories_for(access: Access):
    return Category.objects.filter(is_active=True)


def requesters_for(access: Access):
    """Residents a staff member may file for: verified in a property of their scope."""
    if not access.is_staff:
        return get_user_model().objects.none()
    homes = Q(
        residencies__organization=access.organization, residencies__is_active=True,
        residencies__verified_at__isnull=False,
    )
    if not access.sees_all_properties:
        homes &= Q(residencies__unit__property_id__in=access.scoped_property_ids)
    return get_user_model().objects.filter(homes).distinct()


def staff_for(access: Access):
    return get_user_model().objects.filter(
        memberships__organization=access.organization, memberships__is_active=True
    )


def teams_for(access: Access):
    return Team.objects.filter(is_active=True)


# --- References inside answers ------------------------------------------------------------


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CategoryRefSerializer(NamedRefSerializer):
    kind = serializers.ChoiceField(choices=Category.Kind.choices)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    building = serializers.CharField(source="building.name")


# --- Tickets ------------------------------------------------------------------------------

_LIST_FIELDS = [
    "number", "title", "status", "status_label", "priority", "priority_label", "channel",
    "category", "property", "unit", "asset", "requester", "assignee", "team",
    "created_at", "updated_at", "first_response_due_at", "resolution_due_at", "next_due_at",
    "first_response_breached_at", "resolution_breached_at", "paused_at",
    "first_responded_at", "accepted_at", "resolved_at", "closed_at", "cancelled_at",
    "rating", "is_recurring",
]


class _TicketFieldsSerializer(serializers.ModelSerializer):
    """The fields every ticket answer has, declared once (the schema reads them from here)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    category = CategoryRefSerializer(read_only=True)
    property = NamedRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    asset = NamedRefSerializer(read_only=True, allow_null=True)
    requester = PersonRefSerializer(read_only=True)
    assignee = PersonRefSerializer(read_only=True, allow_null=True)
    team = NamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = _LIST_FIELDS
        read_only_fields = _LIST_FIELDS


# The list reads these columns only (tickets.selectors.ticket_rows): one query, no model
# instances, the names of relations looked up in it.
LIST_COLUMNS = (
    "number", "title", "status", "priority", "channel",
    "category_id", "category__name", "category__kind", "property_id", "property__name",
    "unit_id", "unit__number", "unit__building__name", "asset_id", "asset__name",
    "requester_id", "requester__full_name", "assignee_id", "assignee__full_name",
    "team_id", "team__name",
    "created_at", "updated_at", "first_response_due_at", "resolution_due_at", "next_due_at",
    "first_response_breached_at", "resolution_breached_at", "paused_at",
    "first_responded_at", "accepted_at", "resolved_at", "closed_at", "cancelled_at",
    "rating", "is_recurring",
)
_DATETIMES = (
    "created_at", "updated_at", "first_response_due_at", "resolution_due_at", "next_due_at",
    "first_response_breached_at", "resolution_breached_at", "paused_at",
    "first_responded_at", "accepted_at", "resolved_at", "closed_at", "cancelled_at",
)


def _iso(value, zone) -> str | None:
    """What DRF's DateTimeField answers (ISO 8601 in the current time zone, "Z" for UTC)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class _TicketRowsSerializer(serializers.ListSerializer):
    """Shapes every row of a page with plain dict work: labels are translated once per page,
    the time zone read once, and no serializer field runs per row (the queue API's CPU went
    to nested serializers building 50 × 8 objects)."""

    def __init__(self, *args, **kwargs):
        # Instantiable alone too (tests/security/test_relation_fields walks every serializer).
        kwargs.setdefault("child", TicketListSerializer())
        super().__init__(*args, **kwargs)

    @property
    def fields(self):
        """The fields of one row, for code that walks serializers' fields."""
        return self.child.fields

    def to_representation(self, data):
        zone = timezone.get_current_timezone()
        statuses = {value: str(label) for value, label in Status.choices}
        priorities = {value: str(label) for value, label in Priority.choices}
        return [_row(row, zone, statuses, priorities) for row in data]


def _row(row: dict, zone, statuses: dict, priorities: dict) -> dict:
    unit_id, asset_id = row["unit_id"], row["asset_id"]
    assignee_id, team_id = row["assignee_id"], row["team_id"]
    answer = {
        "number": row["number"],
        "title": row["title"],
        "status": row["status"],
        "status_label": statuses.get(row["status"], row["status"]),
        "priority": row["priority"],
        "priority_label": priorities.get(row["priority"], row["priority"]),
        "channel": row["channel"],
        "category": {"id": row["category_id"], "name": row["category__name"],
                     "kind": row["category__kind"]},
        "property": {"id": row["property_id"], "name": row["property__name"]},
        "unit": None if unit_id is None else {
            "id": unit_id, "number": row["unit__number"],
            "building": row["unit__building__name"],
        },
        "asset": None if asset_id is None else {"id": asset_id, "name": row["asset__name"]},
        "requester": {"id": row["requester_id"], "full_name": row["requester__full_name"]},
        "assignee": None if assignee_id is None else {
            "id": assignee_id, "full_name": row["assignee__full_name"],
        },
        "team": None if team_id is None else {"id": team_id, "name": row["team__name"]},
    }
    for name in _DATETIMES:
        answer[name] = _iso(row[name], zone)
    answer["rating"] = row["rating"]
    answer["is_recurring"] = row["is_recurring"]
    return answer


class TicketListSerializer(_TicketFieldsSerializer):
    """A ticket in a list: rows of ``LIST_COLUMNS`` (dicts), not model instances. The
    declared fields stay for the OpenAPI schema and describe exactly what ``_row`` writes
    (tests/tickets/test_api.py compares the list with the detail answer)."""

    class Meta(_TicketFieldsSerializer.Meta):
        list_serializer_class = _TicketRowsSerializer

    def to_representation(self, instance):
        return _row(
            instance, timezone.get_current_timezone(),
            {value: str(label) for value, label in Status.choices},
            {value: str(label) for value, label in Priority.choices},
        )


class TicketSerializer(_TicketFieldsSerializer):
    filed_by = PersonRefSerializer(read_only=True, allow_null=True)
    merged_into = serializers.IntegerField(
        source="merged_into.number", read_only=True, allow_null=True, default=None,
        help_text="The number of the ticket this duplicate was merged into.",
    )

    class Meta(_TicketFieldsSerializer.Meta):
        fields = _LIST_FIELDS + [
            "description", "preferred_visit_time", "preferred_visit_at", "filed_by",
            "reopen_count", "rating_comment", "rated_at", "merged_into",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    """An owner's request, or (with ``requester`` and ``channel``) one staff file for an
    owner who phoned or came by."""

    category = OrgScopedPrimaryKeyRelatedField(scope=categories_for)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    unit = OrgScopedPrimaryKeyRelatedField(scope=units_for, required=False, allow_null=True)
    property = OrgScopedPrimaryKeyRelatedField(
        scope=properties_for, required=False, allow_null=True,
        help_text="A common area of this property (instead of a unit).",
    )
    asset = OrgScopedPrimaryKeyRelatedField(
        scope=assets_for, required=False, allow_null=True,
        help_text="Equipment the request is about (a lift, a gate…).",
    )
    preferred_visit_time = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    preferred_visit_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)
    requester = OrgScopedPrimaryKeyRelatedField(
        scope=requesters_for, required=False, allow_null=True,
        help_text="Staff only: the owner this ticket is filed for.",
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False,
        help_text="Staff only, with requester: how the owner reached you ("
        + ", ".join(PROXY_CHANNELS) + ").",
    )

    def validate(self, attrs):
        if attrs.get("requester") is not None and not attrs.get("channel"):
            raise serializers.ValidationError(
                {"channel": _("Choose how the owner reached you.")}, code="required"
            )
        return attrs


class TicketUpdateSerializer(serializers.Serializer):
    """Staff changes beside the lifecycle; each is recorded on the timeline."""

    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = OrgScopedPrimaryKeyRelatedField(scope=categories_for, required=False)
    assignee = OrgScopedPrimaryKeyRelatedField(scope=staff_for, required=False)
    team = OrgScopedPrimaryKeyRelatedField(scope=teams_for, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionSerializer(serializers.Serializer):
    # A plain string checked by the service ("Unknown status."), so that the schema has one
    # enum of statuses, not a second one named after this field.
    to = serializers.CharField(
        max_length=20, help_text="The new status: " + ", ".join(Status.values) + "."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="Shown to the owner; required when waiting on the owner.",
    )


class AssignSerializer(serializers.Serializer):
    assignee = OrgScopedPrimaryKeyRelatedField(scope=staff_for, required=False, allow_null=True)
    team = OrgScopedPrimaryKeyRelatedField(scope=teams_for, required=False, allow_null=True)


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# --- Around a ticket ----------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(source="actor", read_only=True, allow_null=True)
    internal = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEntry
        fields = ["id", "body", "internal", "author", "created_at"]
        read_only_fields = fields

    def get_internal(self, entry) -> bool:
        return entry.kind == TimelineEntry.Kind.INTERNAL_NOTE


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(
        default=False, help_text="Staff only: an internal note the owner never sees."
    )


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = PersonRefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id", "original_name", "content_type", "size", "width", "height", "is_public",
            "uploaded_by", "created_at", "url", "thumbnail_url",
        ]
        read_only_fields = fields

    def _url(self, attachment, name: str) -> str:
        return reverse(
            f"tickets:{name}",
            kwargs={"org_slug": self.context["access"].organization.slug, "pk": attachment.pk},
        )

    def get_url(self, attachment) -> str:
        return self._url(attachment, "attachment")

    def get_thumbnail_url(self, attachment) -> str | None:
        return self._url(attachment, "attachment-thumb") if attachment.thumbnail else None


class AttachmentUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), min_length=1,
        help_text="Up to 9 files, each as a `photos` part.",
    )
    internal = serializers.BooleanField(
        default=False, help_text="Staff only: not shown to the owner."
    )


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "kind", "default_team"]
        read_only_fields = fields


class FaqEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = FaqEntry
        fields = ["id", "question", "answer", "category"]
        read_only_fields = fields


class CannedResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedResponse
        fields = ["id", "title", "body", "category"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    lead = PersonRefSerializer(read_only=True, allow_null=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "name", "lead", "members"]
        read_only_fields = fields

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_members(self, team):
        # "memberships__user" is prefetched by the view.
        return PersonRefSerializer(
            [membership.user for membership in team.memberships.all()], many=True
        ).data
