"""Managers' ticket settings under /o/<org_slug>/manage/tickets/: teams, categories, SLA
policies, business calendars, FAQ entries and canned responses. Views parse forms and call the
configuration services; the services check the role again and validate every row."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view

from .. import forms_manage as forms
from ..models import (
    BusinessCalendar,
    CannedResponse,
    Category,
    FaqEntry,
    Priority,
    SlaPolicy,
    Team,
)
from ..services import (
    calendar_exception_remove,
    calendar_exception_set,
    calendar_save,
    category_save,
    sla_policy_save,
    team_save,
)
from ..services.canned import (
    canned_response_delete,
    canned_response_save,
    faq_entry_delete,
    faq_entry_save,
)
from ..services.round_robin import team_assignment_set
from .staff._common import show_errors, url

FORM_TEMPLATE = "tickets/manage/form.html"
LIST_TEMPLATE = "tickets/manage/list.html"


def _form_page(
    request, form, save: Callable[[dict], object], *, title: str, list_name: str,
    delete_name: str | None = None, obj=None, template: str = FORM_TEMPLATE, **context,
):
    """Show ``form``; on a valid POST call ``save`` and return to the list, or put the
    service's errors beside their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(url(request, list_name))
    return render(request, template, {
        "form": form, "title": title, "cancel_url": url(request, list_name),
        "delete_url": url(request, delete_name, obj.pk) if delete_name and obj else None,
        **context,
    })


def _list_page(request, *, title: str, create_name: str, edit_name: str, headers, rows,
               intro: str = ""):
    return render(request, LIST_TEMPLATE, {
        "title": title, "intro": intro, "headers": headers,
        "create_url": url(request, create_name),
        "rows": [(url(request, edit_name, obj.pk), cells) for obj, cells in rows],
    })


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


@org_view("manager")
def settings_index(request):
    organization = request.organization
    sections = [
        ("manage-teams", _("Teams"), Team.objects.filter(organization=organization).count(),
         _("Who handles tickets, with a lead each.")),
        ("manage-categories", pgettext("ticket category", "Categories"),
         Category.objects.filter(organization=organization).count(),
         _("What owners can ask for, each with a default team.")),
        ("manage-policies", _("SLA policies"),
         SlaPolicy.objects.filter(organization=organization).count(),
         _("Response and resolution targets per priority, with escalation.")),
        ("manage-calendars", _("Business calendars"),
         BusinessCalendar.objects.filter(organization=organization).count(),
         _("Opening hours, public holidays and your own exceptions.")),
        ("manage-faq", _("FAQ"), FaqEntry.objects.filter(organization=organization).count(),
         _("Answers owners see while they write a request.")),
        ("manage-canned", _("Canned responses"),
         CannedResponse.objects.filter(organization=organization).count(),
         _("Ready replies for staff, with placeholders.")),
    ]
    return render(request, "tickets/manage/index.html", {
        "sections": [(url(request, name), label, count, intro)
                     for name, label, count, intro in sections],
    })


# --- Teams -----------------------------------------------------------------------------------


@org_view("manager")
def team_list(request):
    teams = Team.objects.filter(organization=request.organization).select_related(
        "lead"
    ).annotate(member_count=Count("memberships"))
    return _list_page(
        request, title=_("Teams"), create_name="manage-team-create",
        edit_name="manage-team-edit",
        headers=[_("Name"), _("Team lead"), _("Members"), _("Active")],
        rows=[(team, [team.name, team.lead.full_name if team.lead else "—",
                      team.member_count, _yes_no(team.is_active)]) for team in teams],
    )


def _team_form(request, team: Team | None):
    initial = {}
    if team is not None:
        initial = {"name": team.name, "lead": team.lead_id, "is_active": team.is_active,
                   "assignment": team.assignment,
                   "members": list(team.memberships.values_list("user_id", flat=True))}
    form = forms.TeamForm(request.POST or None, initial=initial,
                          organization=request.organization)

    def save(data):
        # One transaction: a team is never saved with half of its settings.
        with transaction.atomic():
            saved = team_save(
                access=request.access, team=team, name=data["name"], lead=data["lead"],
                members=list(data["members"]), is_active=data["is_active"],
            )
            team_assignment_set(
                access=request.access, team=saved, assignment=data["assignment"] or "manual"
            )

    title = team.name if team else _("New team")
    return _form_page(request, form, save, title=title, list_name="manage-teams")


@org_view("manager")
def team_create(request):
    return _team_form(request, None)


@org_view("manager")
def team_edit(request, pk):
    return _team_form(request, get_object_or_404(Team, organization=request.organization, pk=pk))


# --- Categories ------------------------------------------------------------------------------


