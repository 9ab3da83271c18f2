"""One shape for every API error that is not a form's field errors:
``{"detail": "<message in the caller's language>", "code": "<stable machine code>"}``.

DRF gives ``detail`` only; a mobile app needs something stable to branch on (``throttled``,
``not_found``, ``permission_denied`` …) that does not change with the language.
"""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(response.data, dict):
        return response
    if "detail" in response.data and "code" not in response.data:
        code = getattr(response.data["detail"], "code", None)
        response.data["code"] = code or getattr(exc, "default_code", "error")
    return response
