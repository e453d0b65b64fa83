"""Which campaign service a command talks to, resolved once: `--api`, `--site`, `--base-url`,
`--campaign` and that API's credentials become one `Target` (docs/contract-campaigns-v1.md,
Decision 1).

    p = with_profile(ctx, params, keys=WHERE_KEYS)       # flags > environment > profile
    target = resolve_target(p)                           # UsageError/ConfigError: exit 2
    target.api, target.campaign, target.endpoint, target.secrets()

The legacy API (`--api legacy`, the default) takes `--platform` or `--base-url` and the
username/tokens of config.load_credentials. The Campaigns API v1 (`--api campaigns-v1`) takes
`--site US1|US2|UK3` (required: the vendor names no default), an optional `--base-url` that
replaces `https://api.8x8.com` and keeps the `/cc/{site}/campaigns/v1` path, a campaign UUID, and
`BULK_LOADER_API_KEY`/`BULK_LOADER_TENANT` (or `api_key`/`tenant` in the profile). The key is
never printed: `Target`'s repr leaves it out and messages call it "the API key".
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import click
from click.core import ParameterSource

from bulk_loader.api import APIS, LEGACY, V1, ApiName
from bulk_loader.config import Credentials, config_path, credential_values
from bulk_loader.errors import ConfigError, UsageError
from bulk_loader.profile_keys import V1_CREDENTIAL_KEYS, env_name

if TYPE_CHECKING:
    from bulk_loader.api.campaigns_v1 import ApiKeyAuth, CampaignsV1Service

SITES = ("US1", "US2", "UK3")  # api/campaigns_v1/spec.py, kept here so --help loads no client
F = TypeVar("F", bound=Callable[..., Any])

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
UUID_EXAMPLE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


class CampaignRefType(click.ParamType):
    """A legacy campaign number (125) or a v1 campaign UUID; which one the API wants is checked
    once the API is known (`resolve_target`), so a profile's `campaign` casts the same way."""

    name = "campaign"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            pass
        if _UUID.fullmatch(text):
            return text.lower()  # one spelling per campaign: it keys the journal's runs
        self.fail(f"must be a campaign number such as 125 (legacy API) or a campaign UUID such "
                  f"as {UUID_EXAMPLE} (--api campaigns-v1) (got {text!r})", param, ctx)


CAMPAIGN_REF = CampaignRefType()

api_option = click.option(
    "--api", type=click.Choice(APIS), default=LEGACY, show_default=True,
    help="Which 8x8 API owns the campaign: the legacy Dynamic Campaigns API, or the newer "
         "Contact Center Campaigns API v1 (or api in the profile, or $BULK_LOADER_API).")
site_option = click.option(
    "--site", type=click.Choice(SITES, case_sensitive=False),
    help="With --api campaigns-v1: the 8x8 site, US1 (US East), US2 (US West) or UK3 (UK): "
         "https://api.8x8.com/cc/SITE/campaigns/v1.")


def api_options(f: F) -> F:
    """--api and --site, for every command that talks to a campaign service."""
    return api_option(site_option(f))


@dataclass(frozen=True)
class Target:
    """Where a command's requests go and with which credentials; built by `resolve_target`.

    endpoint: the legacy API root, or the v1 API root (`{host}/cc/{site}/campaigns/v1`).
    host: v1 only, the --base-url that replaces https://api.8x8.com (None: the real one).
    """

    api: ApiName
    campaign: int | str | None
    endpoint: str
    site: str | None = None
    host: str | None = None
    credentials: Credentials | None = field(default=None, repr=False)
    auth: ApiKeyAuth | None = field(default=None, repr=False)

    @property
    def is_v1(self) -> bool:
        return self.api == V1

    def campaign_number(self) -> int:
        """The legacy campaign's number (resolve_target refused a UUID for the legacy API)."""
        if not isinstance(self.campaign, int):
            raise UsageError("give --campaign ID (or campaign in the profile, or "
                             "$BULK_LOADER_CAMPAIGN)")
        return self.campaign

    def secrets(self) -> list[str]:
        """What no log, trace, journal or message may carry (the run log blanks these)."""
        found = list(self.credentials.secrets()) if self.credentials is not None else []
        if self.auth is not None:
            found.append(self.auth.api_key)
        return found

    def v1_client(self, *, concurrency: int = 4, timeout: float = 60.0) -> CampaignsV1Service:
        """The v1 back end, built by the one factory (api/_factory.py)."""
        from bulk_loader.api import ServiceConfig, open_service

        if not self.is_v1 or self.auth is None or self.site is None:
            raise UsageError("this command needs --api campaigns-v1 with its credentials")
        service = open_service(ServiceConfig(self.endpoint, self.auth, api=V1,
                                             concurrency=concurrency, timeout=timeout))
        return cast("CampaignsV1Service", service)


