"""The person's own data: see what we hold, download it, erase it (PIPL)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .personal_data import personal_data_erase, personal_data_export


class EraseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account is closed for good and cannot be restored."
        ),
    )


@login_required
def privacy(request):
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data_erase(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error(None, error)  # keyed by field: the message lands at "password"
        else:
            logout(request)
            messages.success(request, _("Your account has been closed and your data erased."))
            return redirect("accounts:login")
    return render(request, "accounts/privacy.html", {"form": form})


@login_required
@require_POST
def privacy_export(request):
    """A POST, so that a link in a mail or an <img> cannot start a download of someone's data."""
    data = personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="courtyard-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
