"""Surveys API under /api/v1/orgs/<slug>/: parse, call a service or selector, answer.

Owners see the open surveys asking them and post their own response; managers see and create
the surveys within their reach (``surveys.scoping``) and read responses and results, those of
their properties only when a survey reaches beyond them. Anything else is a 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.generics import ListCreateAPIView
from rest_framework.response import Response as APIResponse

from portal.api.base import OrgScopedAPIView, OrgScopedMixin

from .. import services
from ..models import Choice, OnePer, Question, Response, ResponseStatus, Survey
from ..scoping import response_reach
from ..selectors import (
    answered_by,
    survey_get_for_manager,
    survey_get_for_owner,
    survey_results,
    surveys_visible,
)
from . import serializers as s
from .throttling import WriteThrottled

TAGS = ["surveys"]
NOT_FOUND = OpenApiResponse(description="No such survey, or not within the caller's reach.")
BAD_INPUT = OpenApiResponse(description="Invalid input: messages by field in the caller's "
                            "language (answers by `q<question id>`).")
def questions_prefetch() -> Prefetch:
    # Built per request: a tenant queryset cannot be made at import time (django-scopes).
    return Prefetch(
        "questions", queryset=Question.objects.order_by("order", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
        ),
    )


def as_drf(error: ValidationError) -> DRFValidationError:
    if hasattr(error, "error_dict"):
        detail = error.message_dict
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return DRFValidationError(detail)
    return DRFValidationError({"non_field_errors": error.messages})


class SurveyAPIMixin(WriteThrottled, OrgScopedMixin):
    def get_survey(self) -> Survey:
        pk = self.kwargs["pk"]
        if self.access.is_manager:
            return survey_get_for_manager(self.access, pk)
        if self.access.is_staff:
            raise Http404
        return survey_get_for_owner(self.access, pk)

    def status_context(self, surveys) -> dict:
        if self.access.is_staff:
            return {}
        return answered_by(self.access, surveys)


@extend_schema(tags=TAGS)
class SurveyListView(SurveyAPIMixin, ListCreateAPIView):
    serializer_class = s.SurveySerializer
    queryset = Survey.objects.none()
    ordering = "-id"

    def get_minimum_role(self):
        return "manager" if self.request.method == "POST" else "resident"

    def get_queryset(self):
        if self.access.is_staff and not self.access.is_manager:
            return Survey.objects.none()
        return surveys_visible(self.access).prefetch_related(questions_prefetch())

    def get_serializer_class(self):
        return s.SurveyCreateSerializer if self.request.method == "POST" else s.SurveySerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "my_status": self.status_context(page)}
        return self.get_paginated_response(s.SurveySerializer(page, many=True,
                                                              context=context).data)

    @extend_schema(operation_id="surveys_list",
                   summary="Surveys: open ones asking an owner; all of them for managers")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="surveys_create", summary="Create a draft survey (managers)",
                   request=s.SurveyCreateSerializer,
                   responses={201: s.SurveySerializer, 400: BAD_INPUT})
    def post(self, request, *args, **kwargs):
        form = s.SurveyCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        questions = [dict(q) for q in data.pop("questions")]
        try:
            survey = services.survey_build(access=self.access, questions=questions, **data)
        except ValidationError as error:
            raise as_drf(error) from error
        survey = Survey.objects.prefetch_related(questions_prefetch()).get(pk=survey.pk)
        return APIResponse(s.SurveySerializer(survey).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class SurveyDetailView(SurveyAPIMixin, OrgScopedAPIView):
    serializer_class = s.SurveySerializer
    queryset = Survey.objects.none()

    @extend_schema(operation_id="surveys_retrieve", summary="A survey with its questions",
                   responses={200: s.SurveySerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        survey = self.get_survey()
        survey = Survey.objects.prefetch_related(questions_prefetch()).get(pk=survey.pk)
        context = {"my_status": self.status_context([survey])}
        return APIResponse(s.SurveySerializer(survey, context=context).data)


@extend_schema(tags=TAGS)
class SurveyResponsesView(SurveyAPIMixin, OrgScopedAPIView):
    serializer_class = s.ResponseSerializer
    queryset = Response.objects.none()
    ordering = "id"

    def get_queryset(self):
        survey = self.get_survey()
        responses = Response.objects.filter(survey=survey).select_related("respondent")
        if self.access.is_manager:
            within = response_reach(self.access, survey)
            if within is not None:
                responses = responses.filter(property_id__in=within)
            return responses.filter(status=ResponseStatus.SUBMITTED).prefetch_related("answers")
        if survey.is_anonymous:
            return Response.objects.none()  # nothing links an anonymous response to anyone
        user_id = self.access.residencies[0].user_id
        if survey.one_per == OnePer.UNIT:
            return responses.filter(unit_id__in=self.access.unit_ids).prefetch_related("answers")
        return responses.filter(respondent_id=user_id).prefetch_related("answers")

    @extend_schema(
        operation_id="surveys_responses_list",
        summary="Responses: all submitted ones for managers, the caller's own for owners",
        responses={200: s.ResponseSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ResponseSerializer(page, many=True).data)

    @extend_schema(
        operation_id="surveys_responses_create",
        summary="Submit (or save as a draft, or change) the caller's response",
        description="One response per owner or per unit: a second one for the same owner or "
        "unit is refused (400) unless the survey allows changing answers, in which case the "
        "caller's response is replaced.",
        request=s.ResponseSubmitSerializer,
        responses={200: s.ResponseSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request, *args, **kwargs):
        if self.access.is_staff:
            raise Http404
        survey = self.get_survey()
        form = s.ResponseSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            response = services.response_save(
                access=self.access, survey=survey, answers=form.answers_by_question(),
                submit=form.validated_data["submit"], unit_id=form.validated_data["unit"],
            )
        except DjangoPermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            raise as_drf(error) from error
        response = Response.objects.prefetch_related("answers").select_related(
            "respondent").get(pk=response.pk)
        data = s.ResponseSerializer(response).data
        if survey.is_anonymous:
            data.update({"id": None, "respondent": None, "respondent_name": "", "unit": None})
        return APIResponse(data, status=status.HTTP_200_OK)


@extend_schema(tags=TAGS)
class SurveyResultsView(SurveyAPIMixin, OrgScopedAPIView):
    serializer_class = s.ResultsSerializer
    minimum_role = "manager"

    @extend_schema(
        operation_id="surveys_results", summary="Results per question (managers)",
        parameters=[
            OpenApiParameter("property", OpenApiTypes.INT, description="Only this property"),
            OpenApiParameter("building", OpenApiTypes.INT, description="Only this building"),
        ],
        responses={200: s.ResultsSerializer, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        survey = self.get_survey()
        try:
            property_id = int(request.query_params.get("property") or 0) or None
            building_id = int(request.query_params.get("building") or 0) or None
        except ValueError as error:
            raise DRFValidationError({"property": ["A number."]}) from error
        data = survey_results(survey, property_id=property_id, building_id=building_id,
                              within=response_reach(self.access, survey))
        return APIResponse(s.ResultsSerializer(data).data)


__all__ = ["SurveyDetailView", "SurveyListView", "SurveyResponsesView", "SurveyResultsView",
           "serializers"]
