"""What every organisation starts with: categories, calendars and SLA policies."""

from django.db import IntegrityError, transaction

from portal.tenancy.models import Organization

from ..models import BusinessCalendar, Category, Priority, SlaPolicy
from ..models.sla import default_ladder, default_weekly_hours
from ..sla.calendar import is_supported_country

# Names are data an organisation may rename, so they are stored in its language rather than
# translated at display time.
DEFAULT_CATEGORIES = [
    (Category.Kind.REPAIR, "报修", "Repair"),
    (Category.Kind.COMPLAINT, "投诉", "Complaint"),
    (Category.Kind.INQUIRY, "咨询", "Inquiry"),
    (Category.Kind.SUGGESTION, "建议", "Suggestion"),
    (Category.Kind.PRAISE, "表扬", "Praise"),
]

# (first response, resolution) in business minutes; a working day is nine hours.
STANDARD_TARGETS = {
    Priority.URGENT: (30, 240),
    Priority.HIGH: (60, 540),
    Priority.NORMAL: (240, 3 * 540),
    Priority.LOW: (480, 5 * 540),
}


def _chinese(organization: Organization) -> bool:
    return organization.language_code.lower().startswith("zh")


def _name(organization: Organization, chinese: str, english: str) -> str:
    return chinese if _chinese(organization) else english


@transaction.atomic
def categories_ensure_defaults(*, organization: Organization) -> list[Category]:
    """Create the default categories of each kind the organisation has none of yet."""
    existing = set(
        Category.objects.filter(organization=organization).values_list("kind", flat=True)
    )
    created = []
    for order, (kind, chinese, english) in enumerate(DEFAULT_CATEGORIES):
        if kind in existing:
            continue
        category, _created = Category.objects.get_or_create(
            organization=organization, name=_name(organization, chinese, english),
            defaults={"kind": kind, "sort_order": order * 10},
        )
        created.append(category)
    return created


def _targets(targets: dict) -> dict:
    fields = {}
    for priority, (first_response, resolution) in targets.items():
        fields[f"first_response_{priority}_minutes"] = first_response
        fields[f"resolution_{priority}_minutes"] = resolution
    return fields


@transaction.atomic
def sla_ensure_defaults(*, organization: Organization) -> SlaPolicy:
    """The organisation's default policy, creating the standard set if it has none: office
    hours with the country's holidays for every priority, and around the clock for urgent."""
    policy = SlaPolicy.objects.filter(organization=organization, is_default=True).first()
    if policy is not None:
        return policy
    country = organization.phone_region if is_supported_country(organization.phone_region) else None
    try:
        with transaction.atomic():  # a concurrent first ticket may be creating the same rows
            office, _created = BusinessCalendar.objects.get_or_create(
                organization=organization, name=_name(organization, "工作时间", "Office hours"),
                defaults={
                    "time_zone": organization.time_zone,
                    "weekly_hours": default_weekly_hours(),
                    "country_code": country,
                },
            )
            always, _created = BusinessCalendar.objects.get_or_create(
                organization=organization, name=_name(organization, "全天候", "Around the clock"),
                defaults={"time_zone": organization.time_zone, "is_24x7": True, "weekly_hours": {}},
            )
            policy = SlaPolicy.objects.create(
                organization=organization, name=_name(organization, "标准", "Standard"),
                calendar=office, is_default=True, escalation_ladder=default_ladder(),
                **_targets(STANDARD_TARGETS),
            )
            SlaPolicy.objects.get_or_create(
                organization=organization,
                name=_name(organization, "紧急（全天候）", "Urgent, around the clock"),
                defaults={
                    "calendar": always, "priority": Priority.URGENT,
                    "escalation_ladder": default_ladder(), **_targets(STANDARD_TARGETS),
                },
            )
    except IntegrityError:
        policy = SlaPolicy.objects.get(organization=organization, is_default=True)
    return policy
