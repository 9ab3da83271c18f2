"""Notice and disclosure API under /api/v1/orgs/<slug>/ (DESIGN §7): the same services and
selectors as the pages; anything outside the caller's reach is a 404."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from portal.api import fields as api_fields
from portal.api.base import OrgScopedMixin
from portal.api.fields import PlausibleDateTimeField
from portal.tenancy.models import Building, Property, Unit

from .markdown import to_html
from .models import DisclosurePublication, Notice, NoticeReceipt
from .models.notice import Category, Status
from .selectors import (
    disclosure_publications_for,
    notice_get_for_staff,
    owner_feed,
    receipt_get_for_owner,
    receipts_for_list,
    staff_notices,
)
from .services import (
    notice_acknowledge,
    notice_create,
    notice_mark_read,
    notice_publish,
    notice_update,
)

TAGS = ["notices"]


@extend_schema_field(OpenApiTypes.INT)
class OrgScopedPrimaryKeyRelatedField(api_fields.OrgScopedPrimaryKeyRelatedField):
    """An id in the schema (the queryset is only known per request)."""
BAD_INPUT = OpenApiResponse(description="Invalid input: messages by field.")
NOT_FOUND = OpenApiResponse(description="No such notice, or not within the caller's reach.")


def _drf(error: ValidationError) -> DRFValidationError:
    if hasattr(error, "error_dict"):
        return DRFValidationError({k: [str(m) for e in v for m in e.messages]
                                   for k, v in error.error_dict.items()})
    return DRFValidationError({"non_field_errors": [str(m) for m in error.messages]})


class NoticeSerializer(serializers.ModelSerializer):
    body_html = serializers.SerializerMethodField()
    read_at = serializers.SerializerMethodField()
    acknowledged_at = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "body_html", "category", "status", "pinned",
                  "whole_organization", "ack_required", "ack_deadline", "publish_at",
                  "published_at", "expires_at", "version", "content_updated_at", "read_at",
                  "acknowledged_at"]
        read_only_fields = fields

    def get_body_html(self, notice) -> str:
        return to_html(notice.body)

    def _receipt(self, notice):
        return self.context.get("receipts", {}).get(notice.pk)

    def get_read_at(self, notice) -> str | None:
        receipt = self._receipt(notice)
        return receipt.read_at.isoformat() if receipt and receipt.read_at else None

    def get_acknowledged_at(self, notice) -> str | None:
        receipt = self._receipt(notice)
        return receipt.acknowledged_at.isoformat() if receipt and receipt.acknowledged_at \
            else None



class NoticeWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices, default=Category.GENERAL)
    whole_organization = serializers.BooleanField(default=False)
    properties = OrgScopedPrimaryKeyRelatedField(
        scope=lambda access: Property.objects.all(), many=True, required=False)
    buildings = OrgScopedPrimaryKeyRelatedField(
        scope=lambda access: Building.objects.all(), many=True, required=False)
    units = OrgScopedPrimaryKeyRelatedField(
        scope=lambda access: Unit.objects.all(), many=True, required=False)
    pinned = serializers.BooleanField(default=False)
    ack_required = serializers.BooleanField(default=False)
    ack_deadline = PlausibleDateTimeField(required=False, allow_null=True)
    expires_at = PlausibleDateTimeField(required=False, allow_null=True)
    publish = serializers.BooleanField(default=False, help_text="Publish at once.")
    publish_at = PlausibleDateTimeField(required=False, allow_null=True,
                                           help_text="Schedule publication.")
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def service_fields(self) -> dict:
        data = self.validated_data
        return {
            "title": data["title"], "body": data["body"], "category": data["category"],
            "whole_organization": data["whole_organization"],
            "property_ids": [p.pk for p in data.get("properties", [])],
            "building_ids": [b.pk for b in data.get("buildings", [])],
            "unit_ids": [u.pk for u in data.get("units", [])], "pinned": data["pinned"],
            "ack_required": data["ack_required"], "ack_deadline": data.get("ack_deadline"),
            "expires_at": data.get("expires_at"),
        }


class ReceiptSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name")
    building = serializers.CharField(source="unit.building.name", default="")
    unit = serializers.CharField(source="unit.number", default="")

    class Meta:
        model = NoticeReceipt
        fields = ["id", "name", "building", "unit", "delivered_at", "channel", "read_at",
                  "acknowledged_at", "paper_delivered_at"]


class NoticeAPIMixin(OrgScopedMixin):
    def notices(self):
        if self.access.is_staff:
            return staff_notices(access=self.access)
        return Notice.objects.filter(
            pk__in=owner_feed(access=self.access).values("notice_id"))

    def receipts_of(self, notices) -> dict:
        if self.access.is_staff:
            return {}
        return {r.notice_id: r for r in NoticeReceipt.objects.filter(
            organization=self.organization, user=self.request.user,
            notice_id__in=[n.pk for n in notices])}

    def save(self, notice=None):
        form = NoticeWriteSerializer(data=self.request.data,
                                     context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        try:
            if notice is None:
                notice = notice_create(access=self.access, **form.service_fields())
            else:
                notice = notice_update(access=self.access, notice=notice,
                                       change_note=form.validated_data.get("change_note", ""),
                                       **form.service_fields())
            if form.validated_data.get("publish") or form.validated_data.get("publish_at"):
                notice = notice_publish(access=self.access, notice=notice,
                                        publish_at=form.validated_data.get("publish_at"))
        except ValidationError as error:
            raise _drf(error) from error
        except PermissionDenied as error:
            raise Http404 from error
        notice = Notice.objects.get(pk=notice.pk)
        return notice


@extend_schema_view(
    get=extend_schema(operation_id="notices_list", tags=TAGS, summary="Notices",
                      description="Owners: the current notices sent to them, pinned first. "
                      "Staff: the notices of the properties they cover."),
    post=extend_schema(operation_id="notices_create", tags=TAGS, summary="Create a notice",
                       description="Managers: a draft, published at once with `publish` or "
                       "scheduled with `publish_at`.", request=NoticeWriteSerializer,
                       responses={201: NoticeSerializer, 400: BAD_INPUT}),
)
class NoticeListView(NoticeAPIMixin, generics.ListCreateAPIView):
    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()
    ordering = "-pk"

    def get_minimum_role(self):
        return "manager" if self.request.method == "POST" else "resident"

    def get_queryset(self):
        notices = self.notices()
        if not self.access.is_staff:
            notices = notices.filter(status=Status.PUBLISHED)
        return notices

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "receipts": self.receipts_of(page)}
        return self.get_paginated_response(NoticeSerializer(page, many=True,
                                                            context=context).data)

    def create(self, request, *args, **kwargs):
        notice = self.save()
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(operation_id="notices_retrieve", tags=TAGS, summary="A notice",
                      description="Reading it as a recipient records the first read.",
                      responses={200: NoticeSerializer, 404: NOT_FOUND}),
    patch=extend_schema(operation_id="notices_update", tags=TAGS, summary="Edit a notice",
                        description="Managers. Editing a published notice makes a new "
                        "version.", request=NoticeWriteSerializer,
                        responses={200: NoticeSerializer, 400: BAD_INPUT, 404: NOT_FOUND}),
)
class NoticeDetailView(NoticeAPIMixin, generics.GenericAPIView):
    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()

    def get_minimum_role(self):
        return "manager" if self.request.method == "PATCH" else "resident"

    def get(self, request, pk, **kwargs):
        if self.access.is_staff:
            notice = notice_get_for_staff(access=self.access, pk=pk)
            receipts = {}
        else:
            receipt = receipt_get_for_owner(access=self.access, pk=pk)
            notice = receipt.notice
            notice_mark_read(access=self.access, notice=notice)
            receipt.refresh_from_db()
            receipts = {notice.pk: receipt}
        return Response(NoticeSerializer(notice, context={"receipts": receipts}).data)

    def patch(self, request, pk, **kwargs):
        notice = self.save(notice_get_for_staff(access=self.access, pk=pk))
        return Response(NoticeSerializer(notice).data)


@extend_schema_view(post=extend_schema(
    operation_id="notices_ack", tags=TAGS, summary="Acknowledge a notice", request=None,
    responses={200: NoticeSerializer, 400: BAD_INPUT, 404: NOT_FOUND}))
class NoticeAckView(NoticeAPIMixin, generics.GenericAPIView):
    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()

    def post(self, request, pk, **kwargs):
        receipt = receipt_get_for_owner(access=self.access, pk=pk)
        try:
            receipt = notice_acknowledge(access=self.access, notice=receipt.notice)
        except ValidationError as error:
            raise _drf(error) from error
        return Response(NoticeSerializer(receipt.notice,
                                         context={"receipts": {receipt.notice_id: receipt}}).data)


@extend_schema_view(get=extend_schema(
    operation_id="notices_receipts", tags=TAGS, summary="Receipts of a notice (proof of "
    "delivery)", description="Managers: who received it when, on which channels, read and "
    "acknowledged when, delivered on paper when."))
class NoticeReceiptsView(NoticeAPIMixin, generics.ListAPIView):
    minimum_role = "manager"
    serializer_class = ReceiptSerializer
    queryset = NoticeReceipt.objects.none()
    ordering = "pk"

    def get_queryset(self):
        notice = notice_get_for_staff(access=self.access, pk=self.kwargs["pk"])
        return receipts_for_list(notice=notice, access=self.access).order_by("pk")


class DisclosureSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.title", read_only=True)
    kind = serializers.CharField(source="item.kind", read_only=True)
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = DisclosurePublication
        fields = ["id", "item", "kind", "period", "version", "body_html", "change_note",
                  "corrects", "published_at"]
        # The register is read through the API only; publications change through services.
        read_only_fields = fields

    def get_body_html(self, publication) -> str:
        return to_html(publication.body)


@extend_schema_view(get=extend_schema(
    operation_id="disclosures_list", tags=TAGS, summary="The disclosure register (公示)",
    description="Published disclosures the caller may read, newest first; corrections are "
    "new versions of the same item and period."))
class DisclosureListView(OrgScopedMixin, generics.ListAPIView):
    serializer_class = DisclosureSerializer
    queryset = DisclosurePublication.objects.none()
    ordering = "-pk"

    def get_queryset(self):
        return disclosure_publications_for(access=self.access)