@org_view("manager")
def category_list(request):
    categories = Category.objects.filter(organization=request.organization).select_related(
        "default_team"
    )
    return _list_page(
        request, title=pgettext("ticket category", "Categories"),
        create_name="manage-category-create", edit_name="manage-category-edit",
        headers=[_("Name"), _("Kind"), _("Default team"), _("Active"), _("Order")],
        rows=[(c, [c.name, c.get_kind_display(), c.default_team.name if c.default_team else "—",
                   _yes_no(c.is_active), c.sort_order]) for c in categories],
    )


def _category_form(request, category: Category | None):
    initial = {}
    if category is not None:
        initial = {"name": category.name, "kind": category.kind,
                   "default_team": category.default_team_id, "is_active": category.is_active,
                   "sort_order": category.sort_order}
    form = forms.CategoryForm(request.POST or None, initial=initial,
                              organization=request.organization)

    def save(data):
        category_save(access=request.access, category=category, name=data["name"],
                      kind=data["kind"], default_team=data["default_team"],
                      is_active=data["is_active"], sort_order=data["sort_order"])

    title = category.name if category else pgettext("ticket category", "New category")
    return _form_page(request, form, save, title=title, list_name="manage-categories")


@org_view("manager")
def category_create(request):
    return _category_form(request, None)


@org_view("manager")
def category_edit(request, pk):
    return _category_form(
        request, get_object_or_404(Category, organization=request.organization, pk=pk)
    )


# --- SLA policies ----------------------------------------------------------------------------


@org_view("manager")
def policy_list(request):
    policies = SlaPolicy.objects.filter(organization=request.organization).select_related(
        "calendar", "category"
    )
    return _list_page(
        request, title=_("SLA policies"), create_name="manage-policy-create",
        edit_name="manage-policy-edit",
        intro=_("A ticket takes the most specific active policy for its category and "
                "priority; the default policy when none matches."),
        headers=[_("Name"), _("Business calendar"), _("Applies to"), _("Default"),
                 _("Active")],
        rows=[(p, [
            p.name, p.calendar.name,
            " · ".join(filter(None, [p.category.name if p.category else "",
                                     str(Priority(p.priority).label) if p.priority else ""]))
            or _("Everything"),
            _yes_no(p.is_default), _yes_no(p.is_active),
        ]) for p in policies],
    )


def _policy_form(request, policy: SlaPolicy | None):
    initial = forms.SlaPolicyForm.initial_from(policy) if policy else {
        "ladder_1_percent": 75, "ladder_1_notify": "assignee",
        "ladder_2_percent": 100, "ladder_2_notify": "team_lead",
        "ladder_3_percent": 150, "ladder_3_notify": "manager",
    }
    form = forms.SlaPolicyForm(request.POST or None, initial=initial,
                               organization=request.organization)

    def save(data):
        sla_policy_save(
            access=request.access, policy=policy, name=data["name"], calendar=data["calendar"],
            targets=data["targets"], escalation_ladder=data["escalation_ladder"],
            category=data["category"], priority=data["priority"],
            is_default=data["is_default"], is_active=data["is_active"],
        )

    title = policy.name if policy else _("New SLA policy")
    return _form_page(request, form, save, title=title, list_name="manage-policies")


@org_view("manager")
def policy_create(request):
    return _policy_form(request, None)


@org_view("manager")
def policy_edit(request, pk):
    return _policy_form(
        request, get_object_or_404(SlaPolicy, organization=request.organization, pk=pk)
    )


# --- Business calendars ----------------------------------------------------------------------


@org_view("manager")
def calendar_list(request):
    calendars = BusinessCalendar.objects.filter(organization=request.organization)
    return _list_page(
        request, title=_("Business calendars"), create_name="manage-calendar-create",
        edit_name="manage-calendar-edit",
        headers=[_("Name"), _("Time zone"), _("Public holidays of"), _("Around the clock")],
        rows=[(c, [c.name, c.time_zone, c.country_code or "—", _yes_no(c.is_24x7)])
              for c in calendars],
    )


def _calendar_form(request, calendar: BusinessCalendar | None, exception_form=None):
    initial = forms.CalendarForm.initial_from(calendar) if calendar else {}
    bound = request.POST if request.method == "POST" and exception_form is None else None
    form = forms.CalendarForm(bound, initial=initial)

    def save(data):
        calendar_save(
            access=request.access, calendar=calendar, name=data["name"],
            time_zone=data["time_zone"], weekly_hours=data["weekly_hours"],
            country_code=data["country_code"], is_24x7=data["is_24x7"],
        )

    context = {}
    if calendar is not None:
        context = {
            "calendar": calendar,
            "exceptions": calendar.exceptions.all(),
            "exception_form": exception_form or forms.CalendarExceptionForm(),
        }
    title = calendar.name if calendar else _("New business calendar")
    return _form_page(request, form, save, title=title, list_name="manage-calendars",
                      template="tickets/manage/calendar_form.html", **context)


