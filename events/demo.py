"""Seed step 500: community events for sunrise, a few weeks around today: a health check for
elderly owners that is nearly full with a waitlist, classes, a festival, a past event with
check-ins, a draft. Matched on titles; registrations on (event, person)."""

import datetime as dt
from zoneinfo import ZoneInfo

from portal.demo import DemoContext, OrgSeed, seed_step

from .models import Event, Registration
from .services.schedule import next_reminder_at

S = Registration.Status
# (title, description, days from today, start, hours, place, audience, capacity, party,
#  price, status, people who register (beyond capacity they go on the waitlist))
PLAN = [
    ("中秋游园会", "猜灯谜、做月饼、亲子游戏，欢迎全家参加。", 5, (18, 30), 2.5,
     "小区中心广场", "org", 200, 4, "免费", "published", 40),
    ("老年人免费健康体检", "社区卫生服务中心医生上门：血压、血糖、心电图。请空腹前来。",
     2, (8, 30), 3,
     "会所一楼活动室", "property", 30, 2, "免费", "published", 26),
    ("儿童书法兴趣课", "由退休教师授课，适合 6–12 岁儿童，笔墨纸砚由物业提供。", 10, (15, 0), 1.5,
     "会所二楼多功能厅", "property", 15, 2, "¥30/人（含材料）", "published", 6),
    ("Garden clean-up morning", "Planting, weeding and a coffee afterwards. Gloves provided.",
     12, (9, 0), 2, "North lawn, Building 1", "building", 25, 3, "Free", "published", 5),
    ("业主座谈会：电梯更新改造", "听取业主对电梯更新方案和维修资金使用的意见。", 1, (19, 0), 1.5,
     "会所三楼会议室", "property", 40, 1, "", "published", 12),
    ("垃圾分类宣传活动", "现场讲解分类方法，参与即送环保袋。", -20, (9, 30), 2,
     "小区南门", "property", 60, 3, "免费", "published", 25),
    ("新春联欢会", "节目征集中，欢迎业主报名表演。", 40, (19, 0), 2.5,
     "小区中心广场", "org", 300, 4, "免费", "draft", 0),
]


@seed_step(order=500)
def events(ctx: DemoContext) -> None:
    seed = ctx.orgs.get("sunrise")
    if seed is None:
        return
    org = seed.organization
    zone = ZoneInfo(org.time_zone)
    today = ctx.now.astimezone(zone).date()
    units = {unit.pk: unit for unit in seed.units}
    owner = seed.people.get("owner")
    owner_unit = next(
        (units[r.unit_id] for r in seed.residencies if owner and r.user_id == owner.pk), None
    ) or seed.units[0]
    prop = next(p for p in seed.properties if p.pk == owner_unit.property_id)
    building = next(b for b in seed.buildings if b.pk == owner_unit.building_id)

    planned = []
    for (title, description, days, (hour, minute), hours, place, audience, capacity, party,
         price, status, _people) in PLAN:
        starts = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute),
                                     tzinfo=zone)
        event = Event(
            organization=org, title=title, description=description, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours), place=place, capacity=capacity,
            max_party_size=party, price_text=price, status=status,
            property=prop if audience != "org" else None,
            building=building if audience == "building" else None,
            registration_closes_at=starts - dt.timedelta(hours=2),
            created_by=seed.people.get("manager"),
        )
        event.next_reminder_at = next_reminder_at(event, ctx.now)
        planned.append(event)
    saved = ctx.ensure(Event.objects.filter(organization=org), planned, key=("title",))
    _registrations(ctx, seed, saved, units, owner)


def _registrations(ctx: DemoContext, seed: OrgSeed, saved: dict, units: dict, owner) -> None:
    rng = ctx.rng("events")
    org = seed.organization
    verified = [r for r in seed.residencies if r.verified_at is not None]
    rows = []
    for (title, *_rest, capacity, party, _price, _status, count) in PLAN:
        event = saved[(title,)]
        eligible = [
            r for r in verified
            if (event.property_id is None or units[r.unit_id].property_id == event.property_id)
            and (event.building_id is None or units[r.unit_id].building_id == event.building_id)
        ]
        people = {r.user_id: r for r in eligible}
        chosen = rng.sample(sorted(people), min(count, len(people)))
        if owner is not None and owner.pk in people and title == "老年人免费健康体检":
            chosen = [owner.pk, *[p for p in chosen if p != owner.pk]][: len(chosen)]
        taken = 0
        past = event.ends_at < ctx.now
        for user_id in chosen:
            size = rng.randint(1, party)
            confirmed = taken + size <= capacity
            taken += size if confirmed else 0
            attended = past and confirmed and rng.random() < 0.8
            rows.append(Registration(
                organization=org, event=event, user_id=user_id,
                unit_id=people[user_id].unit_id, party_size=size,
                status=S.CONFIRMED if confirmed else S.WAITLISTED,
                checked_in_at=event.starts_at + dt.timedelta(minutes=rng.randint(0, 40))
                if attended else None,
            ))
    # In plan order: the waitlist is ordered by registration time, then by id.
    ctx.ensure(Registration.objects.filter(organization=org), rows, key=("event_id", "user_id"))
