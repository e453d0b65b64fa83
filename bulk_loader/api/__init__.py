"""The campaign services bulk-loader talks to, one back end per package, and what they share.

`vcc/` is the legacy API (docs/contract.md): client, transport, 207 matching, campaign info.
`campaigns_v1/` is 8x8's newer Campaigns API (docs/contract-campaigns-v1.md), not wired yet.
Shared here: retry policy, the adaptive limiter, waits, --max-rate pacing and --trace-http.
The back-end seam that will join them is issue 10's phase B.
"""

from bulk_loader.api._http_trace import (
    HttpTrace,
    open_append,
)
from bulk_loader.api._limiter import (
    AdaptiveLimiter,
)
from bulk_loader.api._rate import (
    RatePacer,
)
from bulk_loader.api._retry import (
    RetryPolicy,
    parse_retry_after,
)

__all__ = [
    "AdaptiveLimiter",
    "HttpTrace",
    "RatePacer",
    "RetryPolicy",
    "open_append",
    "parse_retry_after",
]
