"""The v1 API's credentials as one object: an API key and a tenant name, sent as headers.

The key is never shown: `repr`/`str` give the tenant only, and every message names it as
"the API key" (docs/contract-campaigns-v1.md Decision 1). HTTP Basic is not accepted by this API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bulk_loader.api._service import Purpose
from bulk_loader.api.campaigns_v1.spec import KEY_PREFIX, MEDIA_TYPE
from bulk_loader.errors import ConfigError

KEY_ENV = "BULK_LOADER_API_KEY"
TENANT_ENV = "BULK_LOADER_TENANT"


@dataclass(frozen=True)
class ApiKeyAuth:
    api_key: str = field(repr=False)
    tenant: str

    def __post_init__(self) -> None:
        if not self.api_key or not self.api_key.strip():
            raise ConfigError(f"no API key is configured: set {KEY_ENV} or add api_key to a profile")
        if not self.api_key.startswith(KEY_PREFIX):
            raise ConfigError(f"the API key must start with {KEY_PREFIX} (an Admin Console API "
                              f"key); check {KEY_ENV} or the profile's api_key")
        if not self.tenant or not self.tenant.strip():
            raise ConfigError(f"no tenant is configured: set {TENANT_ENV} or add tenant to a "
                              "profile")
        # Both go out as headers, where a line break is refused mid-send (it was exit 5).
        for value, words, env, key in ((self.api_key, "the API key", KEY_ENV, "api_key"),
                                       (self.tenant, "the tenant", TENANT_ENV, "tenant")):
            if any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise ConfigError(f"{words} holds a control character (a line break or a tab?); "
                                  f"check {env} or the profile's {key}")

    def __str__(self) -> str:
        return f"the API key for tenant {self.tenant}"

    def headers(self, purpose: Purpose = "write") -> dict[str, str]:
        """Every request's headers, whatever its purpose (`Auth`, api/_service.py): one key
        reads, writes and deletes; the media type is the API's own on bodies and answers."""
        return {"X-API-Key": self.api_key, "X-8x8-Tenant": self.tenant,
                "Content-Type": MEDIA_TYPE, "Accept": f"{MEDIA_TYPE}, application/problem+json"}

    def secrets(self) -> Sequence[str]:
        """What no log, journal, report or message may carry (`Auth`)."""
        return [self.api_key]
