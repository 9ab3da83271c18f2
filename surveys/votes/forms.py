"""Forms of the vote pages. The services check everything again; these turn inputs into
what the services take."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Ballot, Matter
from .services import MatterInput
from .tally import ABSTAIN, AGAINST, FOR

MATTER_ROWS = 6
CHOICE_LABELS = [(FOR, _("For")), (AGAINST, _("Against")), (ABSTAIN, _("Abstain"))]


class VoteForm(forms.Form):
    property = forms.ModelChoiceField(label=_("Property"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False)
    announce_days = forms.IntegerField(
        label=_("Days of announcement"), min_value=0, max_value=365, initial=15,
        help_text=_("The topic is announced as a notice at least this many days before voting "
                    "opens."),
    )
    opens_at = forms.DateTimeField(
        label=_("Voting opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Voting closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, properties, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = properties
        if editing:
            self.fields["property"].disabled = True
        for index in range(1, MATTER_ROWS + 1):
            self.fields[f"matter_{index}"] = forms.CharField(
                label=_("Resolution %(number)s") % {"number": index}, max_length=300,
                required=index == 1,
            )
            self.fields[f"class_{index}"] = forms.ChoiceField(
                label=_("Class of resolution %(number)s") % {"number": index},
                choices=Matter.Class.choices, initial=Matter.Class.ORDINARY,
                help_text=Matter._meta.get_field("matter_class").help_text if index == 1 else "",
            )

    def matter_rows(self):
        return [(self[f"matter_{i}"], self[f"class_{i}"]) for i in range(1, MATTER_ROWS + 1)]

    def matters(self) -> list[MatterInput]:
        return [
            MatterInput(self.cleaned_data[f"matter_{i}"], self.cleaned_data[f"class_{i}"])
            for i in range(1, MATTER_ROWS + 1) if self.cleaned_data.get(f"matter_{i}")
        ]

    @staticmethod
    def initial_for(vote) -> dict:
        initial = {
            "property": vote.property_id, "title": vote.title, "description": vote.description,
            "announce_days": vote.announce_days, "opens_at": vote.opens_at,
            "closes_at": vote.closes_at,
        }
        for matter in vote.matters.all():
            initial[f"matter_{matter.position}"] = matter.title
            initial[f"class_{matter.position}"] = matter.matter_class
        return initial


class BallotForm(forms.Form):
    """One ballot: a for/against/abstain choice per matter, named ``matter_<pk>``."""

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.matters = list(matters)
        for matter in self.matters:
            self.fields[f"matter_{matter.pk}"] = forms.ChoiceField(
                label=matter.title, choices=CHOICE_LABELS, widget=forms.RadioSelect,
            )

    def choices(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"matter_{m.pk}"] for m in self.matters}


class PaperBallotForm(BallotForm):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, choices=())
    channel = forms.ChoiceField(
        label=_("Kind"), choices=[(Ballot.Channel.PAPER, Ballot.Channel.PAPER.label),
                                  (Ballot.Channel.PROXY, Ballot.Channel.PROXY.label)],
    )
    signed_by = forms.CharField(
        label=_("Signed by"), max_length=200,
        help_text=_("The owner who signed, or for a proxy the owner and the proxy holder."),
    )
    attachment = forms.FileField(
        label=_("Scan of the signed ballot or proxy"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    field_order = ["unit", "channel", "signed_by", "attachment"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "---------")] + [
            (unit.pk, str(unit)) for unit in units
        ]
        self.order_fields(self.field_order)
