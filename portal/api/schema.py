"""The OpenAPI schema class of the API (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"])."""

from drf_spectacular.openapi import AutoSchema as _AutoSchema


class AutoSchema(_AutoSchema):
    """drf-spectacular wraps every list response of a paginated view in a page; DRF paginates
    only GET lists, so a POST answering with what it created is described as a plain array."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None
