from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle

WRITE_SCOPE = "surveys-write"
# Until settings name a rate for the scope: nobody answers or builds surveys faster.
FALLBACK_RATE = "60/min"


class SurveyWriteThrottle(ScopedRateThrottle):
    """Limits each caller's survey writes (reads are not limited): ``surveys-write``."""

    scope_attr = "throttle_scope"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope) or self.THROTTLE_RATES.get(self.scope) or FALLBACK_RATE


class WriteThrottled:
    throttle_classes = [SurveyWriteThrottle]
    throttle_scope = WRITE_SCOPE
