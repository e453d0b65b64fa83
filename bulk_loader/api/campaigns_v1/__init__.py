"""8x8's Campaigns API v1 (Beta) back end: auth, client, isolation of atomic batches, local rules.

    from bulk_loader.api.campaigns_v1 import ApiKeyAuth, CampaignsV1Client, RowRules, V1Record

Not yet wired into upload/delete: that waits for the back-end seam of issue 10.
"""

from bulk_loader.api.campaigns_v1.auth import ApiKeyAuth
from bulk_loader.api.campaigns_v1.client import Campaign, CampaignsV1Client, judge_add
from bulk_loader.api.campaigns_v1.errors import CampaignRefused, RequestRefused
from bulk_loader.api.campaigns_v1.file import (
    V1FileSummary,
    V1Validated,
    V1Validator,
    validate_v1_file,
)
from bulk_loader.api.campaigns_v1.isolate import RecordResult, isolate
from bulk_loader.api.campaigns_v1.service import CAPABILITIES, CampaignsV1Service
from bulk_loader.api.campaigns_v1.validate import RowRules, UniqueIds, V1Record

__all__ = ["CAPABILITIES", "ApiKeyAuth", "Campaign", "CampaignRefused", "CampaignsV1Client",
           "CampaignsV1Service", "RecordResult", "RequestRefused", "RowRules", "UniqueIds",
           "V1FileSummary", "V1Record", "V1Validated", "V1Validator", "isolate", "judge_add",
           "validate_v1_file"]
