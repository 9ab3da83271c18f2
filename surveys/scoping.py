"""Which surveys and responses staff limited to some properties reach (DESIGN §4.2).

Mirrors notices (``notices.selectors.staff_notices`` and ``receipt_rates``): a survey is within
reach when it asks the whole organisation or its audience touches one of the caller's
properties; of a survey reaching beyond them (organisation-wide, or invited people living in
several properties) the caller reads only the responses from their own properties, and the
response rate is taken over the people asked there.

The "invited" audience (an event's attendees) touches the properties where the invitees live,
not the event's property: surveys cannot see events (the dependency points the other way),
and a response is filed under the respondent's unit, so the survey counts where its answers
are counted. An org-wide event's feedback thus lands, like an org-wide survey, in every
property its guests come from.
"""

from django.db.models import Count, Exists, OuterRef, Q

from portal.tenancy.access import Access
from portal.tenancy.models import Residency

from .models import Audience, Invitee, OnePer, Response, ResponseStatus, Survey
from .services.audience import audience_residencies

EVERYTHING = Q(pk__isnull=False)  # not Q(): an empty Q vanishes when combined with "|"


def reach_property_ids(access: Access) -> list[int] | None:
    """The caller's properties; None when they cover the whole organisation."""
    if access.sees_all_properties:
        return None
    return sorted(access.scoped_property_ids)


def _residents_of(organization_id: int, property_ids: list[int]):
    return Residency.objects.filter(
        organization_id=organization_id, is_active=True, verified_at__isnull=False,
        unit__property_id__in=property_ids,
    )


def touching(organization_id: int, property_ids: list[int] | None) -> Q:
    """Surveys whose audience touches one of ``property_ids`` (None: no limit)."""
    if property_ids is None:
        return EVERYTHING
    invitee_lives_there = Invitee.objects.filter(
        organization_id=organization_id, survey_id=OuterRef("pk"),
        user_id__in=_residents_of(organization_id, property_ids).values("user_id"),
    )
    return (
        Q(audience=Audience.ORGANIZATION)
        | Q(audience__in=[Audience.PROPERTY, Audience.BUILDING],
            audience_property_id__in=property_ids)
        | (Q(audience=Audience.INVITED) & Exists(invitee_lives_there))
    )


def reachable(access: Access) -> Q:
    """What staff may open. An "invited" draft nobody is invited to yet (an event's feedback
    before the event) asks no one in particular: every manager may prepare it."""
    property_ids = reach_property_ids(access)
    if property_ids is None:
        return EVERYTHING
    anyone_invited = Invitee.objects.filter(organization_id=access.organization.pk,
                                            survey_id=OuterRef("pk"))
    return (touching(access.organization.pk, property_ids)
            | (Q(audience=Audience.INVITED) & ~Exists(anyone_invited)))


def response_reach(access: Access, survey: Survey) -> list[int] | None:
    """The properties whose responses the caller reads; None for all of the survey's (the
    survey lies within their properties, or they cover the whole organisation)."""
    property_ids = reach_property_ids(access)
    if property_ids is None:
        return None
    if (survey.audience in (Audience.PROPERTY, Audience.BUILDING)
            and survey.audience_property_id in property_ids):
        return None
    return property_ids


def invited_within(survey: Survey, property_ids: list[int]) -> int:
    """How many of those the survey asks live in ``property_ids``, counted now: the opening
    snapshot (``invited_count``) is organisation-wide and has no breakdown."""
    field = "unit_id" if survey.one_per == OnePer.UNIT else "user_id"
    return (audience_residencies(survey).filter(unit__property_id__in=property_ids)
            .values(field).distinct().count())


def reach_counts(access: Access, surveys) -> dict[int, tuple[int, int]]:
    """{survey id: (submitted responses, people or units asked)} as the caller may see them;
    at most four queries whatever the number of surveys."""
    surveys = list(surveys)
    property_ids = reach_property_ids(access)
    limited = {s.pk: s for s in surveys if response_reach(access, s) is not None}
    whole = [s.pk for s in surveys if s.pk not in limited]
    responses: dict[int, int] = {}
    if whole:
        responses.update(
            Response.objects.filter(survey_id__in=whole, status=ResponseStatus.SUBMITTED)
            .values("survey_id").annotate(n=Count("id")).values_list("survey_id", "n"))
    invited = {s.pk: s.invited_count for s in surveys if s.pk not in limited}
    if limited:
        responses.update(
            Response.objects.filter(survey_id__in=list(limited), status=ResponseStatus.SUBMITTED,
                                    property_id__in=property_ids)
            .values("survey_id").annotate(n=Count("id")).values_list("survey_id", "n"))
        invited.update(_invited_within_many(access.organization.pk, limited, property_ids))
    return {s.pk: (responses.get(s.pk, 0), invited.get(s.pk, 0)) for s in surveys}


def _invited_within_many(organization_id: int, surveys: dict, property_ids: list[int]):
    """``invited_within`` for many surveys: one query for the organisation-wide ones, one for
    the invited ones."""
    counts = {}
    if any(s.audience == Audience.ORGANIZATION for s in surveys.values()):
        everyone = _residents_of(organization_id, property_ids).aggregate(
            users=Count("user_id", distinct=True), units=Count("unit_id", distinct=True))
        for survey in surveys.values():
            if survey.audience == Audience.ORGANIZATION:
                counts[survey.pk] = everyone[
                    "units" if survey.one_per == OnePer.UNIT else "users"]
    invited = [pk for pk, s in surveys.items() if s.audience == Audience.INVITED]
    if invited:
        # The residency conditions in one filter() so that they hold for the same residency.
        rows = Invitee.objects.filter(
            organization_id=organization_id, survey_id__in=invited,
            user__residencies__organization_id=organization_id,
            user__residencies__is_active=True, user__residencies__verified_at__isnull=False,
            user__residencies__unit__property_id__in=property_ids,
        ).values("survey_id").annotate(
            users=Count("user_id", distinct=True),
            units=Count("user__residencies__unit_id", distinct=True),
        )
        for row in rows:
            survey = surveys[row["survey_id"]]
            counts[survey.pk] = row["units" if survey.one_per == OnePer.UNIT else "users"]
    return counts
