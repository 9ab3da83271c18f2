from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Topic


class PreferencesForm(forms.Form):
    """Email and text message per topic, and optional quiet hours."""

    quiet_start = forms.TimeField(
        label=_("Quiet from"), required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet until"), required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Emails and text messages wait until then; urgent ones do not."),
    )

    daily_digest = forms.BooleanField(
        label=_("Daily summary email"), required=False,
        help_text=_("Each morning at 8, an email listing the notifications you have not read "
                    "from the last day. Nothing is sent on a day without any."),
    )

    def __init__(self, *args, for_organization: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_organization:
            # Quiet hours and the digest are the person's, whichever organisation writes.
            for name in ("quiet_start", "quiet_end", "daily_digest"):
                del self.fields[name]
        for topic, label in Topic.choices:
            self.fields[f"{topic}_email"] = forms.BooleanField(
                label=_("%(topic)s: email") % {"topic": label}, required=False
            )
            self.fields[f"{topic}_sms"] = forms.BooleanField(
                label=pgettext_lazy("preferences", "%(topic)s: text message") % {"topic": label},
                required=False,
            )
        self.order_fields([*(f"{t}_{c}" for t in Topic.values for c in ("email", "sms")),
                           "quiet_start", "quiet_end", "daily_digest"])

    def clean(self):
        data = super().clean()
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("Give both times, or neither."))
        return data

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {t: (data[f"{t}_email"], data[f"{t}_sms"]) for t in Topic.values}
