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
    host = _host(resolve_endpoint(None, override), override, wanted) if override else API_HOST
    return host + PATH.format(site=wanted)


def _host(root: str, override: str, site: str) -> str:
    """The scheme and host of a --base-url. The API root itself (what the simulator prints) is
    taken as its host: doubled, the path answered 404, which read as an unknown campaign."""
    scheme, _, rest = root.partition("://")
    host, slash, path = rest.partition("/")
    if slash and path.rstrip("/").lower() != PATH.format(site=site).strip("/").lower():
        raise UsageError("base_url is the host only, such as http://127.0.0.1:8088; the path "
                         f"{PATH.format(site=site)} comes from site (got {override!r})",
                         param=("base_url", "site"))
    return f"{scheme}://{host}"


def parse_base(endpoint: str) -> tuple[str | None, str]:
    """(the --base-url host, or None for api.8x8.com; the site) of an API root that
    `base_url` built: what a run journals is enough to reach the same API again."""
    host, _, rest = endpoint.rstrip("/").rpartition("/cc/")
    site = rest.split("/", 1)[0]
    if not host or site not in SITES:
        raise UsageError(f"{endpoint} is not a Campaigns API v1 root (expected "
                         f"https://api.8x8.com{PATH.format(site='US1')})")
    return (None if host == API_HOST else host), site
