"""The framework's floor: the product's settings with a URLconf of one bare JSON view.

Same middleware, same database and cache settings; only the URLconf differs, so the floor is
what Django itself costs on this machine (bench/harness/floor_urls.py).
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.harness.floor_urls"
