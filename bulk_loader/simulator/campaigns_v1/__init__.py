"""A local stand-in for 8x8's Campaigns API v1 (docs/contract-campaigns-v1.md; inventions: docs/simulator.md).

    from bulk_loader.simulator.campaigns_v1 import V1Config, make_v1_app
    app = make_v1_app(V1Config(duplicate_status=400, success_status=201))
"""

from bulk_loader.simulator.campaigns_v1.app import add_v1_routes, make_v1_app, v1_state_of
from bulk_loader.simulator.campaigns_v1.config import V1Campaign, V1Config
from bulk_loader.simulator.campaigns_v1.state import V1State

__all__ = ["V1Campaign", "V1Config", "V1State", "add_v1_routes", "make_v1_app", "v1_state_of"]
