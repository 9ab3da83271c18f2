"""Owners with verified residencies, staff with property scopes, managers, API tokens.

Every unit has one owner; the remaining owners are household members of the units in turn.
Each property has ``staff_per_property`` staff scoped to it; each organisation has
``managers_per_org`` managers covering all properties. Tokens are derived from the user id,
so that a run can hand them to the load generator without reading them back.
"""

import hashlib

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from portal.tenancy.models import Membership, Residency

from .copy import bulk_load, copy_rows, reset_sequence

NAME = "people"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def token_for(user_id: int) -> str:
    return hashlib.sha1(f"courtyard-bench:{user_id}".encode()).hexdigest()  # noqa: S324


def seed(ctx) -> dict:
    counts, rng, now = ctx.counts, ctx.rng("people"), ctx.now
    units, properties, orgs = ctx.world["units"], ctx.world["properties"], ctx.world["orgs"]
    User = get_user_model()
    users = []  # (id, email, phone, full_name, password, date_joined)
    residencies = []  # (organization, user, unit, relation, verified_at)
    owner_of_unit, staff_of_property, managers_of_org = {}, {}, {}
    memberships = []  # (id, organization, user, role, all_properties, title)
    scopes = []  # (membership, property)

    def person(kind: str) -> int:
        user_id = len(users) + 1
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", *GIVEN))
        users.append((user_id, f"{kind}{user_id}@bench.example", f"+86139{user_id:08d}", name,
                      ctx.password, now))
        return user_id

    for index in range(counts.owners):
        unit_id, org_id, _property_id, _building_id = units[index % len(units)]
        user_id = person("owner")
        relation = "owner" if index < len(units) else "household"
        owner_of_unit.setdefault(unit_id, user_id)
        residencies.append((org_id, user_id, unit_id, relation, now))
    for property_id, org_id in properties:
        for _index in range(counts.staff_per_property):
            user_id = person("staff")
            memberships.append((len(memberships) + 1, org_id, user_id, "staff", False, "客服"))
            scopes.append((len(memberships), property_id))
            staff_of_property.setdefault(property_id, []).append(user_id)
    for org_id, _slug in orgs:
        for _index in range(counts.managers_per_org):
            user_id = person("manager")
            memberships.append((len(memberships) + 1, org_id, user_id, "manager", True, "项目经理"))
            managers_of_org.setdefault(org_id, []).append(user_id)

    with bulk_load(User, Residency):
        copy_rows(User, ["id", "email", "phone", "full_name", "password", "date_joined"], users,
                  now=now)
        copy_rows(Residency, ["organization_id", "user_id", "unit_id", "relation",
                              "verified_at"], residencies, now=now)
    copy_rows(Membership, ["id", "organization_id", "user_id", "role", "all_properties",
                           "title"], memberships, now=now)
    copy_rows(Membership.properties.through, ["membership_id", "property_id"], scopes, now=now)
    for model in (User, Membership):
        reset_sequence(model)

    # Tokens: every staff member and manager, and an even spread of owners for the API.
    owner_ids = [user[0] for user in users if user[1].startswith("owner")]
    step = max(1, len(owner_ids) // counts.owner_tokens)
    token_owners = owner_ids[::step][: counts.owner_tokens]
    staff_ids = [m[2] for m in memberships]
    copy_rows(Token, ["key", "user_id", "created"],
              ((token_for(uid), uid, now) for uid in [*staff_ids, *token_owners]), now=now)

    ctx.world.update(
        # (user, unit) of every verified resident, owners and household: notices and surveys
        residents=[(user, unit) for _org, user, unit, _relation, _at in residencies],
        owner_of_unit=owner_of_unit, staff_of_property=staff_of_property,
        managers_of_org=managers_of_org, token_owners=token_owners,
    )
    return {"users": len(users), "residencies": len(residencies),
            "memberships": len(memberships), "tokens": len(staff_ids) + len(token_owners)}
