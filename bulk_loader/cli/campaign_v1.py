"""`bulk-loader campaign --api campaigns-v1 --campaign UUID --action ACTION`: send one state action
and show the Campaign that comes back (docs/contract-campaigns-v1.md section 3, Decision 6).

This API has no read of a campaign: its state and record counts come only from the answer to an
action, so without `--action` the command says so (exit 2) instead of guessing. An action that
is not valid from the campaign's state is refused by the server (409): exit 4, naming the state
and the actions valid from it, from the contract's state machine.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import Any

import click
import orjson

from bulk_loader.cli.backend import Target
from bulk_loader.cli.say import say
from bulk_loader.errors import UsageError

NO_READ = ("the Campaigns API v1 has no call that reads a campaign: its state and record counts "
           "come only from the answer to a state action; give --action {actions} (PURGE "
           "changes no state)")
TIMES = ("startTime", "endTime", "lastBuildTime", "lastPurgedTime", "startedTime",
         "completedTime")


def show_v1_campaign(target: Target, p: Mapping[str, Any], action: str | None,
                     enabled: bool | None, timeout: float, as_json: bool) -> None:
    from bulk_loader.api.campaigns_v1.spec import VALID_FROM

    if action is None:
        raise UsageError(NO_READ.format(actions="|".join(VALID_FROM)))
    target = _with_auth(target, p)
    action = action.upper()
    campaign = asyncio.run(_send(target, action, enabled, timeout))
    facts = campaign_facts(campaign, action)
    if as_json:
        click.echo(orjson.dumps(facts).decode())
        return
    for line in campaign_lines(facts):
        say(line)


def _with_auth(target: Target, p: Mapping[str, Any]) -> Target:
    from dataclasses import replace

    from bulk_loader.cli.backend import load_v1_auth

    return replace(target, auth=load_v1_auth(p.get("profile"), p.get("config_file")))


async def _send(target: Target, action: str, enabled: bool | None, timeout: float) -> Any:
    from bulk_loader.api.campaigns_v1 import CampaignRefused

    async with target.v1_client(concurrency=1, timeout=timeout) as client:
        try:
            return await client.change_state(str(target.campaign), action, enabled=enabled)
        except CampaignRefused as exc:
            raise CampaignRefused(refusal(str(exc), action), exc.problem) from None


def refusal(message: str, action: str) -> str:
    """The server's 409, with the state it names and the actions valid from that state."""
    from bulk_loader.api.campaigns_v1.spec import (
        STATES,
        TRANSIENT_STATES,
        VALID_FROM,
        WHEN_DISABLED,
    )

    # Longest names first, so RUN_ERROR is not read as RUNNING's prefix and the like.
    names = "|".join(sorted(STATES, key=len, reverse=True))
    found = re.search(rf"\b({names})\b", message)
    allowed = ", ".join(VALID_FROM.get(action, ()))
    text = f"{message}. {action} is valid only from {allowed}"
    if found is not None:
        state = found.group(1)
        valid = [a for a, states in VALID_FROM.items() if state in states]
        text += (f"; from {state} the valid actions are {', '.join(valid)}" if valid
                 else f"; no action is valid from {state}")
        if state in TRANSIENT_STATES:
            text += " (a transient state: send the action again once the campaign has moved on)"
    if "disabled" in message.lower():
        text += (f"; a disabled campaign accepts only {' and '.join(WHEN_DISABLED)} (add "
                 "--enabled to enable it with one of them)")
    return text


def campaign_facts(campaign: Any, action: str) -> dict[str, Any]:
    """`campaign --api campaigns-v1 --json`: the Campaign after the action, in our keys."""
    raw: dict[str, Any] = campaign.raw
    counts = [{"type": c.get("type"), "state": c.get("state"), "result": c.get("result"),
               "count": c.get("count")} for c in campaign.record_counts]
    return {"api": "campaigns-v1", "campaign-id": campaign.campaign_id, "action": action,
            "state": campaign.state, "display-status": campaign.display_status,
            "records": campaign.record_count, "record-counts": counts,
            **{_kebab(k): raw[k] for k in TIMES if k in raw}}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def campaign_lines(facts: Mapping[str, Any]) -> list[str]:
    from bulk_loader.api.campaigns_v1.spec import TRANSIENT_STATES

    state = facts["state"]
    shown = state + (f" (shown as \"{facts['display-status']}\")"
                     if facts["display-status"] else "")
    if state in TRANSIENT_STATES:
        shown += "; it moves on by itself"
    records = facts["records"]
    lines = [f"Campaign {facts['campaign-id']} after {facts['action']}",
             f"  {'state:':<17}{shown}",
             f"  {'records:':<17}{'unknown' if records is None else f'{records:,}'}"]
    if facts["record-counts"]:
        lines.append("  by state and result:")
        for c in facts["record-counts"]:
            label = " ".join(str(x) for x in (c["state"], c["result"]) if x)
            count = c["count"]
            lines.append(f"    {label:<32}{count:>12,}" if isinstance(count, int)
                         else f"    {label:<32}{count!s:>12}")
    for key in ("start-time", "end-time", "last-build-time", "last-purged-time", "started-time",
                "completed-time"):
        if key in facts:
            lines.append(f"  {key.replace('-', ' ') + ':':<17}{facts[key]}")
    return lines
