"""Dashboard metrics, computed in SQL (one aggregate per table, so a constant number of
queries whatever the number of tickets).

Every function takes a :class:`Selection` (who asks, which tickets, which local days) and
returns plain data (numbers, strings, ISO dates) that the pages, the exports and the API show
as they are. Definitions are in each module's docstring.
"""

from .base import Period, Selection
from .engagement import engagement
from .hotspots import hotspots
from .satisfaction import satisfaction
from .sla import sla

__all__ = ["Period", "Selection", "engagement", "hotspots", "satisfaction", "sla"]
