"""Surveys (问卷): a manager's questions to the owners of the organisation, a property or a
building, and the owners' answers.

Anonymity: for an anonymous survey no response row names a person or a unit. Who has answered
(for "one per owner/unit", reminders and the response rate) lives in :class:`Participation`,
whose primary key is random and which carries no time, so nothing orders or times it against
the responses.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Building, Property, TenantModel, Unit


class Audience(models.TextChoices):
    ORGANIZATION = "organization", _("Every owner of the organisation")
    PROPERTY = "property", pgettext_lazy("survey audience", "The owners of one property")
    BUILDING = "building", pgettext_lazy("survey audience", "The owners of one building")
    # Only the people listed as the survey's Invitee rows (e.g. those who attended an event);
    # set by the app that invites them, never chosen in the builder.
    INVITED = "invited", pgettext_lazy("survey audience", "Invited people only")


class OnePer(models.TextChoices):
    OWNER = "owner", _("One response per owner")
    UNIT = "unit", _("One response per unit")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("survey status", "Scheduled")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating 1–5")
    NPS = "nps", _("Recommendation 0–10 (NPS)")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
SCALE_KINDS = (QuestionKind.RATING, QuestionKind.NPS)
SCALES = {QuestionKind.RATING: (1, 5), QuestionKind.NPS: (0, 10)}


class Survey(TenantModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ORGANIZATION
    )
    audience_property = models.ForeignKey(
        Property, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    audience_building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("building"),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_("Nobody, managers included, can see who gave which answers."),
    )
    one_per = models.CharField(
        _("responses"), max_length=10, choices=OnePer.choices, default=OnePer.OWNER
    )
    allow_change = models.BooleanField(
        _("owners may change their answers until the survey closes"), default=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    # Hours before closing at which those who have not answered are reminded, e.g. [48, 4].
    reminder_hours = models.JSONField(_("reminders (hours before closing)"), default=list,
                                      blank=True)
    # The next moment the reminder job must look at this survey (indexed: the job reads only
    # the due surveys); None when no reminder is left.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    template = models.CharField(_("template"), max_length=30, blank=True, editable=False)
    # Snapshot at opening: how many owners (or units) were asked. The response rate's base.
    invited_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status", "closes_at"]),
            models.Index(fields=["organization", "status", "opens_at"]),
            models.Index(fields=["organization", "next_reminder_at"]),
            # The beat jobs scan across organisations for what is due.
            models.Index(fields=["status", "opens_at"], name="survey_due_open"),
            models.Index(fields=["status", "closes_at"], name="survey_due_close"),
            models.Index(fields=["next_reminder_at"], name="survey_due_reminder",
                         condition=models.Q(next_reminder_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True) | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opens",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN

    @property
    def is_editable(self) -> bool:
        return self.status == SurveyStatus.DRAFT


class Question(TenantModel):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    # A stable name for a service dimension of the satisfaction template ("security",
    # "cleaning", …, "nps"), so that dashboards find it whatever the wording or language.
    dimension = models.SlugField(_("dimension"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]
        indexes = [models.Index(fields=["organization", "survey", "order"])]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def scale(self) -> list[int]:
        low, high = SCALES.get(self.kind, (0, -1))
        return list(range(low, high + 1))


class Choice(TenantModel):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("choice"), max_length=200)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order", "pk"]
        indexes = [models.Index(fields=["organization", "question", "order"])]

    def __str__(self):
        return self.text


class Invitee(TenantModel):
    """One person a survey with the "invited" audience asks (e.g. an event's attendee)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("survey")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("invited person")
        verbose_name_plural = _("invited people")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="survey_invitee_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "survey", "user"]),
            models.Index(fields=["organization", "user"]),
        ]


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey response", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("survey response", "Submitted")


class Response(TenantModel):
    """One owner's (or unit's) answers. ``respondent`` and ``unit`` stay empty when the survey
    is anonymous; property and building are kept for the results' filters."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    one_per = models.CharField(max_length=10, choices=OnePer.choices)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("respondent"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    property = models.ForeignKey(
        Property, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("building"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    # For an anonymous survey only the day (00:00 in the organisation's time zone).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["organization", "survey", "status"]),
            models.Index(fields=["organization", "survey", "building"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"], name="survey_response_one_per_owner",
                condition=models.Q(one_per=OnePer.OWNER, respondent__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["survey", "unit"], name="survey_response_one_per_unit",
                condition=models.Q(one_per=OnePer.UNIT, unit__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.survey_id}/{self.pk}"


class Participation(TenantModel):
    """That a person (or a unit) has submitted a response: the database's guarantee of one
    response per owner or per unit, anonymous or not. Deliberately without a time or a
    sequential key (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="participations",
        verbose_name=_("survey"),
    )
    one_per = models.CharField(max_length=10, choices=OnePer.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [models.Index(fields=["organization", "survey", "user"])]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], name="survey_participation_one_per_owner",
                condition=models.Q(one_per=OnePer.OWNER),
            ),
            models.UniqueConstraint(
                fields=["survey", "unit"], name="survey_participation_one_per_unit",
                condition=models.Q(one_per=OnePer.UNIT),
            ),
        ]


class Answer(TenantModel):
    """One answer; a multiple-choice answer is one row per ticked choice, so every count is
    a plain aggregate."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers",
        verbose_name=_("choice"),
    )
    number = models.SmallIntegerField(
        _("score"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    text = models.TextField(_("answer"), blank=True)
    # Copied from the response when the answers are written (they are rewritten on every
    # save), so that results are aggregates over this one table without a join.
    submitted = models.BooleanField(default=False)
    property = models.ForeignKey(Property, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    building = models.ForeignKey(Building, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["organization", "survey", "submitted", "question"]),
            models.Index(fields=["organization", "response"]),
        ]


class ReminderSent(TenantModel):
    """One reminder of a survey went out: the unique key makes a second run send nothing."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    hours_before_close = models.PositiveIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "hours_before_close"], name="survey_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "survey"])]
