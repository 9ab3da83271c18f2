"""The votes API under /api/v1/orgs/<slug>/: votes, one vote, its ballots (owners cast with
POST, staff list them) and its tally. The same services and selectors as the pages."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from portal.api.base import OrgScopedAPIView, OrgScopedListAPIView, OrgScopedRetrieveAPIView
from portal.api.fields import OrgScopedPrimaryKeyRelatedField
from portal.tenancy.models import Unit

from . import tally
from .models import Ballot, Matter, Vote
from .selectors import tally_view
from .services import VoteConflict, VoteError, ballot_cast
from .services.rules import get_resident_vote, get_staff_vote, resident_votes, staff_votes

TAGS = ["votes"]


class MatterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Matter
        fields = ["id", "position", "title", "matter_class"]


class VoteSerializer(serializers.ModelSerializer):
    matters = MatterSerializer(many=True, read_only=True)
    property = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Vote
        fields = [
            "id", "property", "title", "description", "status", "announce_days",
            "announced_at", "opens_at", "closes_at", "closed_at", "matters", "result",
        ]


class BallotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ballot
        fields = ["id", "unit", "channel", "choices", "voter", "entered_by", "signed_by",
                  "created_at"]
        read_only_fields = fields  # output only; ballots are cast through CastSerializer


class CastSerializer(serializers.Serializer):
    unit = OrgScopedPrimaryKeyRelatedField(
        scope=lambda access: Unit.objects.filter(pk__in=access.unit_ids),
        pk_field=serializers.IntegerField(),
    )
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=list(tally.CHOICES)),
        help_text="A choice per matter id: for, against or abstain.",
    )


class TallyBarSerializer(serializers.Serializer):
    label = serializers.CharField()
    part = serializers.CharField()
    whole = serializers.CharField()
    percent = serializers.CharField()
    threshold_percent = serializers.CharField()
    strict = serializers.BooleanField()
    reached = serializers.BooleanField()


class TallySerializer(serializers.Serializer):
    final = serializers.BooleanField()
    result = serializers.DictField()
    participation = TallyBarSerializer(many=True)


def _votes_for(access):
    if access.is_staff:
        return staff_votes(access)
    return resident_votes(access)


MATTERS = "matters"  # Matter.Meta orders them by position


@extend_schema_view(get=extend_schema(
    operation_id="votes_list", tags=TAGS, summary="Owners' votes",
    description="Staff: the votes of the properties they cover. Residents: announced, open "
    "and closed votes of the properties they live in.",
))
class VoteList(OrgScopedListAPIView):
    serializer_class = VoteSerializer
    queryset = Vote.objects.none()
    ordering = "-opens_at"

    def get_queryset(self):
        return _votes_for(self.access).prefetch_related(MATTERS).order_by("-opens_at", "-pk")


@extend_schema_view(get=extend_schema(
    operation_id="votes_retrieve", tags=TAGS, summary="One owners' vote with its matters",
))
class VoteDetail(OrgScopedRetrieveAPIView):
    serializer_class = VoteSerializer
    queryset = Vote.objects.none()

    def get_queryset(self):
        return _votes_for(self.access).prefetch_related(MATTERS)


class VoteBallots(OrgScopedAPIView):
    serializer_class = BallotSerializer
    queryset = Ballot.objects.none()
    ordering = ("created_at", "pk")

    @extend_schema(
        operation_id="votes_ballots_list", tags=TAGS, responses={200: BallotSerializer(many=True)},
        summary="Ballots of a vote (staff covering the property)",
    )
    def get(self, request, pk: int, **kwargs):
        if not self.access.is_staff:
            raise NotFound
        vote = get_staff_vote(self.access, pk)
        # A vote of a 300-unit building is a long list: paged like every other list.
        page = self.paginate_queryset(Ballot.objects.filter(vote=vote))
        return self.get_paginated_response(BallotSerializer(page, many=True).data)

    @extend_schema(
        operation_id="votes_ballots_cast", tags=TAGS, request=CastSerializer,
        responses={
            201: BallotSerializer,
            400: OpenApiResponse(description="Not an owner of the unit, voting not open, or a "
                                             "choice missing: messages by field."),
            404: OpenApiResponse(description="No such vote within the caller's reach."),
            409: OpenApiResponse(description="A ballot for the unit has already been cast."),
        },
        summary="Cast the ballot of one of my units (verified owners)",
    )
    def post(self, request, pk: int, **kwargs):
        vote = get_resident_vote(self.access, pk) if self.access.residencies else None
        if vote is None:
            raise NotFound
        cast = CastSerializer(data=request.data, context=self.get_serializer_context())
        cast.is_valid(raise_exception=True)
        try:
            ballot = ballot_cast(
                access=self.access, vote=vote, unit_id=cast.validated_data["unit"].pk,
                choices=cast.validated_data["choices"],
            )
        except VoteConflict as error:
            return Response({"detail": " ".join(error.messages), "code": "duplicate"},
                            status=status.HTTP_409_CONFLICT)
        except VoteError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {
                "non_field_errors": error.messages}
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return Response(BallotSerializer(ballot).data, status=status.HTTP_201_CREATED)


class VoteTally(OrgScopedAPIView):
    minimum_role = "staff"
    serializer_class = TallySerializer
    queryset = Vote.objects.none()

    @extend_schema(operation_id="votes_tally", tags=TAGS, responses={200: TallySerializer},
                   summary="Live tally (open) or the stored result (closed)")
    def get(self, request, pk: int, **kwargs):
        vote = get_staff_vote(self.access, pk)
        view = tally_view(vote, list(vote.matters.all()))
        if view is None:
            return Response({"final": False, "result": {}, "participation": []})
        return Response(TallySerializer({
            "final": view.final, "result": tally.as_json(view.tally),
            "participation": view.participation,
        }).data)
