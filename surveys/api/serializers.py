"""Serializers of the surveys API: shapes only; every rule lives in the services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.fields import OrgScopedPrimaryKeyRelatedField, PlausibleDateTimeField
from portal.tenancy.models import Building

from ..models import Choice, OnePer, Question, QuestionKind, Response, Survey


@extend_schema_field(OpenApiTypes.INT)
class PlaceField(OrgScopedPrimaryKeyRelatedField):
    """A property or building of the caller's organisation, by id."""


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "order", "text"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "help_text", "required", "dimension", "choices"]


class SurveySerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    my_status = serializers.SerializerMethodField(
        help_text="For owners: 'submitted', 'draft' or '' (not answered yet)."
    )

    class Meta:
        model = Survey
        fields = [
            "id", "title", "description", "status", "audience", "audience_property",
            "audience_building", "opens_at", "closes_at", "is_anonymous", "one_per",
            "allow_change", "reminder_hours", "invited_count", "template", "questions",
            "my_status",
        ]
        # Output only: surveys are written through SurveyCreateSerializer and the services.
        read_only_fields = fields

    def get_my_status(self, survey) -> str:
        return self.context.get("my_status", {}).get(survey.pk, "")


class QuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=500)
    help_text = serializers.CharField(max_length=500, required=False, default="",
                                      allow_blank=True)
    required = serializers.BooleanField(required=False, default=True)
    choices = serializers.ListField(child=serializers.CharField(max_length=200),
                                    required=False, default=list)


class SurveyCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    # "invited" is set by the app that invites (an event's feedback), not chosen here.
    audience = serializers.ChoiceField(
        choices=[c for c in Survey._meta.get_field("audience").choices if c[0] != "invited"],
        required=False, default="organization",
    )
    # Only the caller's properties: a survey aimed elsewhere would be out of their reach.
    audience_property = PlaceField(
        scope=lambda access: access.properties(), required=False, allow_null=True,
        default=None,
    )
    audience_building = PlaceField(
        scope=lambda access: Building.objects.filter(property__in=access.properties()),
        required=False, allow_null=True, default=None,
    )
    opens_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)
    closes_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    one_per = serializers.ChoiceField(choices=OnePer.choices, required=False,
                                      default=OnePer.OWNER)
    allow_change = serializers.BooleanField(required=False, default=True)
    reminder_hours = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                           required=False, default=list)
    questions = QuestionInputSerializer(many=True, required=False, default=list)


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    choice = serializers.IntegerField(required=False, allow_null=True,
                                      help_text="Single choice: the choice's id.")
    choices = serializers.ListField(child=serializers.IntegerField(), required=False,
                                    help_text="Multiple choice: the ids of the ticked choices.")
    number = serializers.IntegerField(required=False, allow_null=True,
                                      help_text="Rating 1–5 or NPS 0–10.")
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ResponseSubmitSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True)
    submit = serializers.BooleanField(
        required=False, default=True,
        help_text="False saves a draft (not for anonymous surveys).",
    )
    unit = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="The unit to answer for, when the caller has several in the audience.",
    )

    def answers_by_question(self) -> dict:
        raw = {}
        for answer in self.validated_data["answers"]:
            if "choices" in answer:
                value = answer["choices"]
            elif answer.get("choice") is not None:
                value = answer["choice"]
            elif answer.get("number") is not None:
                value = answer["number"]
            else:
                value = answer.get("text", "")
            raw[answer["question"]] = value
        return raw


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    choice = serializers.IntegerField(source="choice_id", allow_null=True)
    number = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()


class ResponseSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    respondent_name = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["id", "status", "submitted_at", "property", "building", "unit",
                  "respondent", "respondent_name", "answers"]
        read_only_fields = fields  # output only; answers are written through the services

    def get_respondent_name(self, response) -> str:
        return response.respondent.full_name if response.respondent else ""


class ResultRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    dimension = serializers.CharField()
    answered = serializers.IntegerField()
    rows = ResultRowSerializer(many=True)
    average = serializers.FloatField(required=False, allow_null=True)
    nps = serializers.FloatField(required=False, allow_null=True)
    texts = serializers.ListField(child=serializers.CharField(), required=False)


class ResultsSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    invited = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    questions = QuestionResultSerializer(many=True)
