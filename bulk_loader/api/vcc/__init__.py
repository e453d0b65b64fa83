"""The legacy 8x8 Contact Center API back end (docs/contract.md): the client, its HTTP transport,
the matching of 207 multistatus answers to records, and a campaign's info (zone, window).
"""

from bulk_loader.api.vcc._campaign_info import (
    CampaignInfo,
    int_or_none,
    parse_campaign,
    resolve_timezone,
)
from bulk_loader.api.vcc._client import (
    CampaignClient,
    RetryPolicy,
    not_usable,
    preflight,
)
from bulk_loader.api.vcc._multistatus import (
    RecordOutcome,
    all_added,
    build_body,
    index_entries,
    match_answer,
    parse_multistatus,
)
from bulk_loader.api.vcc._transport import (
    NETWORK_ERRORS,
    RETRYABLE_STATUS,
    NotSent,
    Reply,
    _translate,
)

__all__ = [
    "CampaignClient",
    "CampaignInfo",
    "NETWORK_ERRORS",
    "NotSent",
    "RETRYABLE_STATUS",
    "RecordOutcome",
    "Reply",
    "RetryPolicy",
    "_translate",
    "all_added",
    "build_body",
    "index_entries",
    "int_or_none",
    "match_answer",
    "not_usable",
    "parse_campaign",
    "parse_multistatus",
    "preflight",
    "resolve_timezone",
]
