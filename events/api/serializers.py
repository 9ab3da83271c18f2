from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import Event, Registration


class EventSerializer(serializers.ModelSerializer):
    people_confirmed = serializers.IntegerField(read_only=True)
    waitlisted = serializers.IntegerField(read_only=True)
    seats_left = serializers.SerializerMethodField()
    time_zone = serializers.CharField(source="organization.time_zone", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id", "title", "description", "status", "property", "building", "starts_at",
            "ends_at", "time_zone", "place", "capacity", "max_party_size",
            "registration_opens_at", "registration_closes_at", "price_text",
            "people_confirmed", "waitlisted", "seats_left",
        ]
        read_only_fields = fields

    def get_seats_left(self, event) -> int:
        return max(event.capacity - (event.people_confirmed or 0), 0)


class RegistrationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name", read_only=True)
    unit_label = serializers.CharField(source="unit.__str__", read_only=True, default="")
    waitlist_position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["id", "event", "user", "name", "unit", "unit_label", "party_size", "status",
                  "waitlist_position", "created_at", "checked_in_at"]
        read_only_fields = fields

    def get_waitlist_position(self, registration) -> int | None:
        return self.context.get("positions", {}).get(registration.pk)


class OwnRegistrationSerializer(RegistrationSerializer):
    """The caller's own registration, with the code for the door."""

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "checkin_token"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    party_size = serializers.IntegerField(min_value=1, default=1)
    waitlist = serializers.BooleanField(
        default=True, help_text="Join the waitlist when the event is full (else 409)."
    )


class CancelSerializer(serializers.Serializer):
    pass


class CheckInSerializer(serializers.Serializer):
    token = serializers.CharField(required=False, allow_blank=True, max_length=200)
    registration = serializers.IntegerField(required=False)

    def validate(self, data):
        if not data.get("token") and not data.get("registration"):
            raise serializers.ValidationError(
                {"token": [_("Scan or type the code shown on the phone.")]}
            )
        return data


class CheckInResultSerializer(serializers.Serializer):
    already = serializers.BooleanField()
    registration = RegistrationSerializer()
