"""The v1 API's base URL: `https://api.8x8.com/cc/{site}/campaigns/v1`, or the same path under a
--base-url (the simulator, tests). Plain http is allowed only to this machine, as for the legacy
client (config.resolve_endpoint does that check)."""

from __future__ import annotations

from bulk_loader.api.campaigns_v1.spec import API_HOST, PATH, SITES
from bulk_loader.config import resolve_endpoint
from bulk_loader.errors import UsageError


def base_url(site: str, override: str | None = None) -> str:
    """The API root for `site` (US1, US2 or UK3), under `override` instead of api.8x8.com."""
    wanted = site.strip().upper()
    if wanted not in SITES:
        raise UsageError(f"site must be one of {', '.join(SITES)} (got {site!r})", param="site")
    host = resolve_endpoint(None, override) if override else API_HOST
    return host + PATH.format(site=wanted)


def parse_base(endpoint: str) -> tuple[str | None, str]:
    """(the --base-url host, or None for api.8x8.com; the site) of an API root that
    `base_url` built: what a run journals is enough to reach the same API again."""
    host, _, rest = endpoint.rstrip("/").rpartition("/cc/")
    site = rest.split("/", 1)[0]
    if not host or site not in SITES:
        raise UsageError(f"{endpoint} is not a Campaigns API v1 root (expected "
                         f"https://api.8x8.com{PATH.format(site='US1')})")
    return (None if host == API_HOST else host), site
