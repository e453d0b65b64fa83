"""The back ends' names as `--api` spells them, in one home: the factory builds by them, the CLI
offers them, the journal stores them. Nothing else here, so the CLI's `--help` imports no client.
"""

from __future__ import annotations

from typing import Final, Literal

ApiName = Literal["legacy", "campaigns-v1"]
LEGACY: Final = "legacy"
V1: Final = "campaigns-v1"
APIS: Final[tuple[ApiName, ...]] = (LEGACY, V1)
TEXT_ID_APIS: Final[tuple[ApiName, ...]] = (V1,)  # back ends whose record ids are strings
