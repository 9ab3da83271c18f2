"""Who a survey asks: the verified, active residents of the units in its audience; for the
"invited" audience, only the invited people among them (e.g. an event's attendees)."""

from django.db.models import QuerySet

from portal.tenancy.access import Access
from portal.tenancy.models import Residency

from ..models import Audience, Invitee, OnePer, Participation, Survey


def audience_residencies(survey: Survey) -> QuerySet:
    residencies = Residency.objects.filter(
        organization_id=survey.organization_id, is_active=True, verified_at__isnull=False
    )
    if survey.audience == Audience.PROPERTY:
        residencies = residencies.filter(unit__property_id=survey.audience_property_id)
    elif survey.audience == Audience.BUILDING:
        residencies = residencies.filter(unit__building_id=survey.audience_building_id)
    elif survey.audience == Audience.INVITED:
        residencies = residencies.filter(user_id__in=Invitee.objects.filter(
            organization_id=survey.organization_id, survey=survey).values("user_id"))
    return residencies


def residency_in_audience(survey: Survey, residency) -> bool:
    if survey.audience == Audience.PROPERTY:
        return residency.unit.property_id == survey.audience_property_id
    if survey.audience == Audience.BUILDING:
        return residency.unit.building_id == survey.audience_building_id
    return True


def is_invited(survey: Survey, user_id: int | None) -> bool:
    return user_id is not None and Invitee.objects.filter(
        organization_id=survey.organization_id, survey=survey, user_id=user_id
    ).exists()


def my_residencies(access: Access, survey: Survey) -> list:
    """The caller's residencies through which the survey asks them (no query, but one for
    the "invited" audience: is the caller on the list)."""
    if survey.audience == Audience.INVITED:
        if not access.residencies or not is_invited(survey, access.residencies[0].user_id):
            return []
        return list(access.residencies)
    return [r for r in access.residencies if residency_in_audience(survey, r)]


def invited_count(survey: Survey) -> int:
    residencies = audience_residencies(survey)
    field = "unit_id" if survey.one_per == OnePer.UNIT else "user_id"
    return residencies.values(field).distinct().count()


def audience_user_ids(survey: Survey) -> set[int]:
    return set(audience_residencies(survey).values_list("user_id", flat=True))


def waiting_user_ids(survey: Survey) -> set[int]:
    """Residents who still have to answer: for a survey per unit, everyone of a unit that has
    not answered."""
    done = Participation.objects.filter(survey=survey)
    residencies = audience_residencies(survey)
    if survey.one_per == OnePer.UNIT:
        residencies = residencies.exclude(unit_id__in=done.values("unit_id"))
    else:
        residencies = residencies.exclude(user_id__in=done.values("user_id"))
    return set(residencies.values_list("user_id", flat=True))
