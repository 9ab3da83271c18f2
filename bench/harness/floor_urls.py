"""A view that does nothing but answer JSON: the floor every page and API call stands on."""

from django.http import JsonResponse
from django.urls import path


def floor(request):
    return JsonResponse({"ok": True, "path": request.path})


urlpatterns = [path("floor/", floor)]
