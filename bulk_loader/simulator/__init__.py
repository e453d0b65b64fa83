"""A local stand-in for the 8x8 Dynamic Campaigns API (docs/contract.md; inventions: docs/simulator.md).

    from bulk_loader.simulator import SimulatorConfig, CampaignConfig, make_app
    app = make_app(SimulatorConfig(seed=1, fault_rate=0.1))
"""

from bulk_loader.simulator.app import make_app, state_of
from bulk_loader.simulator.config import CampaignConfig, SimulatorConfig
from bulk_loader.simulator.state import SimulatorState

__all__ = ["CampaignConfig", "SimulatorConfig", "SimulatorState", "make_app", "state_of"]
