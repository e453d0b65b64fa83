"""The campaign services bulk-loader talks to, one back end per package, and what they share.

`vcc/` is the legacy API (docs/contract.md): client, transport, 207 matching, campaign info.
`campaigns_v1/` is 8x8's newer Campaigns API (docs/contract-campaigns-v1.md), served by `service.py`.
Shared here: retry policy and the one retry loop (`_calls.py`), the adaptive limiter, waits,
--max-rate pacing, --trace-http, and what every transport reads off the wire (`_transport.py`).
The back-end seam that joins them: `_service.py` (CampaignService, Capabilities, Auth) and the
one factory that builds a back end from options (`_factory.py`: open_service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
    from bulk_loader.api._factory import (
        ServiceConfig,
        capabilities_of,
        open_service,
    )
    from bulk_loader.api._http_trace import (
        HttpTrace,
        open_append,
    )
    from bulk_loader.api._limiter import (
        AdaptiveLimiter,
    )
    from bulk_loader.api._names import (
        APIS,
        LEGACY,
        TEXT_ID_APIS,
        V1,
        ApiName,
    )
    from bulk_loader.api._rate import (
        RatePacer,
    )
    from bulk_loader.api._retry import (
        RetryPolicy,
        parse_retry_after,
    )
    from bulk_loader.api._service import (
        AddResult,
        Auth,
        CampaignRef,
        CampaignService,
        Capabilities,
        Purpose,
        RecordBatch,
        RecordId,
        RecordOutcome,
        require,
    )

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "AddResult": "_service",
    "Auth": "_service",
    "CampaignRef": "_service",
    "CampaignService": "_service",
    "Capabilities": "_service",
    "Purpose": "_service",
    "RecordBatch": "_service",
    "RecordId": "_service",
    "RecordOutcome": "_service",
    "APIS": "_names",
    "ApiName": "_names",
    "LEGACY": "_names",
    "TEXT_ID_APIS": "_names",
    "V1": "_names",
    "ServiceConfig": "_factory",
    "capabilities_of": "_factory",
    "open_service": "_factory",
    "require": "_service",
    "AdaptiveLimiter": "_limiter",
    "HttpTrace": "_http_trace",
    "RatePacer": "_rate",
    "RetryPolicy": "_retry",
    "open_append": "_http_trace",
    "parse_retry_after": "_retry",
}

__all__ = [
    "AddResult",
    "Auth",
    "CampaignRef",
    "CampaignService",
    "Capabilities",
    "Purpose",
    "RecordBatch",
    "RecordId",
    "RecordOutcome",
    "APIS",
    "ApiName",
    "LEGACY",
    "TEXT_ID_APIS",
    "V1",
    "ServiceConfig",
    "capabilities_of",
    "open_service",
    "require",
    "AdaptiveLimiter",
    "HttpTrace",
    "RatePacer",
    "RetryPolicy",
    "open_append",
    "parse_retry_after",
]


__getattr__ = lazy_names(__name__, _WHERE, globals())
