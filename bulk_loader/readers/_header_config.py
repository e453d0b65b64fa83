"""Header aliases from the config file: more names for the id and schedule columns.

    [default]                                  # the profile, as for credentials
    id_aliases = ["Kundennummer", "Member No"]
    schedule_aliases = ["Callback Time", "Rückruf"]

Two keys of their own in the profile's table, so that they merge with whatever else a profile
holds. Read only for header detection; the tokens in the same file are neither read nor kept here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager

from bulk_loader.config import config_path
from bulk_loader.errors import ConfigError
from bulk_loader.readers._columns import extra_aliases

KEYS = ("id_aliases", "schedule_aliases")


def load_aliases(profile: str | None, config: str | None) -> tuple[list[str], list[str]]:
    """(id aliases, schedule aliases) of the profile; empty lists when there is none."""
    env = os.environ
    path = config_path(config, env)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if config:
            raise ConfigError(f"config file {path} does not exist") from None
        return [], []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    name = profile or env.get("BULK_LOADER_PROFILE") or "default"
    section = data.get(name)
    if not isinstance(section, dict):
        return [], []
    found: list[list[str]] = []
    for key in KEYS:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"config file {path}: [{name}] {key} must be a list of header "
                              f"names, e.g. {key} = [\"Callback Time\"] (got {value!r})")
        found.append(value)
    return found[0], found[1]


@contextmanager
def aliases_from_config(profile: str | None, config: str | None) -> Iterator[None]:
    ids, schedules = load_aliases(profile, config)
    with extra_aliases(ids, schedules):
        yield
