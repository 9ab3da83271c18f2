from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    """Owners' votes (业主表决): a survey kind with one ballot per unit and the legal
    thresholds, kept apart from ordinary surveys because its counting is its own."""

    name = "surveys.votes"
    label = "votes"
    verbose_name = _("Owners' votes")
