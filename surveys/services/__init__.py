"""Every write of the surveys app (DESIGN §3): one function per use case, one transaction each.

Bad input raises django's ValidationError with messages by field; a survey or a response
outside the caller's reach is an Http404 raised by :mod:`surveys.selectors` before any service
is called.
"""

from .builder import (
    choices_parse,
    question_delete,
    question_move,
    question_save,
    survey_build,
    survey_create,
    survey_duplicate,
    survey_update,
)
from .lifecycle import (
    survey_close,
    survey_open_for_invitees,
    survey_schedule,
    surveys_close_due,
    surveys_open_due,
    surveys_remind_due,
)
from .responses import response_save
from .templates import TEMPLATES, survey_from_template

__all__ = [
    "TEMPLATES", "choices_parse", "question_delete", "question_move", "question_save",
    "response_save", "survey_build", "survey_close", "survey_create", "survey_duplicate",
    "survey_from_template", "survey_open_for_invitees",
    "survey_schedule", "survey_update", "surveys_close_due", "surveys_open_due",
    "surveys_remind_due",
]
