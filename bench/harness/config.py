"""How many rows of each kind a run seeds: the issue's numbers times ``--scale``."""

from dataclasses import asdict, dataclass

# Bump when the seeders change what they write: a database seeded by another version is
# rebuilt instead of being measured as if it were the same.
SEED_VERSION = 2  # 2: notices, surveys, dashboard rollups
RNG_SEED = 20261126


@dataclass(frozen=True)
class Counts:
    scale: float
    organisations: int
    properties: int
    buildings: int
    units: int
    owners: int
    staff_per_property: int
    managers_per_org: int
    tickets: int
    open_tickets: int
    due_tickets: int
    timeline_per_ticket: int
    notifications: int
    sockets: int
    owner_tokens: int
    notices: int
    notice_receipts: int
    surveys: int
    survey_answers: int
    notice_fanout: int  # residents a published notice reaches (scenario notice_publish)

    @classmethod
    def at(cls, scale: float, sockets: int | None = None) -> "Counts":
        """``sockets``: open that many (``--sockets``) whatever the scale; each socket is an
        owner of a unit of their own, so there are at least as many units."""
        def n(full: int, least: int = 1) -> int:
            return max(least, round(full * scale))

        organisations = n(20, 2)
        properties = max(n(400), organisations * 2)
        units = max(n(100_000), properties * 20, sockets or 0)
        tickets = max(n(1_000_000), 500)
        open_tickets = min(max(n(50_000), 100), tickets // 2)
        return cls(
            scale=scale, organisations=organisations, properties=properties,
            buildings=max(properties, units // 25), units=units,
            owners=max(n(150_000), units), staff_per_property=2, managers_per_org=2,
            tickets=tickets, open_tickets=open_tickets,
            due_tickets=min(max(n(2_000), 4), open_tickets // 4), timeline_per_ticket=4,
            notifications=n(500_000, 100), sockets=sockets or n(1_000, 20),
            owner_tokens=min(max(n(2_000), 200), units),
            notices=n(2_000, 10), notice_receipts=n(5_000_000, 100),
            surveys=n(200, 2 * organisations), survey_answers=n(500_000, 500),
            notice_fanout=min(20_000, max(n(150_000), units)),
        )

    def as_dict(self) -> dict:
        return asdict(self)
