"""HTTP Basic auth of the simulator: username plus the token of the kind a call needs."""

from __future__ import annotations

import base64
import binascii

from bulk_loader.simulator.config import SimulatorConfig


def tokens_for(config: SimulatorConfig, kind: str) -> tuple[str, ...]:
    """Tokens accepted for a call of `kind`: 'action', 'data' or 'either'."""
    if kind == "action":
        return (config.action_token,)
    if kind == "data":
        return (config.data_token,)
    return (config.action_token, config.data_token)


def authorized(header: str | None, config: SimulatorConfig, kind: str) -> bool:
    if not header or not header.startswith("Basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    username, sep, token = decoded.partition(":")
    return bool(sep) and username == config.username and token in tokens_for(config, kind)
