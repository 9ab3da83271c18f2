"""collectstatic for a run: hashed names and the manifest the production storage reads, but
without its gzip/brotli pass (about 40 s on two cores; compression changes no timing here,
the load generator asks for no static files)."""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
