"""8x8's Campaigns API v1 (Beta) back end: auth, client, isolation of atomic batches, local rules.

    from bulk_loader.api.campaigns_v1 import ApiKeyAuth, CampaignsV1Client, RowRules, V1Record

Not yet wired into upload/delete: that waits for the back-end seam of issue 10.
"""

from bulk_loader.api.campaigns_v1.auth import ApiKeyAuth
from bulk_loader.api.campaigns_v1.client import Campaign, CampaignsV1Client, judge_add
from bulk_loader.api.campaigns_v1.errors import CampaignRefused, RequestRefused
from bulk_loader.api.campaigns_v1.isolate import RecordResult, isolate
from bulk_loader.api.campaigns_v1.service import CAPABILITIES, CampaignsV1Service
from bulk_loader.api.campaigns_v1.validate import RowRules, UniqueIds, V1Record

__all__ = ["CAPABILITIES", "ApiKeyAuth", "Campaign", "CampaignsV1Service", "CampaignRefused", "CampaignsV1Client", "RecordResult",
           "RequestRefused", "RowRules", "UniqueIds", "V1Record", "isolate", "judge_add"]
