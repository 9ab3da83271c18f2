import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS


def test_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    GENERATOR_STATS.reset()
    stderr = StringIO()
    try:
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--lang", "en",
            "--file", str(tmp_path / "schema.yml"), stderr=stderr,
        )
    except Exception as error:  # the warnings themselves went to stderr
        pytest.fail(f"{error}\n{stderr.getvalue()}")
    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/orgs/{org_slug}/properties/" in schema


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_swagger_ui_loads_nothing_from_another_host(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//""", html, re.I), html
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    static = [url for url in assets if url.startswith(settings.STATIC_URL)]
    assert {url.rsplit("/", 1)[-1] for url in static} >= {
        "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
    }
    for url in static:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_swagger_ui_does_not_send_the_schema_to_the_public_validator():
    # The Swagger UI bundle defaults validatorUrl to https://validator.swagger.io and shows a
    # badge fetched from there for any non-localhost schema URL: a call to another host.
    from drf_spectacular.settings import spectacular_settings

    assert spectacular_settings.SWAGGER_UI_SETTINGS.get("validatorUrl", "default") is None
