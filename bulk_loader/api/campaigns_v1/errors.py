"""The v1 back end's own refusals, as kinds of the shared errors (bulk_loader/errors.py).

Kept here so the shared tree is unchanged until the back-end seam (issue 10) lands; both are
terminal (the run stops, exit 3 today; issue 9 gives "the campaign refuses records" its own code).
"""

from __future__ import annotations

from bulk_loader.api.campaigns_v1.problem import Problem
from bulk_loader.errors import CampaignNotUsable, TerminalError


class CampaignRefused(CampaignNotUsable):
    """The campaign refuses records or the action: its state (409), disabled, or not dynamic."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(message, status=problem.status)
        self.problem = problem


class RequestRefused(TerminalError):
    """An answer that says the request itself is wrong (415, a 400 to a state change...):
    sending it again cannot help."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(message, status=problem.status)
        self.problem = problem
