"""Filled in by the manage pages."""

urlpatterns = []
