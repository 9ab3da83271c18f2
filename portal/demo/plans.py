"""What the demo organisations look like, as data; ``organisations.py`` turns it into rows.

Names are stored as the people on site write them (Chinese, with an English gloss where an
English-speaking reviewer needs one): they are data, not interface text, so not translated.
"""

from dataclasses import dataclass

ALL = "all"  # a staff member's scope: every property of the organisation


@dataclass(frozen=True)
class BuildingPlan:
    number: int
    storeys: int
    entrances: int  # 单元: stairwells, each with its own homes per floor
    homes_per_floor: int  # per entrance
    elevators_per_entrance: int
    area_range: tuple[int, int]  # m², registered area of one home

    @property
    def name(self) -> str:
        return f"{self.number}号楼"


def tower(number: int) -> BuildingPlan:
    return BuildingPlan(number, 18, 1, 2, 2, (60, 130))  # 18-storey 高层, a lift and a fire lift


def garden_villa(number: int) -> BuildingPlan:
    return BuildingPlan(number, 6, 2, 2, 1, (118, 160))  # 洋房: low-rise, larger homes


def walk_up(number: int) -> BuildingPlan:
    return BuildingPlan(number, 6, 1, 2, 0, (60, 95))  # 多层 without a lift


@dataclass(frozen=True)
class PropertyPlan:
    code: str  # prefix of asset codes
    name: str
    address: str
    buildings: tuple[BuildingPlan, ...]


@dataclass(frozen=True)
class StaffPlan:
    login: str  # local part of <login>@<org>.example
    role: str
    title: str  # until teams exist (tickets app), the team is the first part of the title
    scope: str | tuple[int, ...]  # ALL, or indexes into the organisation's properties
    full_name: str = ""  # empty: drawn from the generator
    phone: str = ""
    listed: bool = False  # shown in the table of demo logins


@dataclass(frozen=True)
class OwnerPlan:
    """A resident with a fixed login, in place of the generated owner of that unit."""

    property: int
    building: int
    number: str
    full_name: str
    email: str
    phone: str
    household: tuple[tuple[str, str], ...] = ()  # (full name, phone) of household members


@dataclass(frozen=True)
class OrgPlan:
    slug: str
    name: str
    properties: tuple[PropertyPlan, ...]
    staff: tuple[StaffPlan, ...]
    owners: tuple[OwnerPlan, ...]
    household_share: float = 0.5  # units with at least one household member besides the owner
    pending_renters: int = 0  # unverified applications, for the verification queue
    pending_property: int = 0


SERVICE = "客服组 Customer service team"
REPAIR = "维修组 Repair team"
SECURITY = "安保组 Security team"
CLEANING = "保洁组 Cleaning team"
GARDEN = "绿化组 Landscaping team"
OFFICER = "客服专员 customer service officer"

SUNRISE = OrgPlan(
    slug="sunrise",
    name="阳光物业 Sunrise Property Services",
    properties=(
        # No building 4 anywhere: 四 sounds like 死 (death) and developers skip the number.
        PropertyPlan(
            "SG", "阳光花园 Sunshine Garden", "上海市浦东新区锦绣路 1888 弄",
            tuple(tower(n) for n in (1, 2, 3, 5)),
        ),
        PropertyPlan(
            "EL", "翠湖苑 Emerald Lake", "上海市闵行区翠湖路 66 弄",
            (tower(1), tower(2), tower(3), garden_villa(6), garden_villa(8)),
        ),
    ),
    staff=(
        StaffPlan("admin", "admin", "综合管理部 Administration · 系统管理员 administrator", ALL,
                  "周文华", "+8613800138001", listed=True),
        StaffPlan("manager", "manager", "项目经理 Project manager", ALL,
                  "陈立新", "+8613800138002", listed=True),
        StaffPlan("manager2", "manager", "项目经理 Project manager · 翠湖苑", (1,)),
        StaffPlan("staff", "staff", f"{SERVICE} · {OFFICER}", (0,),
                  "李晓梅", "+8613800138003", listed=True),
        StaffPlan("service2", "staff", f"{SERVICE} · {OFFICER}", (0,)),
        StaffPlan("service3", "staff", f"{SERVICE} · {OFFICER}", (1,)),
        StaffPlan("service4", "staff", f"{SERVICE} · 回访专员 follow-up calls", ALL),
        StaffPlan("repair1", "staff", f"{REPAIR} · 组长 team lead, 电工 electrician", ALL),
        StaffPlan("repair2", "staff", f"{REPAIR} · 电工 electrician", ALL),
        StaffPlan("repair3", "staff", f"{REPAIR} · 水暖工 plumber", ALL),
        StaffPlan("repair4", "staff", f"{REPAIR} · 水暖工 plumber", (0,)),
        StaffPlan("repair5", "staff", f"{REPAIR} · 维修工 handyman", (1,)),
        StaffPlan("security1", "staff", f"{SECURITY} · 主管 supervisor", ALL),
        StaffPlan("security2", "staff", f"{SECURITY} · 保安 security guard", (0,)),
        StaffPlan("security3", "staff", f"{SECURITY} · 保安 security guard", (0,)),
        StaffPlan("security4", "staff", f"{SECURITY} · 保安 security guard", (1,)),
        StaffPlan("cleaning1", "staff", f"{CLEANING} · 保洁员 cleaner", (0,)),
        StaffPlan("cleaning2", "staff", f"{CLEANING} · 保洁员 cleaner", (0,)),
        StaffPlan("cleaning3", "staff", f"{CLEANING} · 保洁员 cleaner", (1,)),
        StaffPlan("garden1", "staff", f"{GARDEN} · 绿化工 gardener", ALL),
    ),
    owners=(
        OwnerPlan(0, 1, "1-1802", "王建华", "owner@sunrise.example", "+8613800138004",
                  household=(("刘芳", "+8613800138005"),)),
    ),
    household_share=0.5,
    pending_renters=5,
    pending_property=0,
)

HARBOR = OrgPlan(
    slug="harbor",
    name="海港物业 Harbor Property Management",
    properties=(
        PropertyPlan(
            "SV", "海景苑 Seaview Court", "青岛市市南区海港路 9 号", (walk_up(1), walk_up(2))
        ),
    ),
    staff=(
        StaffPlan("admin", "admin", "办公室 Office · 系统管理员 administrator", ALL,
                  "郑海燕", "+8613900139001"),
        StaffPlan("staff", "staff", f"{SERVICE} · {OFFICER}", (0,), "何志强", "+8613900139002"),
    ),
    owners=(
        OwnerPlan(0, 1, "1-301", "张海涛", "owner@harbor.example", "+8613900139003"),
    ),
    household_share=0.4,
)

ORGANISATIONS = (SUNRISE, HARBOR)
# Generated numbers must never land on a fixed login's number, in any organisation.
FIXED_PHONES = frozenset(
    phone
    for plan in ORGANISATIONS
    for phone in [s.phone for s in plan.staff]
    + [o.phone for o in plan.owners]
    + [p for o in plan.owners for _name, p in o.household]
    if phone
)