def _calendar(request, pk) -> BusinessCalendar:
    return get_object_or_404(BusinessCalendar, organization=request.organization, pk=pk)


@org_view("manager")
def calendar_create(request):
    return _calendar_form(request, None)


@org_view("manager")
def calendar_edit(request, pk):
    return _calendar_form(request, _calendar(request, pk))


@org_view("manager")
@require_POST
def calendar_exception_add(request, pk):
    calendar = _calendar(request, pk)
    form = forms.CalendarExceptionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            calendar_exception_set(
                access=request.access, calendar=calendar, date=data["date"],
                is_working_day=data["is_working_day"], hours=data["hours"], note=data["note"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The day has been saved."))
            return redirect(url(request, "manage-calendar-edit", calendar.pk))
    response = _calendar_form(request, calendar, exception_form=form)
    response.status_code = 400
    return response


@org_view("manager")
@require_POST
def calendar_exception_delete(request, pk):
    calendar = _calendar(request, pk)
    form = forms.CalendarExceptionForm(request.POST)
    form.is_valid()
    date = form.cleaned_data.get("date")
    if date is not None:
        calendar_exception_remove(access=request.access, calendar=calendar, date=date)
        messages.success(request, _("The day follows the usual week again."))
    return redirect(url(request, "manage-calendar-edit", calendar.pk))


# --- FAQ ---------------------------------------------------------------------------------------


@org_view("manager")
def faq_list(request):
    entries = FaqEntry.objects.filter(organization=request.organization).select_related(
        "category"
    )
    return _list_page(
        request, title=_("FAQ"), create_name="manage-faq-create", edit_name="manage-faq-edit",
        headers=[_("Question"), pgettext("ticket category", "Category"), _("Published"),
                 _("Order")],
        rows=[(e, [e.question, e.category.name if e.category else "—",
                   _yes_no(e.is_published), e.sort_order]) for e in entries],
    )


def _faq_form(request, entry: FaqEntry | None):
    initial = {}
    if entry is not None:
        initial = {"question": entry.question, "answer": entry.answer,
                   "keywords": entry.keywords, "category": entry.category_id,
                   "is_published": entry.is_published, "sort_order": entry.sort_order}
    form = forms.FaqEntryForm(request.POST or None, initial=initial,
                              organization=request.organization)

    def save(data):
        faq_entry_save(access=request.access, entry=entry, **data)

    title = entry.question if entry else _("New FAQ entry")
    return _form_page(request, form, save, title=title, list_name="manage-faq",
                      delete_name="manage-faq-delete", obj=entry)


def _faq(request, pk) -> FaqEntry:
    return get_object_or_404(FaqEntry, organization=request.organization, pk=pk)


@org_view("manager")
def faq_create(request):
    return _faq_form(request, None)


@org_view("manager")
def faq_edit(request, pk):
    return _faq_form(request, _faq(request, pk))


@org_view("manager")
@require_POST
def faq_delete(request, pk):
    faq_entry_delete(access=request.access, entry=_faq(request, pk))
    messages.success(request, _("The FAQ entry has been deleted."))
    return redirect(url(request, "manage-faq"))


# --- Canned responses --------------------------------------------------------------------------


@org_view("manager")
def canned_list(request):
    responses = CannedResponse.objects.filter(organization=request.organization).select_related(
        "category"
    )
    return _list_page(
        request, title=_("Canned responses"), create_name="manage-canned-create",
        edit_name="manage-canned-edit",
        headers=[_("Title"), pgettext("ticket category", "Category"), _("Active")],
        rows=[(c, [c.title, c.category.name if c.category else _("Every category"),
                   _yes_no(c.is_active)]) for c in responses],
    )


def _canned_form(request, canned: CannedResponse | None):
    initial = {}
    if canned is not None:
        initial = {"title": canned.title, "body": canned.body, "category": canned.category_id,
                   "is_active": canned.is_active}
    form = forms.CannedResponseForm(request.POST or None, initial=initial,
                                    organization=request.organization)

    def save(data):
        canned_response_save(access=request.access, canned=canned, **data)

    title = canned.title if canned else _("New canned response")
    return _form_page(request, form, save, title=title, list_name="manage-canned",
                      delete_name="manage-canned-delete", obj=canned)


def _canned(request, pk) -> CannedResponse:
    return get_object_or_404(CannedResponse, organization=request.organization, pk=pk)


@org_view("manager")
def canned_create(request):
    return _canned_form(request, None)


@org_view("manager")
def canned_edit(request, pk):
    return _canned_form(request, _canned(request, pk))


@org_view("manager")
@require_POST
def canned_delete(request, pk):
    canned_response_delete(access=request.access, canned=_canned(request, pk))
    messages.success(request, _("The canned response has been deleted."))
    return redirect(url(request, "manage-canned"))
