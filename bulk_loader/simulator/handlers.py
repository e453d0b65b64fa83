"""The five documented calls (docs/contract.md sections 1-4) plus the simulator's own stats page.

Every API call goes through `_prelude`: count, latency, pre-state fault, auth, campaign lookup, in
that order, so a fault never leaves state changed. Whole-request errors answer JSON
{"message": "..."}; the wording is the simulator's (docs/simulator.md).
"""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler

from bulk_loader import spec
from bulk_loader.simulator.auth import authorized
from bulk_loader.simulator.config import CampaignConfig
from bulk_loader.simulator.ingest import IngestRules, format_ms, ingest
from bulk_loader.simulator.lifecycle import mix, phone_list, record_state
from bulk_loader.simulator.rate_limit import retry_after_header, tenant_of
from bulk_loader.simulator.state import SimulatorState
from bulk_loader.simulator.store import CampaignStore

STATE_KEY: web.AppKey[SimulatorState] = web.AppKey("simulator_state", SimulatorState)
JSON = "application/json"
STATUS_CHANGE = {"RUNNING": 3, "PAUSED": 8, "PURGED": 10, "STOPPED": 5}
STOPPED = spec.STATUS_STOPPED
ACCEPTED = 2  # a record's lifecycle status while it is offered to an agent


def _json(state: SimulatorState, status: int, payload: Any,
          headers: dict[str, str] | None = None) -> web.Response:
    state.by_status[status] += 1
    return web.Response(status=status, body=orjson.dumps(payload), content_type=JSON,
                        headers=headers)


