"""Credentials and endpoint: from the environment or a TOML profile, never from flags or code.

Environment: BULK_LOADER_USERNAME, BULK_LOADER_ACTION_TOKEN, BULK_LOADER_DATA_TOKEN (each one
overrides the profile's value). Config file: --config, else $BULK_LOADER_CONFIG, else the
platform's config folder (platformdirs: $XDG_CONFIG_HOME/bulk-loader/config.toml on Linux,
~/.config by default), with one table per profile:

    [default]
    username = "acme"
    action_token = "..."
    data_token = "..."

A profile may also hold the whole job (profile_keys.py); an unknown key is refused.
A config file that its group or others can read is refused: it holds secrets.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from bulk_loader import spec
from bulk_loader.endpoint import normalise, split
from bulk_loader.errors import ConfigError, UsageError
from bulk_loader.profile_keys import CREDENTIAL_KEYS, KNOWN_KEYS

APP = "bulk-loader"


def default_config() -> Path:
    """$XDG_CONFIG_HOME/bulk-loader/config.toml on Linux; the platform's own place elsewhere."""
    return platformdirs.user_config_path(APP, appauthor=False) / "config.toml"


@dataclass(frozen=True)
class Credentials:
    username: str
    # repr=False: a Credentials printed in a log or traceback shows no token.
    action_token: str | None = field(default=None, repr=False)
    data_token: str | None = field(default=None, repr=False)

    def token(self, kind: str) -> str:
        """The token of `kind` ('action' or 'data'); with only one configured, it serves all."""
        primary = self.action_token if kind == "action" else self.data_token
        other = self.data_token if kind == "action" else self.action_token
        value = primary or other
        if not value:
            raise ConfigError("no API token is configured (set BULK_LOADER_ACTION_TOKEN and "
                              "BULK_LOADER_DATA_TOKEN, or use a config profile)")
        return value

    def secrets(self) -> list[str]:
        return [t for t in (self.action_token, self.data_token) if t]


def config_path(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path:
    raw = explicit or env.get("BULK_LOADER_CONFIG") or default_config()
    return Path(raw).expanduser()


def read_profile(path: Path, profile: str, *, required: bool = False) -> dict[str, Any]:
    """Every key of [profile] in the config file at `path`, checked against KNOWN_KEYS.

    `required` (a profile named by --profile or $BULK_LOADER_PROFILE): a missing one is an
    error that lists the profiles the file does hold."""
    data = _read_config(path)
    if data is None:
        if required:
            raise ConfigError(f"profile [{profile}] not found: there is no config file at {path}")
        return {}
    section = data.get(profile)
    if section is None:
        if required:
            names = ", ".join(f"[{k}]" for k, v in data.items() if isinstance(v, dict))
            raise ConfigError(f"profile [{profile}] not found in {path}; "
                              + (f"it holds {names}" if names else "it holds no profiles"))
        return {}
    if not isinstance(section, dict):
        raise ConfigError(f"config file {path}: [{profile}] must be a table")
    unknown = sorted(set(section) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"config file {path}: [{profile}] has an unknown key {unknown[0]!r}; known keys: "
            f"{', '.join(sorted(KNOWN_KEYS))}")
    return dict(section)


def _read_config(path: Path) -> dict[str, Any] | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"config file {path} can be read by others (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {path}"
        )
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def credential_values(keys: tuple[str, ...], profile: str | None,
                      config: str | os.PathLike[str] | None,
                      env: Mapping[str, str] | None = None) -> tuple[dict[str, str], Path]:
    """`keys` of the profile, each replaced by $BULK_LOADER_<KEY> when set; and the file's path.
    Both APIs' credentials are read this way (cli/backend.py reads the v1 key and tenant)."""
    env = os.environ if env is None else env
    path = config_path(config, env)
    if config and not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    name = profile or env.get("BULK_LOADER_PROFILE") or "default"
    table = read_profile(path, name, required=bool(profile))
    values = {k: str(table[k]) for k in keys if k in table}
    for key in keys:
        if env.get(f"BULK_LOADER_{key.upper()}"):
            values[key] = env[f"BULK_LOADER_{key.upper()}"]
    return values, path


def load_credentials(
    profile: str | None = None,
    config: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    values, path = credential_values(CREDENTIAL_KEYS, profile, config, env)
    if not values.get("username"):
        raise ConfigError(
            "no username is configured: set BULK_LOADER_USERNAME or add username to "
            f"a profile in {path}"
        )
    creds = Credentials(values["username"], values.get("action_token"), values.get("data_token"))
    if not creds.secrets():
        raise ConfigError(
            "no API token is configured: set BULK_LOADER_ACTION_TOKEN and BULK_LOADER_DATA_TOKEN, "
            f"or add them to a profile in {path}"
        )
    return creds


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_endpoint(platform: str | None, base_url: str | None) -> str:
    """The API root. Real endpoints are HTTPS; plain HTTP only to a loopback simulator."""
    if bool(platform) == bool(base_url):
        raise UsageError("give exactly one of platform (e.g. na12) or base_url",
                         param=("platform", "base_url"))
    if platform:
        if not spec.PLATFORM_RE.fullmatch(platform):  # match() would take a trailing newline
            raise UsageError(
                f"platform must look like two letters and a number, e.g. na12 (got {platform!r})",
                param="platform")
        return spec.base_url_for_platform(platform)
    assert base_url is not None
    parts = split(base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise UsageError(f"base_url must be an http(s) URL (got {base_url!r})", param="base_url")
    if parts.query or parts.fragment:
        raise UsageError(f"base_url must be the API root, without ? or # (got {base_url!r})",
                         param="base_url")
    if parts.scheme.lower() == "http" and not _is_loopback(host):
        raise UsageError(
            f"base_url must use https unless it points at this machine (got {base_url!r})",
            param="base_url")
    return normalise(parts)
