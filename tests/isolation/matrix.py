"""The tenant-isolation matrix (DESIGN §4.6, STYLE "a matrix, not anecdotes").

Each feature adds its pages, API endpoints and WebSocket subscriptions as ``Row``s in a module
``tests/isolation/rows_<feature>.py`` exposing ``ROWS``. ``test_matrix.py`` runs every row for
every role of the organisation that owns the object (sunrise) and of another one (harbor), and
for an anonymous caller:

* a role listed in ``allowed`` gets ``ok`` (a status code or a tuple of them);
* every other signed-in role gets 404 (pages and API alike: existence does not leak);
* anonymous gets a redirect to the sign-in page (pages) or 401/403 (API);
* for unsafe methods, a refused caller changes nothing (``changed`` is evaluated before and
  after and must be equal).

Paths are format strings over the *sunrise* world: ``{org}``, ``{property}``,
``{other_property}``, ``{building}``, ``{unit}``, ``{far_unit}``, ``{asset}``, plus the
primary keys of people: ``{owner}``, ``{staff}`` … (user ids), ``{owner_residency}``,
``{staff_membership}``. ``extra`` can add more keys computed from the world.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

SUNRISE_ROLES = (
    "admin", "manager", "staff", "staff_out", "owner", "household", "neighbour", "far_owner",
    "unverified",
)
HARBOR_ROLES = tuple(f"harbor_{role}" for role in SUNRISE_ROLES)
ALL_ROLES = SUNRISE_ROLES + HARBOR_ROLES + ("anonymous",)

STAFF_ROLES = frozenset({"admin", "manager", "staff"})  # staff in scope of {property}
ALL_STAFF = STAFF_ROLES | {"staff_out"}
ADMINS = frozenset({"admin"})
MANAGERS = frozenset({"admin", "manager"})
RESIDENTS_OF_UNIT = frozenset({"owner", "household"})
ALL_MEMBERS = ALL_STAFF | {"owner", "household", "neighbour", "far_owner"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    allowed: frozenset[str]
    ok: int | tuple[int, ...] = 200
    api: bool = False
    data: dict | None = None
    # For writes: a function of the world whose value must not change for refused callers.
    changed: Callable | None = None
    extra: dict[str, Callable] = field(default_factory=dict)
    # Where an allowed write consumes its object, the matrix runs it for one allowed role only.
    one_allowed_role_is_enough: bool = False
