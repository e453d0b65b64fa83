"""The one place that turns options into a campaign service: `open_service(ServiceConfig)`.

Upload, delete and the reports never name a back end's class: they describe what they want
(`ServiceConfig`) and get a `CampaignService` (api/_service.py) whose `capabilities` they branch
on. A new back end adds its folder under `api/` and one branch here (keyed by its
`Capabilities.name`, as `--api` spells it). Run-wide hooks are set here too, so every client of
a run shares them: `--max-rate`'s pacer, `--trace-http`'s trace, `--log-file`'s retry hook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bulk_loader.api._http_trace import HttpTrace
from bulk_loader.api._names import LEGACY, V1
from bulk_loader.api._rate import RatePacer
from bulk_loader.api._retry import RetryPolicy
from bulk_loader.api._service import CampaignService, Capabilities
from bulk_loader.errors import TransientError, UsageError


@dataclass
class ServiceConfig:
    """What a run asks of its back end; `credentials` are that back end's own (a `Credentials`
    for the legacy API)."""

    endpoint: str
    credentials: Any
    api: str = LEGACY
    concurrency: int = 4
    retry: RetryPolicy | None = None
    timeout: float = 60.0
    on_notice: Callable[[str], None] | None = None
    pacer: RatePacer | None = None  # --max-rate: one pace for every client of the run
    trace: HttpTrace | None = None  # --trace-http
    on_retry: Callable[[TransientError, float], None] | None = None  # --log-file


def capabilities_of(api: str) -> Capabilities:
    """A back end's capabilities before any client is built (which commands to offer)."""
    if api == LEGACY:
        from bulk_loader.api.vcc._client import CAPABILITIES

        return CAPABILITIES
    if api == V1:
        from bulk_loader.api.campaigns_v1.service import CAPABILITIES as V1_CAPABILITIES

        return V1_CAPABILITIES
    raise UsageError(f"api must be {LEGACY} or {V1} (got {api!r})", param="api")


def open_service(config: ServiceConfig) -> CampaignService:
    """A back end's client for `config`, not yet entered (`async with` it)."""
    if config.api == LEGACY:
        from bulk_loader.api.vcc._client import CampaignClient

        client = CampaignClient(config.endpoint, config.credentials,
                                concurrency=config.concurrency, retry=config.retry,
                                timeout=config.timeout, on_notice=config.on_notice)
        client.pacer = config.pacer
        client.on_retry = config.on_retry
        client.trace_http(config.trace)
        return client
    if config.api == V1:
        return _v1_service(config)
    raise UsageError(f"api must be {LEGACY} or {V1} (got {config.api!r})", param="api")


def _v1_service(config: ServiceConfig) -> CampaignService:
    """The Campaigns API v1: `endpoint` is `{host}/cc/{site}/campaigns/v1`, `credentials` an
    ApiKeyAuth. --trace-http is not written for it yet (its callers refuse the option)."""
    from bulk_loader.api.campaigns_v1.endpoint import parse_base
    from bulk_loader.api.campaigns_v1.service import CampaignsV1Service

    host, site = parse_base(config.endpoint)
    service = CampaignsV1Service(site, config.credentials, base_url=host,
                                 concurrency=config.concurrency, retry=config.retry,
                                 timeout=config.timeout, on_notice=config.on_notice)
    service.pacer = config.pacer
    service.on_retry = config.on_retry
    return service
