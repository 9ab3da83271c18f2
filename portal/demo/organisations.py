"""Seed step 0: organisations, properties, buildings, units, assets, staff and residents.

Every row is matched on its natural key (organisation slug, property name, building name,
unit number, asset code, a person's email or phone number), so a second run finds everything
in place and writes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from portal.tenancy.models import (
    Asset,
    Building,
    Membership,
    Organization,
    Property,
    Residency,
    Unit,
)

from .people import PhoneBook, chinese_name
from .plans import ALL, FIXED_PHONES, ORGANISATIONS, OrgPlan, PropertyPlan
from .registry import DEMO_PASSWORD, DemoContext, Login, OrgSeed, seed_step

ELDERLY_SHARE = 0.08  # owners who turn on large text, as many older owners would


@seed_step(order=0)
def organisations(ctx: DemoContext) -> None:
    for plan in ORGANISATIONS:
        ctx.orgs[plan.slug] = _seed_org(ctx, plan)


def _seed_org(ctx: DemoContext, plan: OrgPlan) -> OrgSeed:
    org = ctx.ensure(
        Organization.objects.filter(slug=plan.slug),
        [Organization(slug=plan.slug, name=plan.name)],
        key=("slug",),
        update=("name", "is_active"),
    )[(plan.slug,)]
    seed = OrgSeed(organization=org)
    placed = _seed_places(ctx, plan, seed)
    # One phone book per organisation, drawn in a fixed order: staff first, then residents.
    phones = PhoneBook(ctx.rng(f"{plan.slug}:phones"), FIXED_PHONES)
    _seed_staff(ctx, plan, seed, phones)
    _seed_residents(ctx, plan, seed, phones, placed)
    return seed


def _seed_places(ctx: DemoContext, plan: OrgPlan, seed: OrgSeed) -> list[tuple]:
    """Properties, buildings, units and assets; returns (property index, building number, unit)
    for every unit, in plan order."""
    org = seed.organization
    rng = ctx.rng(f"{plan.slug}:places")
    properties = ctx.ensure(
        Property.objects.filter(organization=org),
        [Property(organization=org, name=p.name, address=p.address) for p in plan.properties],
        key=("name",),
        update=("address",),
    )
    seed.properties = list(properties.values())
    buildings = ctx.ensure(
        Building.objects.filter(organization=org),
        [
            Building(organization=org, property=prop, name=b.name)
            for prop, p in zip(seed.properties, plan.properties, strict=True)
            for b in p.buildings
        ],
        key=("property_id", "name"),
    )
    seed.buildings = list(buildings.values())

    placed, units, assets = [], [], []
    for index, (prop, property_plan) in enumerate(
        zip(seed.properties, plan.properties, strict=True)
    ):
        for building_plan in property_plan.buildings:
            building = buildings[(prop.pk, building_plan.name)]
            low, high = building_plan.area_range
            # One floor plan per stairwell: home 01 is the larger one on every floor.
            areas = sorted(
                (Decimal(f"{rng.uniform(low, high):.2f}") for _ in
                 range(building_plan.homes_per_floor)),
                reverse=True,
            )
            for entrance in range(1, building_plan.entrances + 1):
                for floor in range(1, building_plan.storeys + 1):
                    for position, area in enumerate(areas, start=1):
                        unit = Unit(
                            organization=org, property=prop, building=building,
                            number=f"{entrance}-{floor}{position:02d}", floor=floor, area=area,
                        )
                        units.append(unit)
                        placed.append((index, building_plan.number, unit))
                for lift in range(1, building_plan.elevators_per_entrance + 1):
                    where = f"{entrance}单元 " if building_plan.entrances > 1 else ""
                    assets.append(Asset(
                        organization=org, property=prop, building=building,
                        kind=Asset.Kind.ELEVATOR, name=f"{building.name} {where}{lift}号电梯",
                        code=f"{property_plan.code}-{building_plan.number}-{entrance}-L{lift}",
                    ))
        assets += _property_assets(org, prop, property_plan)

    saved_units = ctx.ensure(
        Unit.objects.filter(organization=org), units,
        key=("building_id", "number"), update=("property_id", "floor", "area"),
    )
    seed.units = list(saved_units.values())
    seed.assets = list(ctx.ensure(
        Asset.objects.filter(organization=org), assets,
        key=("code",), update=("property_id", "building_id", "name", "kind"),
    ).values())
    return [
        (index, number, saved_units[(unit.building_id, unit.number)])
        for index, number, unit in placed
    ]


def _property_assets(org, prop, plan: PropertyPlan) -> list[Asset]:
    kind = Asset.Kind
    shared = [
        ("P1", kind.PUMP, "二次供水 1号水泵"),
        ("P2", kind.PUMP, "二次供水 2号水泵"),
        ("F1", kind.FIRE, "消防水泵"),
        ("G1", kind.GATE, "东门 车辆道闸"),
        ("G2", kind.GATE, "南门 人行门禁"),
    ]
    return [
        Asset(organization=org, property=prop, kind=k, name=name, code=f"{plan.code}-{code}")
        for code, k, name in shared
    ]


def _person(ctx: DemoContext, *, full_name: str, email: str = "", phone: str = "", joined=None):
    return get_user_model()(
        email=email or None, phone=phone or None, full_name=full_name, is_active=True,
        password=ctx.password_hash, date_joined=joined or ctx.now,
    )


def _seed_staff(ctx: DemoContext, plan: OrgPlan, seed: OrgSeed, phones: PhoneBook) -> None:
    org = seed.organization
    rng = ctx.rng(f"{plan.slug}:staff")
    planned = [
        _person(
            ctx, email=f"{staff.login}@{plan.slug}.example", phone=staff.phone or phones.next(),
            full_name=staff.full_name or chinese_name(rng),
        )
        for staff in plan.staff
    ]
    users = _ensure_people(ctx, planned, key="email", update=("full_name", "phone", "is_active"))
    memberships = ctx.ensure(
        Membership.objects.filter(organization=org),
        [
            Membership(
                organization=org, user=user, role=staff.role, all_properties=staff.scope == ALL,
                title=staff.title,
            )
            for staff, user in zip(plan.staff, users, strict=True)
        ],
        key=("user_id",),
        update=("role", "all_properties", "title", "is_active"),
    )
    seed.memberships = list(memberships.values())
    scope = Membership.properties.through
    ctx.ensure(
        scope.objects.filter(membership__organization=org),
        [
            scope(membership_id=membership.pk, property_id=seed.properties[index].pk)
            for staff, membership in zip(plan.staff, seed.memberships, strict=True)
            if staff.scope != ALL
            for index in staff.scope
        ],
        key=("membership_id", "property_id"),
    )
    for staff, user, fresh in zip(plan.staff, users, planned, strict=True):
        seed.people[staff.login] = user
        if staff.listed:
            _keep_demo_password(ctx, user, fresh)
            note = "scope: all properties" if staff.scope == ALL else "scope: " + " + ".join(
                seed.properties[i].name for i in staff.scope
            )
            ctx.logins.append(Login(plan.slug, staff.role, user.email, user.phone, note))


def _seed_residents(ctx, plan: OrgPlan, seed: OrgSeed, phones: PhoneBook, placed) -> None:
    org = seed.organization
    rng = ctx.rng(f"{plan.slug}:residents")
    fixed = {(o.property, o.building, o.number): o for o in plan.owners}
    people, ties = [], []  # ties: (unit, person, relation, verified_at)
    for index, building_number, unit in placed:
        # Draw the same numbers for every unit, fixed owner or not, so the rest stay put.
        since = ctx.now - timedelta(days=rng.randint(14, 1500))
        owner = _person(ctx, full_name=chinese_name(rng), phone=phones.next(), joined=since)
        owner.large_text = rng.random() < ELDERLY_SHARE
        draw = rng.random()
        members = 2 if draw < plan.household_share / 4 else int(draw < plan.household_share)
        household = []
        for _ in range(members):
            # Children usually take the owner's surname; spouses keep their own in China.
            surname = owner.full_name[0] if rng.random() < 0.5 else None
            household.append(
                _person(ctx, full_name=chinese_name(rng, surname), phone=phones.next(),
                        joined=since)
            )
        if chosen := fixed.get((index, building_number, unit.number)):
            owner = _person(ctx, full_name=chosen.full_name, email=chosen.email,
                            phone=chosen.phone, joined=since)
            household = [_person(ctx, full_name=name, phone=phone, joined=since)
                         for name, phone in chosen.household]
            seed.people[chosen.email.split("@")[0]] = owner
            for number, member in enumerate(household, start=1):
                seed.people["household" if number == 1 else f"household{number}"] = member
            ctx.logins.append(Login(
                plan.slug, "owner", chosen.email, chosen.phone,
                f"{unit.building} {unit.number}"
                + (", with a household member" if household else ""),
            ))
        people += [owner, *household]
        ties.append((unit, owner, Residency.Relation.OWNER, since))
        ties += [(unit, member, Residency.Relation.HOUSEHOLD, since) for member in household]

    if plan.pending_renters:
        # Unverified applications, so that the verification queue has something to show.
        candidates = [unit for index, _b, unit in placed if index == plan.pending_property]
        for unit in rng.sample(candidates, plan.pending_renters):
            renter = _person(ctx, full_name=chinese_name(rng), phone=phones.next())
            people.append(renter)
            ties.append((unit, renter, Residency.Relation.RENTER, None))

    saved = {}
    with_email = [p for p in people if p.email]
    for person, user in zip(
        with_email, _ensure_people(ctx, with_email, key="email",
                                   update=("full_name", "phone", "is_active")), strict=True
    ):
        saved[id(person)] = user
        _keep_demo_password(ctx, user, person)
    phone_only = [p for p in people if not p.email]
    for person, user in zip(
        phone_only, _ensure_people(ctx, phone_only, key="phone",
                                   update=("full_name", "is_active")), strict=True
    ):
        saved[id(person)] = user
    for key, person in list(seed.people.items()):
        seed.people[key] = saved.get(id(person), person)

    admin = seed.people["admin"]
    seed.residencies = list(ctx.ensure(
        Residency.objects.filter(organization=org),
        [
            Residency(
                organization=org, unit=unit, user=saved[id(person)], relation=relation,
                verified_at=verified_at, verified_by=admin if verified_at else None,
            )
            for unit, person, relation, verified_at in ties
        ],
        key=("unit_id", "user_id"),
        update=("relation", "is_active"),
    ).values())


def _ensure_people(ctx: DemoContext, planned: list, *, key: str, update: tuple) -> list:
    """The saved users for ``planned``, in the same order, matched by email or phone."""
    User = get_user_model()
    values = [getattr(person, key) for person in planned]
    saved = ctx.ensure(
        User.objects.filter(**{f"{key}__in": values}), planned, key=(key,), update=update
    )
    return [saved[(value,)] for value in values]


def _keep_demo_password(ctx: DemoContext, user, planned) -> None:
    """A published login must work even if someone changed its password in an earlier demo."""
    if user is planned or user.check_password(DEMO_PASSWORD):
        return  # just created with the demo password
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    ctx.updated[user._meta.label] += 1