def resolve_target(p: Mapping[str, Any], *, credentials: bool = True,
                   campaign: bool = True, env: Mapping[str, str] | None = None) -> Target:
    """The Target of a command's parameters after `with_profile` (keys `api`, `site`,
    `platform`, `base_url`, `campaign_id`, `profile`, `config_file`; absent ones are None).

    `credentials`: load them (commands that send); `campaign`: --campaign is required."""
    env = os.environ if env is None else env
    api: ApiName = p.get("api") or LEGACY
    ref = p.get("campaign_id")
    if campaign and ref is None:
        what = "UUID" if api == V1 else "ID"
        raise UsageError(f"give --campaign {what} (or campaign in the profile, or "
                         "$BULK_LOADER_CAMPAIGN)")
    if api == V1:
        return _v1_target(p, ref, credentials, env)
    if p.get("site") and _from_flag("site"):  # a profile's site may serve its v1 jobs
        raise UsageError("--site is for --api campaigns-v1; the legacy API takes --platform "
                         "or --base-url")
    if isinstance(ref, str):
        raise UsageError(f"--campaign {ref} is a Campaigns API v1 UUID: add --api campaigns-v1, "
                         "or give the legacy campaign's number such as 125")
    from bulk_loader.config import load_credentials, resolve_endpoint

    endpoint = resolve_endpoint(p.get("platform"), p.get("base_url"))
    creds = load_credentials(p.get("profile"), p.get("config_file"), env) if credentials \
        else None
    return Target(LEGACY, ref, endpoint, credentials=creds)


def _from_flag(name: str) -> bool:
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE


def _v1_target(p: Mapping[str, Any], ref: int | str | None, credentials: bool,
               env: Mapping[str, str]) -> Target:
    from bulk_loader.api.campaigns_v1.endpoint import base_url

    if p.get("platform"):
        raise UsageError("--platform is the legacy API's; the Campaigns API v1 takes --site "
                         f"{'|'.join(SITES)} (and --base-url only for the simulator)")
    site = p.get("site")
    if not site:
        raise UsageError(f"--api campaigns-v1 needs --site {', '.join(SITES)}: the 8x8 site "
                         "of the Contact Center (US1 US East, US2 US West, UK3 UK), or site "
                         "in the profile, or $BULK_LOADER_SITE")
    if isinstance(ref, int):
        raise UsageError(f"--campaign for --api campaigns-v1 is the campaign's UUID, such as "
                         f"{UUID_EXAMPLE} (got {ref})")
    site = site.upper()
    host = p.get("base_url") or None
    endpoint = base_url(site, host)
    auth = load_v1_auth(p.get("profile"), p.get("config_file"), env) if credentials else None
    return Target(V1, ref, endpoint, site=site,
                  host=endpoint.rsplit("/cc/", 1)[0] if host else None, auth=auth)


def load_v1_auth(profile: str | None, config: str | None,
                 env: Mapping[str, str] | None = None) -> ApiKeyAuth:
    """The API key and tenant: $BULK_LOADER_API_KEY and $BULK_LOADER_TENANT, each over the
    profile's api_key and tenant. ApiKeyAuth refuses a missing one or a key that is not an
    `eght_` key, naming where to set it and never echoing the key."""
    from bulk_loader.api.campaigns_v1 import ApiKeyAuth

    values, _ = credential_values(V1_CREDENTIAL_KEYS, profile, config, env)
    return ApiKeyAuth(values.get("api_key", ""), values.get("tenant", ""))


LEGACY_ONLY = "so this command works with the legacy API only (--api legacy)"
TITLES = {LEGACY: "legacy API", V1: "Campaigns API v1"}  # as sentences name them


def api_of_profile(ctx: click.Context, api: str, profile: str | None, config: str | None,
                   env: Mapping[str, str] | None = None) -> str:
    """`validate`'s --api: the flag, else $BULK_LOADER_API, else the profile's `api`. Read like
    the header aliases (readers/_header_config.py): validate reads no secret, so a config file
    that others can read is not refused here, as it is not for the aliases."""
    import tomllib

    env = os.environ if env is None else env
    if ctx.get_parameter_source("api") == ParameterSource.COMMANDLINE:
        return api
    where, raw = f"${env_name('api')}", env.get(env_name("api"))
    if not raw:
        path = config_path(config, env)
        name = profile or env.get("BULK_LOADER_PROFILE") or "default"
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get(name)
        except FileNotFoundError:
            return api  # a missing file named by --config is said by the aliases' reader
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        raw = table.get("api") if isinstance(table, dict) else None
        where = f"api in profile [{name}] of {path}"
    if raw is None:
        return api
    if raw not in APIS:
        raise ConfigError(f"{where}: must be one of {', '.join(APIS)} (got {raw!r})")
    return str(raw)


def refuse_unable(p: Mapping[str, Any], need: Literal["view", "delete"], what: str,
                  then: str = LEGACY_ONLY) -> None:
    """Exit 2 for a command the chosen back end cannot serve, asked of its capabilities
    (api.require, the one home of that rule) and said as users know it: it has no endpoint
    for `what`."""
    from bulk_loader.api import capabilities_of, require

    capabilities = capabilities_of(p.get("api") or LEGACY)
    try:
        require(capabilities, need, what)
    except UsageError:
        raise UsageError(f"the {TITLES[capabilities.name]} has no endpoint to {what}, "
                         f"{then}") from None
