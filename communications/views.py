"""The notification centre's pages under /notifications/: a person's own notifications across
their organisations. Another person's notification answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.tenancy.models import Organization

from . import selectors, services
from .forms import PreferencesForm
from .models import DigestSubscription, Notification, QuietHours
from .preferences import SMS_TOPICS, preferences_of

PAGE_SIZE = 30


def _organization_filter(request, user) -> Organization | None:
    slug = request.GET.get("org") or request.POST.get("org")
    if not slug:
        return None
    # Only among the person's own notifications: a slug names nothing else.
    for organization in selectors.notification_organizations(user=user):
        if organization.slug == slug:
            return organization
    return None


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    organizations = selectors.notification_organizations(user=request.user)
    organization = next(
        (org for org in organizations if org.slug == request.GET.get("org")), None
    )
    notifications = selectors.notifications_for(
        user=request.user, unread_only=unread_only, organization=organization
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "communications/notification_list.html",
        {
            "page": page, "unread_only": unread_only, "organizations": organizations,
            "selected_org": organization,
        },
    )


@login_required
@require_GET
def bell(request):
    """The bell alone, for htmx to swap in when a notification arrives."""
    return render(request, "communications/_bell_link.html")


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read; with ``open`` set, continue to what it is about."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return _back(request, "communications:list")


@login_required
@require_POST
def notification_read_all(request):
    organization = _organization_filter(request, request.user)
    count = services.notification_mark_all_read(user=request.user, organization=organization)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request, "communications:list")


def _initial(rows: dict, fallback: dict) -> dict:
    """Boxes from the rows that apply; without any the defaults apply (the page explains
    them), shown as email on and text messages on only for escalations."""
    initial = {}
    for topic in rows:
        row = rows[topic] or fallback.get(topic)
        initial[f"{topic}_email"] = row.email if row else True
        initial[f"{topic}_sms"] = row.sms if row else topic in SMS_TOPICS
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """General settings, or (``?org=<slug>``) one organisation's own choices, which win over
    the general ones for that organisation's messages."""
    user = request.user
    organizations = selectors.member_organizations(user=user)
    slug = request.GET.get("org") or request.POST.get("org") or ""
    organization = next((org for org in organizations if org.slug == slug), None)
    if slug and organization is None:
        raise Http404
    general = preferences_of(user=user)
    rows = preferences_of(user=user, organization=organization) if organization else general
    here = reverse("communications:preferences")
    if organization is not None:
        here += "?" + urlencode({"org": organization.slug})
    if request.method == "POST" and organization is not None and request.POST.get("follow"):
        services.preferences_follow_general(user=user, organization=organization)
        messages.success(
            request, _("Messages from %(org)s follow your general settings again.")
            % {"org": organization.name},
        )
        return redirect(here)
    if request.method == "POST":
        form = PreferencesForm(request.POST, for_organization=organization is not None)
        if form.is_valid():
            data = form.cleaned_data
            services.preferences_save(
                user=user, choices=form.choices(), organization=organization,
                quiet_start=data.get("quiet_start"), quiet_end=data.get("quiet_end"),
                daily_digest=data.get("daily_digest"),
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect(here)
    else:
        initial = _initial(rows, general if organization else {})
        if organization is None:
            quiet = QuietHours.objects.filter(user=user).first()
            initial |= {
                "quiet_start": quiet.start if quiet else None,
                "quiet_end": quiet.end if quiet else None,
                "daily_digest": DigestSubscription.objects.filter(user=user).exists(),
            }
        form = PreferencesForm(initial=initial, for_organization=organization is not None)
    return render(
        request, "communications/preferences.html",
        {
            "form": form, "organizations": organizations, "organization": organization,
            "uses_defaults": not any(rows.values()) and not any(general.values()),
            "has_own_rows": organization is not None and any(rows.values()),
        },
    )
