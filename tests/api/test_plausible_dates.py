"""Scheduled moments far outside any plan are refused at their field (found by the API fuzz:
a survey opening in the year 1002 came back with a +08:05:43 offset no client parses)."""

import pytest
from django.utils import translation
from rest_framework import serializers

from portal.api.fields import PlausibleDateTimeField


class _Plan(serializers.Serializer):
    opens_at = PlausibleDateTimeField()


@pytest.mark.parametrize("value", ["1002-07-15T08:00:00+08:00", "1899-12-31T23:00:00Z",
                                   "2200-01-01T00:00:00Z"])
def test_a_moment_outside_the_two_centuries_is_refused_at_its_field(value):
    plan = _Plan(data={"opens_at": value})
    assert not plan.is_valid()
    assert plan.errors["opens_at"] == ["Enter a date between 2000 and 2199."]


def test_the_message_is_in_the_callers_language():
    with translation.override("zh-hans"):
        plan = _Plan(data={"opens_at": "1002-07-15T08:00:00+08:00"})
        assert not plan.is_valid()
        assert "2000" in str(plan.errors["opens_at"][0])
        assert "Enter a date" not in str(plan.errors["opens_at"][0])


def test_an_ordinary_moment_passes():
    plan = _Plan(data={"opens_at": "2026-12-01T09:00:00+08:00"})
    assert plan.is_valid(), plan.errors
    assert plan.validated_data["opens_at"].year == 2026
