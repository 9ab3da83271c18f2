"""Notices over two years with their audiences, first versions and receipts.

Per organisation: ``notices`` shared out, one published about every week, plus one draft and
one scheduled far ahead (the beat job must not publish it during a run). A published notice
is for the whole organisation, some properties or one building, chosen so that the receipts
reach ``notice_receipts`` where the organisation's residents allow it (at small scales they
do not: two organisations of a few hundred people). Every resident of the audience has a
receipt from publication, with the channels communications would use; most are read, notices
that ask for it are mostly acknowledged and the rest were reminded. Older notices are partly
archived, outages expire after two days. No notice is due for the publish or reminder jobs
(``remind_at`` empty). The notification rows of past publications are left out: the
notifications seeder writes the notification centre's volume.
"""

from collections import defaultdict
from datetime import timedelta

from communications.preferences import RESIDENT, Recipient, channels_for
from notices.models import Notice, NoticeAudience, NoticeReceipt, NoticeVersion
from notices.models.notice import Category, Status

from .copy import bulk_load, copy_rows, reset_sequence
from .places import _split

NAME = "notices"
BODY = ("各位业主：\n\n{what}\n\n如有疑问请联系物业服务中心，电话 400-000-0000。\n\n"
        "**物业服务中心**")
KINDS = [  # (category, title, what, weight)
    (Category.OUTAGE, "停水通知", "因管道维修，明日 9:00–17:00 暂停供水，请提前储水。", 25),
    (Category.GENERAL, "电梯年检通知", "本周三电梯年检，期间部分电梯暂停使用。", 20),
    (Category.GENERAL, "绿化修剪", "下周进行绿化修剪，请勿在草坪停放车辆。", 15),
    (Category.EVENT, "中秋游园活动", "本周六在中心花园举办游园活动，欢迎参加。", 15),
    (Category.SAFETY, "消防安全提示", "请勿在楼道堆放杂物，保持消防通道畅通。", 10),
    (Category.POLICY, "停车管理规定调整", "自下月起实行新的停车管理规定，请阅读并确认。", 10),
    (Category.EMERGENCY, "台风预警", "台风将于今晚登陆，请关好门窗，收回阳台物品。", 5),
]
COLUMNS = ["id", "organization_id", "title", "body", "category", "status",
           "whole_organization", "pinned", "ack_required", "ack_deadline", "publish_at",
           "published_at", "expires_at", "created_by_id", "created_at", "updated_at"]
RECEIPT = ["organization_id", "notice_id", "user_id", "unit_id", "delivered_at", "channel",
           "read_at", "acknowledged_at", "paper_delivered_at", "paper_delivered_by_id",
           "reminded_at"]


def _channels(category: str) -> str:
    """What communications chooses for a resident with email and phone and no preference."""
    outside = channels_for(
        recipient=Recipient(0, "x@bench.example", "+8613900000000"), row=None,
        kind="notice.published", audience=RESIDENT, urgent=category == Category.OUTAGE,
        emergency=category == Category.EMERGENCY)
    return ",".join(["web", *sorted(outside)])


class _Places:
    """One organisation's residents by property and building."""

    def __init__(self, units, residents):
        self.by_property, self.by_building = defaultdict(list), defaultdict(list)
        self.building_property = {}
        where = {unit: (prop, building) for unit, _org, prop, building in units}
        for user, unit in residents:
            prop, building = where[unit]
            self.by_property[prop].append((user, unit))
            self.by_building[building].append((user, unit))
            self.building_property[building] = prop
        self.everyone = [r for people in self.by_property.values() for r in people]

    def audience(self, rng, want: float):
        """(whole organisation, property ids, building ids, residents) of about ``want``."""
        if want >= 0.9 * len(self.everyone):
            return True, [], [], self.everyone
        smallest = min(len(people) for people in self.by_property.values())
        if want < smallest / 2:
            building = rng.choice(sorted(self.by_building))
            return False, [], [building], self.by_building[building]
        chosen, people = [], []
        for prop in rng.sample(sorted(self.by_property), len(self.by_property)):
            if len(people) >= want:
                break
            chosen.append(prop)
            people += self.by_property[prop]
        return False, sorted(chosen), [], people


