"""One spelling per API root, because the endpoint keys a run (with the file and the campaign).

`http://LOCALHOST:80/api/`, `http://localhost/api` and `http://127.0.0.1/api` are one server: if
each started its own run, a resumed upload would send its records again as a new run. The
normalised form: lower-case scheme and host, no default port, no trailing slash, `localhost`
as 127.0.0.1. A user or password in the URL is refused: credentials come from the environment
or a profile, and the URL is stored in the journal.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit, urlunsplit

from bulk_loader.errors import UsageError

_DEFAULT_PORTS = {"http": 80, "https": 443}


def split(base_url: str) -> SplitResult:
    """The URL's parts; a bad URL or one carrying credentials is a UsageError (exit 2)."""
    try:
        parts = urlsplit(base_url.strip())
        has_user = parts.username is not None or parts.password is not None
    except ValueError as exc:
        if "@" not in base_url:
            raise UsageError(f"base_url is not a valid URL: {exc} (got {base_url!r})",
                             param="base_url") from None
        has_user = True
    if has_user:  # checked before any message echoes the URL: it holds a secret
        raise UsageError("base_url must not hold a user name or password: put the "
                         "credentials in the environment or a profile (see README, Credentials)",
                         param="base_url")
    try:
        parts.port  # noqa: B018  raises for a port out of range
    except ValueError as exc:
        raise UsageError(f"base_url is not a valid URL: {exc} (got {base_url!r})",
                         param="base_url") from None
    return parts


def normalise(parts: SplitResult) -> str:
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host == "localhost":
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))
