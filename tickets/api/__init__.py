"""The tickets REST API under ``/api/v1/orgs/<org_slug>/`` (DESIGN §7).

Views parse input and call the same services and selectors as the pages; routes are in
:mod:`tickets.api.urls`, included by portal/api/urls.py.
"""
