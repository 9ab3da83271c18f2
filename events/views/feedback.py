"""Managers attach a feedback survey to an event (or take it off before it is sent); the
survey itself is built, answered and read on the surveys app's pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import FeedbackForm
from ..services import feedback_attach, feedback_detach
from ..services.rules import may_manage
from .common import event_view, message_of, url


def _managed_event(request, pk: int):
    event = selectors.event_get_for(access=request.access, pk=pk, staff_view=True)
    if not may_manage(request.access, event):
        raise Http404
    return event


@event_view("manager")
@require_POST
def feedback_add(request, pk: int):
    event = _managed_event(request, pk)
    form = FeedbackForm(request.POST, drafts=selectors.feedback_drafts(request.access))
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(url(request, "manage-detail", event.pk))
    try:
        survey = feedback_attach(
            access=request.access, event=event, survey=form.cleaned_data["survey"],
            **({"template": form.cleaned_data["template"]} if form.cleaned_data["template"]
               else {}),
        )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect(url(request, "manage-detail", event.pk))
    messages.success(request, _("The feedback survey is attached. Its questions can be "
                                "changed until it is sent after the event."))
    return redirect(reverse("surveys:manage-builder", args=[request.organization.slug,
                                                             survey.pk]))


@event_view("manager")
@require_POST
def feedback_remove(request, pk: int):
    event = _managed_event(request, pk)
    try:
        feedback_detach(access=request.access, event=event)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("The feedback survey is no longer attached to this event."))
    return redirect(url(request, "manage-detail", event.pk))
