"""Ready-made surveys. The quarterly satisfaction survey (满意度调查) rates each service
dimension 1–5, then asks the recommendation question (NPS) and for comments; its questions
carry a ``dimension`` so that dashboards find them in any language. The event feedback survey
is short on purpose (an overall rating and what to improve): it goes out right after an
event, to people on their phones."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.tenancy.access import Access

from ..models import OnePer, Question, QuestionKind, Survey
from .builder import require_manager

SATISFACTION = "satisfaction"
# (slug, name) of the service dimensions; the slug is what dashboards look for.
DIMENSIONS = (
    ("security", gettext_lazy("Security")),
    ("cleaning", gettext_lazy("Cleaning")),
    ("greenery", gettext_lazy("Greenery and landscaping")),
    ("repairs", gettext_lazy("Repairs and maintenance")),
    ("service", gettext_lazy("Customer service")),
)
NPS_DIMENSION = "nps"
EVENT_FEEDBACK = "event_feedback"
OVERALL_DIMENSION = "overall"
TEMPLATES = {
    SATISFACTION: gettext_lazy("Quarterly satisfaction survey"),
    EVENT_FEEDBACK: gettext_lazy("Event feedback survey"),
}


def satisfaction_questions() -> list[dict]:
    """The questions in the active language."""
    questions = [
        {"kind": QuestionKind.RATING, "dimension": slug, "required": True,
         "text": _("How satisfied are you with %(dimension)s?") % {"dimension": str(name)},
         "help_text": ""}
        for slug, name in DIMENSIONS
    ]
    questions.append({
        "kind": QuestionKind.NPS, "dimension": NPS_DIMENSION, "required": True,
        "text": _("How likely are you to recommend our property services to a friend?"),
        "help_text": "",
    })
    questions.append({
        "kind": QuestionKind.TEXT, "dimension": "", "required": False,
        "text": _("What should we do better?"), "help_text": "",
    })
    return questions


def event_feedback_questions() -> list[dict]:
    """The questions in the active language."""
    return [
        {"kind": QuestionKind.RATING, "dimension": OVERALL_DIMENSION, "required": True,
         "text": _("Overall, how did you like this event?"), "help_text": ""},
        {"kind": QuestionKind.TEXT, "dimension": "", "required": False,
         "text": _("What should we improve next time?"), "help_text": ""},
    ]


def _content(template: str, subject: str) -> dict:
    """Title, description, questions and settings of a template, in the active language."""
    if template == EVENT_FEEDBACK:
        # One answer per attendee, given once: feedback is about the person's own visit.
        return {
            "title": (_("Feedback: %(event)s") % {"event": subject} if subject
                      else _("Event feedback")),
            "description": _("Thank you for coming! Two quick questions help us make the "
                             "next event better."),
            "questions": event_feedback_questions(),
            "one_per": OnePer.OWNER, "allow_change": False, "reminder_hours": [48],
        }
    return {
        "title": _("Quarterly satisfaction survey"),
        "description": _(
            "Please tell us how satisfied you are with our services this quarter. It takes "
            "about two minutes."
        ),
        "questions": satisfaction_questions(),
        "one_per": OnePer.UNIT, "allow_change": True, "reminder_hours": [48],
    }


def survey_from_template(*, access: Access, template: str = SATISFACTION,
                         subject: str = "") -> Survey:
    """A draft survey from a template, in the organisation's language (not the manager's).
    ``subject`` names what the survey is about where the template's title has room for it
    (the event of a feedback survey)."""
    require_manager(access)
    if template not in TEMPLATES:
        raise ValueError(template)
    organization = access.organization
    with translation.override(organization.language_code or None):
        content = _content(template, subject)
    questions = content.pop("questions")
    content["title"] = content["title"][:200]
    with transaction.atomic():
        survey = Survey.objects.create(
            organization=organization, template=template, created_by=access.membership.user,
            **content,
        )
        Question.objects.bulk_create(
            Question(organization=organization, survey=survey, order=i, **q)
            for i, q in enumerate(questions)
        )
    return survey