def seed(ctx) -> dict:
    counts, rng, now, world = ctx.counts, ctx.rng("notices"), ctx.now, ctx.world
    orgs = [org_id for org_id, _slug in world["orgs"]]
    units_of = defaultdict(list)
    for unit in world["units"]:
        units_of[unit[1]].append(unit)
    org_of_unit = {unit[0]: unit[1] for unit in world["units"]}
    residents_of = defaultdict(list)
    for user, unit in world["residents"]:
        residents_of[org_of_unit[unit]].append((user, unit))
    staff = world["staff_of_property"]
    channel_of = {category: _channels(category) for category, *_rest in KINDS}
    weights = [kind[3] for kind in KINDS]

    notices, versions, audiences, receipts_plan = [], [], [], []
    notice_id = 0
    for org_id, total, target in zip(orgs, _split(counts.notices, len(orgs)),
                                     _split(counts.notice_receipts, len(orgs)), strict=True):
        places = _Places(units_of[org_id], residents_of[org_id])
        author = world["managers_of_org"][org_id][0]
        published = max(total - 2, 1)
        # Oldest first, about one a week over two years; the newest two are pinned.
        moments = sorted(now - timedelta(days=rng.uniform(0.2, 730)) for _ in range(published))
        written = 0
        for index in range(total):
            notice_id += 1
            category, title, what, _weight = rng.choices(KINDS, weights)[0]
            ack = category == Category.POLICY or (category == Category.SAFETY
                                                  and rng.random() < 0.5)
            row = dict.fromkeys(COLUMNS)
            row.update(id=notice_id, organization_id=org_id, title=title,
                       body=BODY.format(what=what), category=category, whole_organization=False,
                       pinned=False, ack_required=ack, created_by_id=author)
            if index < published:
                at = moments[index]
                left = published - index
                # Sizes vary (a building's outage, some properties, everyone); what one notice
                # leaves short or over, the next ones make up.
                want = (target - written) / left * rng.choice((0.05, 0.5, 1, 1, 1.5, 3))
                whole, props, buildings, people = places.audience(rng, want)
                written += len(people)
                archived = at < now - timedelta(days=180) and rng.random() < 0.5
                row.update(
                    status=Status.ARCHIVED if archived else Status.PUBLISHED,
                    whole_organization=whole, pinned=index >= published - 2,
                    ack_deadline=at + timedelta(days=7) if ack else None, published_at=at,
                    expires_at=at + timedelta(days=2) if category == Category.OUTAGE else None,
                    created_at=at - timedelta(hours=2), updated_at=at,
                )
                receipts_plan.append((notice_id, org_id, at, ack, channel_of[category], people))
            else:  # a draft and one scheduled a year ahead: nothing sent, nothing due
                at = now - timedelta(days=rng.uniform(0.1, 5))
                scheduled = index == total - 1 and total > 1
                whole, props, buildings, _people = places.audience(rng, 0)
                row.update(status=Status.SCHEDULED if scheduled else Status.DRAFT,
                           publish_at=now + timedelta(days=365) if scheduled else None,
                           created_at=at, updated_at=at)
            notices.append(tuple(row[column] for column in COLUMNS))
            versions.append((org_id, notice_id, 1, row["title"], row["body"], category,
                             author, row["created_at"]))
            audiences += [(org_id, notice_id, prop, None) for prop in props]
            audiences += [(org_id, notice_id, places.building_property[b], b) for b in buildings]

    def receipt_rows():
        for notice, org_id, at, ack, channel, people in receipts_plan:
            for user, unit in people:
                read = at + timedelta(hours=rng.expovariate(1 / 18)) if rng.random() < 0.65 \
                    else None
                acknowledged = None
                if ack and rng.random() < 0.6:
                    acknowledged = at + timedelta(hours=rng.uniform(1, 120))
                    read = read if read is not None and read < acknowledged else acknowledged
                reminded = (at + timedelta(days=3) if ack and acknowledged is None
                            and at + timedelta(days=3) < now else None)
                paper = paper_by = None
                if rng.random() < 0.02:
                    paper = at + timedelta(days=1)
                    paper_by = rng.choice(staff[units_by_id[unit]])
                yield (org_id, notice, user, unit, at, channel,
                       read if read is None or read < now else None,
                       acknowledged if acknowledged is None or acknowledged < now else None,
                       paper, paper_by, reminded)

    units_by_id = {unit: prop for unit, _org, prop, _building in world["units"]}
    copy_rows(Notice, COLUMNS, notices, now=now)
    reset_sequence(Notice)
    copy_rows(NoticeVersion, ["organization_id", "notice_id", "number", "title", "body",
                              "category", "edited_by_id", "created_at"], versions, now=now)
    copy_rows(NoticeAudience, ["organization_id", "notice_id", "property_id", "building_id"],
              audiences, now=now)
    with bulk_load(NoticeReceipt):
        receipts = copy_rows(NoticeReceipt, RECEIPT, receipt_rows(), now=now)
    return {"notices": len(notices), "audience_rows": len(audiences), "receipts": receipts}
