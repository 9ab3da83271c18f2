"""The API about the caller: API tokens (``/api/v1/auth/token/``) and ``/api/v1/me/``."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from portal.api import services as api_services
from portal.api.base import UserAPIView
from portal.tenancy.models import Membership, Residency

from . import services
from .models import User

# --- Tokens ------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Phone number or email"), max_length=254)
    password = serializers.CharField(
        label=_("Password"), trim_whitespace=False, write_only=True,
        style={"input_type": "password"},
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


_LOCKED_OUT = inline_serializer(
    "TokenLockedOut", {"detail": serializers.CharField(), "code": serializers.CharField()}
)


class AuthTokenView(UserAPIView):
    """Obtain (POST) or revoke (DELETE) the caller's API token.

    Errors come in the language of the ``Accept-Language`` header: the account's saved
    language is not used before the password is checked, since answering in it would tell a
    stranger that the account exists.
    """

    serializer_class = TokenRequestSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_authenticators(self):
        # Obtaining a token needs no credentials; a stale token sent along must not turn a
        # fresh sign-in into 401. (No request yet while the schema is generated.)
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        summary="Obtain an API token",
        description=(
            "Sign in with a phone number (any usual spelling) or an email address (any case) "
            "and the password. Send the token as `Authorization: Token <token>`. Errors are in "
            "the language of `Accept-Language`."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Missing fields, or phone/email and password "
                                 "do not match (`non_field_errors`)."),
            429: OpenApiResponse(
                _LOCKED_OUT,
                description=(
                    f"After {settings.AXES_FAILURE_LIMIT} failed attempts the account is "
                    "locked for this address (`code`: `locked_out`, `Retry-After` header), "
                    "or the caller is throttled (no `code`)."
                ),
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            token = api_services.token_obtain(
                request=request,
                username=form.validated_data["username"],
                password=form.validated_data["password"],
            )
        except api_services.LockedOut as error:
            headers = {}
            if error.retry_after_seconds is not None:
                headers["Retry-After"] = str(error.retry_after_seconds)
            return Response(
                {"detail": str(error), "code": "locked_out"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers=headers,
            )
        except api_services.InvalidCredentials as error:
            raise ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [str(error)]}, code="invalid_login"
            ) from None
        return Response(TokenSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        summary="Revoke the caller's API token",
        description="Signs every device that uses the token out of the API.",
        request=None,
        responses={204: None},
    )
    def delete(self, request, *args, **kwargs):
        api_services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Me ----------------------------------------------------------------------------------


class MePlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeOrganizationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class MeMembershipSerializer(serializers.Serializer):
    organization = MeOrganizationSerializer()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    all_properties = serializers.SerializerMethodField(
        help_text="True when every property of the organisation, including future ones, is in "
        "scope (administrators always); `property_ids` then lists nothing."
    )
    property_ids = serializers.SerializerMethodField()

    def get_all_properties(self, membership) -> bool:
        return membership.all_properties or membership.is_admin

    def get_property_ids(self, membership) -> list[int]:
        if self.get_all_properties(membership):
            return []
        return sorted(p.pk for p in membership.properties.all())


class MeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    floor = serializers.IntegerField(allow_null=True)
    area = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class MeResidencySerializer(serializers.Serializer):
    organization = serializers.SlugField(source="organization.slug")
    property = MePlaceSerializer(source="unit.property")
    building = MePlaceSerializer(source="unit.building")
    unit = MeUnitSerializer()
    relation = serializers.ChoiceField(choices=Residency.Relation.choices)
    verified = serializers.BooleanField(source="is_verified")


class MeUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "email", "phone", "language", "large_text"]
        read_only_fields = ["id", "email", "phone"]


class MeSerializer(serializers.Serializer):
    user = MeUserSerializer()
    memberships = MeMembershipSerializer(many=True)
    residencies = MeResidencySerializer(many=True)


class MeUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["full_name", "language", "large_text"]


class MeView(UserAPIView):
    """The caller, their staff memberships and their homes, across organisations."""

    serializer_class = MeSerializer

    def _payload(self, user):
        # A person's own memberships and residencies span organisations by design.
        # Three queries whatever their number: memberships (+ their properties), residencies.
        with scopes_disabled():
            memberships = list(
                Membership.objects.filter(
                    user=user, is_active=True, organization__is_active=True
                )
                .select_related("organization")
                .prefetch_related("properties")
                .order_by("organization__name")
            )
            residencies = list(
                Residency.objects.filter(
                    user=user, is_active=True, organization__is_active=True
                )
                .select_related("organization", "unit__building", "unit__property")
                .order_by("organization__name", "unit__property__name", "unit__building__name",
                          "unit__number")
            )
        return MeSerializer(
            {"user": user, "memberships": memberships, "residencies": residencies}
        ).data

    @extend_schema(operation_id="me_retrieve", tags=["me"], responses={200: MeSerializer})
    def get(self, request, *args, **kwargs):
        return Response(self._payload(request.user))

    @extend_schema(
        operation_id="me_partial_update",
        tags=["me"],
        description="Change the caller's name, language or large-text preference.",
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
    )
    def patch(self, request, *args, **kwargs):
        user = request.user
        form = MeUpdateSerializer(user, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = form.validated_data
        services.user_update_preferences(
            user=user,
            full_name=changes.get("full_name", user.full_name),
            language=changes.get("language", user.language),
            large_text=changes.get("large_text", user.large_text),
        )
        return Response(self._payload(user))
