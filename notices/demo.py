"""Seed step 300: a few realistic notices per demo organisation (an outage that must be
acknowledged, a lift inspection, a policy, one scheduled and one draft) and sunrise's
disclosure register with its items and publications, one of them corrected.

Notices are matched on their titles and created through the services (so receipts and
notifications exist like in real life) only when missing: a second run writes nothing.
"""

import datetime as dt

from django.utils import timezone

from portal.demo import DemoContext, OrgSeed, seed_step
from portal.tenancy.access import compute_access

from .models import DisclosureItem, DisclosurePublication, Notice, NoticeReceipt
from .services import notice_acknowledge, notice_create, notice_mark_read, notice_publish
from .services.disclosures import disclosure_item_save, disclosure_publish

OUTAGE_EN = ("Water will be **off on Thursday, 9:00–15:00** in building 1 while the booster "
             "pumps are serviced. Please store water beforehand and keep taps closed.")
OUTAGE = f"""**停水时间**：周四 9:00–15:00
**影响范围**：1 号楼全部住户

因二次供水泵房检修，届时将暂停供水。请提前储水，关好水龙头，恢复供水后先放水 1–2 分钟。

{OUTAGE_EN}

如有疑问请致电物业服务中心 / Questions: call the service centre."""

LIFT = """本周六上午对小区全部电梯进行年度检验，每部电梯停运约 1 小时。
检验期间请走楼梯，行动不便的业主可提前联系物业协助。

- 08:30–10:00：1–3 号楼
- 10:00–12:00：其余楼栋"""

PARKING_EN = ("From next month, visitor parking is limited to **4 hours** per visit. Owners can "
              "register visitors' plates at the gate or in this portal.")
PARKING = f"""{PARKING_EN}

自下月起，访客车辆每次停放不超过 **4 小时**。"""

FESTIVAL = """春节期间物业服务中心值班安排：除夕至初三 9:00–17:00 值班，其余时间正常办公。
紧急报修 24 小时受理。"""

GARDEN = "The central garden will be replanted in spring. Owners' suggestions are welcome."

HARBOR = """The swimming pool reopens on Saturday after its annual cleaning.

Opening hours: 7:00–21:00."""

SERVICES = "保洁：公共区域每日清扫两次；秩序维护：24 小时门岗；绿化：每月修剪一次。"
FEES_CORRECTION = "住宅物业服务费标准更正为 2.80 元/㎡·月（原误写为 2.60）。"

REGISTER = [
    ("services", "物业服务内容与标准", "yearly", 200),
    ("fees", "物业费收费项目及标准", "yearly", 180),
    ("fund_raising", "专项维修资金筹集情况", "quarterly", 40),
    ("fund_use", "专项维修资金使用情况", "quarterly", 30),
    ("common_income", "公共部位经营收益及使用情况", "quarterly", -5),
]

FEES_TABLE = """| 项目 | 标准 |
|---|---|
| 物业服务费（住宅） | 2.80 元/㎡·月 |
| 地面停车管理费 | 150 元/车位·月 |
| 生活垃圾清运 | 已含在物业服务费中 |"""


def _notice(ctx, seed: OrgSeed, manager, *, title, body, publish=True, later=None, **fields):
    org = seed.organization
    if Notice.objects.filter(organization=org, title=title).exists():
        return None
    access = compute_access(manager, org)
    notice = notice_create(access=access, title=title, body=body, **fields)
    if publish or later:
        notice = notice_publish(access=access, notice=notice, publish_at=later)
    ctx.created["notices.notice"] += 1
    return notice


def _engage(ctx, seed: OrgSeed, notice, share_read: float, share_ack: float) -> None:
    """Some residents have read it (and acknowledged), deterministically."""
    if notice is None or notice.status != Notice.Status.PUBLISHED:
        return
    rng = ctx.rng(f"notices.engage.{notice.title}")
    org = seed.organization
    receipts = list(NoticeReceipt.objects.filter(notice=notice).order_by("user_id")
                    .values_list("user_id", flat=True))
    for user_id in receipts:
        if rng.random() >= share_read:
            continue
        access = compute_access(type(seed.people["owner"]).objects.get(pk=user_id), org)
        notice_mark_read(access=access, notice=notice)
        if notice.ack_required and rng.random() < share_ack:
            notice_acknowledge(access=access, notice=notice)


def _register(ctx, seed: OrgSeed, manager) -> None:
    org = seed.organization
    if DisclosureItem.objects.filter(organization=org).exists():
        return
    access = compute_access(manager, org)
    today = timezone.localdate()
    prop = seed.properties[0]
    items = {}
    for kind, title, schedule, due_in in REGISTER:
        items[kind] = disclosure_item_save(
            access=access, kind=kind, title=title, schedule=schedule,
            next_due_on=today + dt.timedelta(days=due_in), property_id=prop.pk)
    year = today.year
    disclosure_publish(access=access, item=items["services"], period=f"{year}",
                       body=SERVICES)
    fees = disclosure_publish(access=access, item=items["fees"], period=f"{year}",
                              body=FEES_TABLE.replace("2.80", "2.60"))
    disclosure_publish(access=access, item=items["fees"], period="", body=FEES_TABLE,
                       corrects=fees, change_note=FEES_CORRECTION)
    quarter = (today.month - 1) // 3 or 4
    qyear = year if today.month > 3 else year - 1
    disclosure_publish(access=access, item=items["fund_raising"], period=f"{qyear} Q{quarter}",
                       body="本季度新增交存 12 户，合计 86,400.00 元；账户余额 3,215,880.17 元。")
    disclosure_publish(access=access, item=items["fund_use"], period=f"{qyear} Q{quarter}",
                       body="3 号楼屋面防水维修：支出 48,600.00 元（经业主大会表决通过）。")
    ctx.created["notices.disclosurepublication"] += DisclosurePublication.objects.filter(
        organization=org).count()


@seed_step(order=300)
def notices(ctx: DemoContext) -> None:
    now = timezone.now()
    for slug, seed in ctx.orgs.items():
        manager = seed.people.get("manager") or seed.people.get("admin")
        if manager is None or not seed.buildings:
            continue
        if slug != "sunrise":
            _notice(ctx, seed, manager, title="Pool reopens on Saturday", body=HARBOR,
                    category="event", whole_organization=True)
            continue
        building = seed.buildings[0]
        prop = seed.properties[0]
        outage = _notice(ctx, seed, manager, title="停水通知：1 号楼周四 9:00–15:00", body=OUTAGE,
                         category="outage", building_ids=[building.pk], pinned=True,
                         ack_required=True, ack_deadline=now + dt.timedelta(days=2))
        _engage(ctx, seed, outage, 0.6, 0.7)
        lift = _notice(ctx, seed, manager, title="电梯年度检验通知", body=LIFT, category="safety",
                       property_ids=[prop.pk])
        _engage(ctx, seed, lift, 0.4, 0)
        _notice(ctx, seed, manager, title="Visitor parking: new rules / 访客停车新规",
                body=PARKING, category="policy", whole_organization=True)
        _notice(ctx, seed, manager, title="春节期间服务安排", body=FESTIVAL, category="general",
                whole_organization=True, publish=False, later=now + dt.timedelta(days=3))
        _notice(ctx, seed, manager, title="Garden renovation plans", body=GARDEN,
                category="event", property_ids=[prop.pk], publish=False)
        _register(ctx, seed, manager)