class Refusal(Exception):
    """A whole-request error; `refusals` (the app's middleware) turns it into its answer."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def _error(state: SimulatorState, status: int, message: str,
           headers: dict[str, str] | None = None) -> Refusal:
    return Refusal(_json(state, status, {"message": message}, headers))


@web.middleware
async def refusals(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refusal as refusal:
        return refusal.response


def _drop(request: web.Request) -> NoReturn:
    """Close the connection without an answer (the client sees a disconnect)."""
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


async def _prelude(request: web.Request, route: str, token: str,
                   refusals: tuple[str, str] | None = None,
                   ) -> tuple[SimulatorState, int, CampaignConfig]:
    """`refusals`: the (not dynamic, not enabled) messages of a write call, checked here."""
    state = request.app[STATE_KEY]
    state.counters["requests"] += 1
    state.by_route[route] += 1
    if state.buckets is not None:  # --rate-limit: refused before any work, like a gateway
        wait = state.buckets.take(tenant_of(request.headers.get("Authorization")))
        if wait is not None:
            state.counters["rate_limited"] += 1
            raise _error(state, 429, "Too many requests; retry later.",
                         {"Retry-After": retry_after_header(wait)})
    delay = state.faults.delay_s()
    if delay > 0:
        await asyncio.sleep(delay)
    fault = state.faults.before()
    if fault is not None:
        state.count_fault(fault)
        retry = {"Retry-After": str(state.config.retry_after_s)}
        if fault == "429":
            raise _error(state, 429, "Too many requests; retry later.", retry)
        if fault == "503":
            raise _error(state, 503, "Service temporarily unavailable; retry later.", retry)
        if fault == "500":
            raise _error(state, 500, "Internal server error.")
        if fault == "drop":
            _drop(request)
        await asyncio.sleep(state.config.slow_ms / 1000)  # "slow": then answer normally
    kind = state.config.delete_token if route == "delete" else token
    if not _authorized(request, state, kind):
        state.counters["auth_failures"] += 1
        raise _error(state, 401, "Unauthorized: wrong username or token.",
                     {"WWW-Authenticate": 'Basic realm="8x8 Contact Center"'})
    campaign_id = int(request.match_info["campaign_id"])
    campaign = state.campaigns.get(campaign_id)
    if campaign is None:
        raise _error(state, 404, f"Campaign {campaign_id} not found.")
    if refusals is not None and not campaign.dynamic:
        raise _error(state, 400, refusals[0])
    if refusals is not None and not campaign.enabled:
        raise _error(state, 400, refusals[1])
    return state, campaign_id, campaign


def _authorized(request: web.Request, state: SimulatorState, kind: str) -> bool:
    return authorized(request.headers.get("Authorization"), state.config, kind)


async def add_records(request: web.Request) -> web.StreamResponse:
    state, campaign_id, campaign = await _prelude(
        request, "add", "action", (spec.MSG_ADD_NOT_DYNAMIC, spec.MSG_ADD_NOT_ENABLED))
    status = state.status[campaign_id]
    if status in STOPPED:
        raise _error(state, 400, spec.MSG_ADD_STOPPED)
    if status in spec.STATUS_NEVER_STARTED:
        raise _error(state, 400, spec.MSG_ADD_NOT_STARTED)
    try:
        items = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        raise _error(state, 400, "The request body is not valid JSON.") from None
    if not isinstance(items, list):
        raise _error(state, 400, "The request body must be a JSON array of customer records.")
    limit = state.config.max_chunk
    if len(items) > limit:
        raise _error(state, 413, f"Too many records in one request: {len(items):,} "
                                 f"(at most {limit:,}).")
    rules = IngestRules(now_ms=state.clock.now_ms(), window_ms=campaign.window_ms,
                        max_records=state.config.max_records,
                        accept_numeric_strings=state.config.accept_numeric_strings)
    out, rows = ingest(items, state.store(campaign_id), state.crm, rules)
    if rows and state.file is not None:
        state.file.add(campaign_id, rows)
    state.counters["records_received"] += len(items)
    state.counters["records_added"] += len(rows)
    state.counters["records_rejected"] += len(items) - len(rows)
    state.note_add(campaign_id)
    if rows and state.faults.drop_after_commit():
        state.count_fault("drop_after_commit")
        _drop(request)
    return _json(state, 207, out)


async def delete_record(request: web.Request) -> web.StreamResponse:
    state, campaign_id, _ = await _prelude(
        request, "delete", "action", (spec.MSG_ADD_NOT_DYNAMIC, spec.MSG_DELETE_NOT_ENABLED))
    if state.status[campaign_id] in STOPPED:
        raise _error(state, 400, spec.MSG_DELETE_STOPPED)
    raw = request.match_info["customer_id"]
    idx = state.crm.index(int(raw)) if raw.isdigit() else -1
    store = state.store(campaign_id)
    if idx >= 0 and _offered(state, store, idx):
        raise _error(state, 400, spec.MSG_DELETE_BUSY)
    record_id = store.delete(idx) if idx >= 0 else None
    if record_id is None:
        raise _error(state, 404, spec.MSG_DELETE_NOT_LOCATED)
    if state.file is not None:
        state.file.delete(campaign_id, record_id)
    state.counters["records_deleted"] += 1
    state.by_status[204] += 1
    return web.Response(status=204)


def _offered(state: SimulatorState, store: CampaignStore, crm_index: int) -> bool:
    """Is the record in its Accepted stage (being offered to an agent) now? (Invented timing.)"""
    row = store.row_of(crm_index)
    if row is None:
        return False
    cid, added, sched = row
    status, _, _ = record_state(mix(state.config.seed, cid), added, sched, state.clock.now_ms(),
                                int(state.config.stage_seconds * 1000))
    return status == ACCEPTED


async def view_records(request: web.Request) -> web.StreamResponse:
    """The whole campaign as one document, written in pieces: never built whole in memory."""
    state, campaign_id, campaign = await _prelude(request, "view", "data")
    store = state.store(campaign_id)
    seed, now, stage = state.config.seed, state.clock.now_ms(), int(
        state.config.stage_seconds * 1000)
    name = campaign.name
    response = web.StreamResponse(status=200, headers={"Content-Type": JSON})
    await response.prepare(request)
    try:
        await response.write(b'{"records":{"record":[')
        end, piece, first = len(store), max(1, state.config.view_piece), True
        for start in range(0, end, piece):
            batch = []
            for rid, cid, added, sched in store.rows(start, start + piece):
                h = mix(seed, cid)
                status, code, disposition = record_state(h, added, sched, now, stage)
                batch.append({"campaign-name": name, "campaign-id": campaign_id,
                              "record-id": rid, "phone-list": phone_list(h, code),
                              "status": status, "status-code": code, "ext-trans-data": "",
                              "disposition-code": disposition})
            if batch:
                chunk = orjson.dumps(batch)[1:-1]
                await response.write(chunk if first else b"," + chunk)
                first = False
        await response.write(b"]}}")
        await response.write_eof()
    except ConnectionResetError:  # the client went away mid-document: nothing to answer
        state.counters["views_abandoned"] += 1
        return response
    state.by_status[200] += 1
    return response


async def campaign_status(request: web.Request) -> web.StreamResponse:
    state, campaign_id, campaign = await _prelude(request, "status", "data")
    window = campaign.window_ms
    return _json(state, 200, {"campaign": {
        "campaign-name": campaign.name,
        "campaign-id": campaign_id,
        "enabled": "Y" if campaign.enabled else "N",
        "status": state.status[campaign_id],
        "no-of-records": state.record_count(campaign_id),
        "start-time": format_ms(window[0]) if window else "",
        "end-time": format_ms(window[1]) if window else "",
        "timezone": campaign.timezone,
        "dynamic-campaign": "Y" if campaign.dynamic else "N",
        "sequential": "Y" if campaign.sequential else "N",
    }})


async def change_status(request: web.Request) -> web.StreamResponse:
    """POST (the vendor's page) and PATCH (its OpenAPI file) change a campaign's status; PATCH
    answers with the OpenAPI file's messages, POST with the page's and the simulator's own."""
    patch = request.method == "PATCH"
    state, campaign_id, campaign = await _prelude(request, "status_change", "action")
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        body = None
    wanted = body.get("status") if isinstance(body, dict) else None
    if wanted not in STATUS_CHANGE:
        raise _error(state, 400, spec.MSG_INVALID_TRANSITION if patch else
                     "status must be one of " + ", ".join(STATUS_CHANGE) + ".")
    if patch and not campaign.dynamic:
        raise _error(state, 400, spec.MSG_PATCH_NOT_DYNAMIC)
    if patch and not campaign.enabled:
        raise _error(state, 400, spec.MSG_ADD_NOT_ENABLED)
    if state.status[campaign_id] in STOPPED:
        raise _error(state, 400, spec.MSG_INVALID_TRANSITION if patch else
                     f"Campaign {campaign_id} is stopped; its status cannot change.")
    state.set_status(campaign_id, STATUS_CHANGE[wanted])
    if wanted == "PURGED":
        state.store(campaign_id).clear()
        if state.file is not None:
            state.file.purge(campaign_id)
    return _json(state, 200, {"message": spec.MSG_STATUS_HAS_CHANGED if patch
                              else spec.MSG_STATUS_CHANGED})


async def stats(request: web.Request) -> web.StreamResponse:
    """GET /__simulator/stats: counters, no auth (the simulator's own page, not the vendor's)."""
    return web.Response(body=orjson.dumps(request.app[STATE_KEY].stats()), content_type=JSON)
