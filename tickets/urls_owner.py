"""Filled in by the owner pages."""

urlpatterns = []
