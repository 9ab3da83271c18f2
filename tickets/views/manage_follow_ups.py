"""Follow-up calls (回访) for managers: the open ones of their properties, and recording the
outcome of a call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view

from ..models import FollowUp
from ..services import follow_up_list_for, follow_up_record

RECENTLY_DONE = 20


@org_view("manager")
def follow_up_list(request):
    follow_ups = follow_up_list_for(access=request.access).select_related(
        "ticket__property", "ticket__unit__building", "ticket__requester", "done_by"
    )
    return render(request, "tickets/manage/follow_ups.html", {
        "open": follow_ups.filter(status=FollowUp.Status.OPEN).order_by("due", "pk"),
        "done": follow_ups.filter(status=FollowUp.Status.DONE).order_by("-done_at")[
            :RECENTLY_DONE],
        "now": timezone.now(),
    })


@org_view("manager")
@require_POST
def follow_up_done(request, pk: int):
    follow_up = follow_up_list_for(access=request.access).filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    try:
        follow_up_record(access=request.access, follow_up=follow_up,
                         outcome=request.POST.get("outcome", ""))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The call is recorded."))
    return redirect("tickets:manage-follow-ups", org_slug=request.organization.slug)
