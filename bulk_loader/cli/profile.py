"""A profile holds the whole job: fill every option not given as a flag from the environment
(BULK_LOADER_<KEY>), then from the chosen profile (profile_keys.py lists the keys).

    params = with_profile(click.get_current_context(), locals())

A value from either place is checked by the option's own click type, and a bad one is named
with where it came from (`chunk_size in profile [nightly] of FILE: ...`), exit 2.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import click
from click.core import ParameterSource

from bulk_loader.config import config_path, read_profile
from bulk_loader.errors import ConfigError
from bulk_loader.profile_keys import EXCLUSIVE, JOB_KEYS, env_name

FLAG, ENV, PROFILE = 3, 2, 1  # ranks of where a value came from


WHERE_KEYS = ("api", "site", "platform", "base_url", "campaign", "journal")  # where, not how: every command


def with_profile(ctx: click.Context, params: Mapping[str, Any],
                 env: Mapping[str, str] | None = None,
                 keys: Iterable[str] | None = None) -> dict[str, Any]:
    """`keys`: only these profile keys apply (commands other than upload take WHERE_KEYS)."""
    env = os.environ if env is None else env
    only = set(JOB_KEYS if keys is None else keys)
    out = dict(params)
    profile = out.get("profile") or env.get("BULK_LOADER_PROFILE")
    path = config_path(out.get("config_file"), env)
    if out.get("config_file") and not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    table = read_profile(path, profile or "default", required=bool(profile))
    by_name = {p.name: p for p in ctx.command.params}
    rank: dict[str, int] = {}
    for key, name in JOB_KEYS.items():
        param = by_name.get(name)
        if param is None or key not in only:
            continue  # not an option of this command
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None):
            rank[key] = FLAG
            continue
        if env.get(env_name(key)):
            raw, where, rank[key] = env[env_name(key)], f"${env_name(key)}", ENV
        elif key in table:
            raw, where, rank[key] = table[key], f"{key} in profile [{profile or 'default'}] of {path}", PROFILE
        else:
            continue
        value: Any = raw
        if getattr(param, "multiple", False) and isinstance(raw, str):
            value = [raw]  # a repeatable option from the environment: one value
        try:
            out[name] = param.type_cast_value(ctx, value)
        except click.BadParameter as exc:
            raise ConfigError(f"{where}: {exc.message} (got {raw!r})") from None
    for group in EXCLUSIVE:
        given = [k for k in group if k in rank and out.get(JOB_KEYS[k]) is not None]
        top = max((rank[k] for k in given), default=0)
        for k in given:
            if rank[k] < top:  # a flag --base-url hides the profile's platform, and so on
                out[JOB_KEYS[k]] = None
    return out
