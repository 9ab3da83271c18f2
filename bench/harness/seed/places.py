"""Organisations with their ticket defaults, properties, buildings and units."""

from portal.tenancy.models import Building, Organization, Property, Unit
from tickets.models import Category
from tickets.services import categories_ensure_defaults, sla_ensure_defaults

from .copy import copy_rows, reset_sequence

NAME = "places"
DISTRICTS = ["浦东", "徐汇", "静安", "闵行", "海淀", "朝阳", "南山", "福田", "西湖", "天河"]


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal shares (the first ones one larger)."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def seed(ctx) -> dict:
    counts, rng = ctx.counts, ctx.rng("places")
    orgs = Organization.objects.bulk_create(
        Organization(slug=f"bench-{index:02d}", name=f"基准物业 {index:02d}")
        for index in range(counts.organisations)
    )
    categories, policies = {}, {}
    for org in orgs:  # twenty organisations: the services, as a new organisation would get
        categories_ensure_defaults(organization=org)
        policy = sla_ensure_defaults(organization=org)
        policies[org.pk] = policy
        categories[org.pk] = list(
            Category.objects.filter(organization=org).values_list("pk", "default_team_id")
        )
    properties = []
    for org, share in zip(orgs, _split(counts.properties, len(orgs)), strict=True):
        properties += Property.objects.bulk_create(
            Property(organization=org, name=f"{rng.choice(DISTRICTS)}花园 {index + 1:03d}",
                     address=f"{rng.choice(DISTRICTS)}区 {rng.randint(1, 999)} 号")
            for index in range(share)
        )
    buildings = []
    for prop, share in zip(properties, _split(counts.buildings, len(properties)), strict=True):
        buildings += [
            Building(organization_id=prop.organization_id, property=prop, name=f"{index + 1}栋")
            for index in range(share)
        ]
    buildings = Building.objects.bulk_create(buildings, batch_size=2000)
    units = []  # (id, org, property, building)

    def unit_rows():
        per_building = _split(counts.units, len(buildings))
        unit_id = 0
        for building, share in zip(buildings, per_building, strict=True):
            for index in range(share):
                unit_id += 1
                floor = index // 4 + 1
                number = f"{floor}{index % 4 + 1:02d}"
                units.append((unit_id, building.organization_id, building.property_id,
                              building.pk))
                yield (unit_id, building.organization_id, building.property_id, building.pk,
                       number, floor, rng.choice((68, 89, 96, 120, 143)))

    written = copy_rows(Unit, ["id", "organization_id", "property_id", "building_id", "number",
                               "floor", "area"], unit_rows(), now=ctx.now)
    reset_sequence(Unit)
    ctx.world.update(
        orgs=[(org.pk, org.slug) for org in orgs], policies=policies, categories=categories,
        properties=[(prop.pk, prop.organization_id) for prop in properties], units=units,
    )
    return {"organisations": len(orgs), "properties": len(properties),
            "buildings": len(buildings), "units": written}
