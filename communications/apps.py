from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = _("Communications")

    def ready(self):
        from portal import realtime

        from . import replay

        # Live events are numbered and kept for reconnecting browsers (communications.replay).
        realtime.set_recorder(replay.record)
