"""The legacy 8x8 Contact Center API back end (docs/contract.md): the client (the first
`CampaignService`, api/_service.py), its auth strategy, its HTTP transport, the matching of 207
multistatus answers to records, and a campaign's info (zone, window).

Outside `api/`, only the factory (api/_factory.py) names `CampaignClient`; upload, delete and the
reports talk to the `CampaignService` protocol.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
    from bulk_loader.api.vcc._auth import LegacyAuth
    from bulk_loader.api.vcc._campaign_info import (
        CampaignInfo,
        int_or_none,
        parse_campaign,
        resolve_timezone,
    )
    from bulk_loader.api.vcc._client import (
        LARGEST_BATCH,
        CampaignClient,
        RetryPolicy,
        not_usable,
        preflight,
    )
    from bulk_loader.api.vcc._multistatus import (
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
    )

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "CampaignClient": "_client",
    "CampaignInfo": "_campaign_info",
    "LARGEST_BATCH": "_client",
    "LegacyAuth": "_auth",
    "NETWORK_ERRORS": "_transport",
    "NotSent": "_transport",
    "RETRYABLE_STATUS": "_transport",
    "Reply": "_transport",
    "RetryPolicy": "_client",
    "all_added": "_multistatus",
    "build_body": "_multistatus",
    "index_entries": "_multistatus",
    "int_or_none": "_campaign_info",
    "match_answer": "_multistatus",
    "not_usable": "_client",
    "parse_campaign": "_campaign_info",
    "parse_multistatus": "_multistatus",
    "preflight": "_client",
    "resolve_timezone": "_campaign_info",
}

__all__ = [
    "CampaignClient",
    "CampaignInfo",
    "LARGEST_BATCH",
    "LegacyAuth",
    "NETWORK_ERRORS",
    "NotSent",
    "RETRYABLE_STATUS",
    "Reply",
    "RetryPolicy",
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


__getattr__ = lazy_names(__name__, _WHERE, globals())
