"""The two v1 calls (add records, change state) plus the simulator's own stats page.

Every call goes through `_prelude`: count, latency, pre-state fault, rate limit, site, API key,
tenant, campaign, in that order, so a fault or a refusal never leaves state changed. Every error
is an RFC 9457 problem body (title, status, detail, instance, time; `errors` on validation
failures). The wording of titles and details is the simulator's, except the duplicate's detail,
which is the vendor's verbatim (docs/simulator.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import orjson
from aiohttp import web

from bulk_loader.api.campaigns_v1.spec import (
    DUPLICATE_DETAIL,
    MEDIA_TYPE,
    REFUSE_ADDS,
    SITES,
    VALID_FROM,
)
from bulk_loader.simulator.campaigns_v1.machine import CampaignRun
from bulk_loader.simulator.campaigns_v1.rules import FieldError, check_body, first_repeat
from bulk_loader.simulator.campaigns_v1.state import V1State, iso_ms
from bulk_loader.simulator.handlers import Refusal
from bulk_loader.simulator.rate_limit import retry_after_header

V1_KEY: web.AppKey[V1State] = web.AppKey("campaigns_v1_state", V1State)
PROBLEM_TYPE = "application/problem+json"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 415: "Unsupported Media Type", 429: "Too Many Requests",
          500: "Internal Server Error", 503: "Service Unavailable"}


def _answer(state: V1State, status: int, payload: Any, content_type: str,
            headers: dict[str, str] | None = None) -> web.Response:
    state.by_status[status] += 1
    return web.Response(status=status, body=orjson.dumps(payload), headers={
        "Content-Type": content_type, **(headers or {})})


def problem(request: web.Request, status: int, detail: str, *, title: str | None = None,
            errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None,
            extra: dict[str, Any] | None = None) -> Refusal:
    """An RFC 9457 problem answer, raised by the caller and answered by the middleware."""
    state = request.app[V1_KEY]
    body: dict[str, Any] = {"title": title or TITLES[status], "status": status, "detail": detail,
                            "instance": request.path, "time": iso_ms(state.clock.now_ms())}
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return Refusal(_answer(state, status, body, PROBLEM_TYPE, headers))


def _drop(request: web.Request) -> NoReturn:
    """Close the connection without an answer (the client sees a disconnect)."""
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


async def _fault(request: web.Request, state: V1State) -> None:
    delay = state.faults.delay_s()
    if delay > 0:
        await asyncio.sleep(delay)
    fault = state.faults.before()
    if fault is None:
        return
    state.count_fault(fault)
    retry = {"Retry-After": str(state.config.retry_after_s)}
    if fault == "429":
        raise problem(request, 429, "Too many requests; retry later.", headers=retry)
    if fault == "503":
        raise problem(request, 503, "Service temporarily unavailable; retry later.", headers=retry)
    if fault == "500":
        raise problem(request, 500, "An unexpected error occurred.")
    if fault == "drop":
        _drop(request)
    await asyncio.sleep(state.config.slow_ms / 1000)  # "slow": then answer normally


def _authenticate(request: web.Request, state: V1State) -> None:
    key = request.headers.get("X-API-Key", "")
    config = state.config
    if key.startswith("eght_") and key == config.no_product_key:
        state.counters["auth_failures"] += 1
        raise problem(request, 403, "The API key's app does not have the Contact Center "
                                    "Campaigns API product.")
    if not key.startswith("eght_") or key != config.api_key:
        state.counters["auth_failures"] += 1
        raise problem(request, 401, "Missing or invalid API key.")


async def _prelude(request: web.Request, route: str) -> tuple[V1State, CampaignRun]:
    state = request.app[V1_KEY]
    state.counters["requests"] += 1
    state.by_route[route] += 1
    await _fault(request, state)
    wait = state.buckets.take(request.headers.get("X-8x8-Tenant", "")) \
        if state.buckets is not None else None
    if wait is not None:
        state.counters["rate_limited"] += 1
        raise problem(request, 429, "Rate limit exceeded; retry later.",
                      headers={"Retry-After": retry_after_header(wait)})
    site = request.match_info["site"]
    if site not in SITES:
        raise problem(request, 404, f"No such site: {site} (the sites are {', '.join(SITES)}).")
    _authenticate(request, state)
    campaign_id = request.match_info["campaign_id"]
    run = state.run(campaign_id)
    if run is None or request.headers.get("X-8x8-Tenant") != state.config.tenant:
        raise problem(request, 404, f"Campaign {campaign_id} not found.")
    return state, run


async def _body(request: web.Request) -> Any:
    """The JSON body, after the vendor media type is checked."""
    got = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if got != MEDIA_TYPE:
        raise problem(request, 415, f"Content-Type must be {MEDIA_TYPE} (got {got or 'none'}).")
    try:
        return orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        raise problem(request, 400, "The request body is not valid JSON.") from None


def _validation(request: web.Request, errors: list[FieldError], indexed: bool) -> Refusal:
    shown = [e.as_json(indexed) for e in errors]
    first = shown[0]
    more = f" (and {len(shown) - 1} more)" if len(shown) > 1 else ""
    return problem(request, 400, f"{first['field']}: {first['message']}{more}",
                   title="Validation failed", errors=shown)


async def add_records(request: web.Request) -> web.StreamResponse:
    state, run = await _prelude(request, "add")
    try:
        return await _add(request, state, run)
    except Refusal:
        state.counters["batches_refused"] += 1
        raise


async def _add(request: web.Request, state: V1State, run: CampaignRun) -> web.StreamResponse:
    body = await _body(request)
    items = body.get("records") if isinstance(body, dict) else None
    state.counters["records_received"] += len(items) if isinstance(items, list) else 0
    cid, config = run.campaign_id, state.config
    if not run.dynamic:
        raise problem(request, 400, f"Campaign {cid} is not a dynamic campaign.",
                      title="Invalid Operation", extra={"isDynamic": False})
    if not run.enabled:
        raise problem(request, 409, f"Campaign {cid} is disabled and does not accept records.")
    if run.state in REFUSE_ADDS:
        raise problem(request, 409, f"Campaign {cid} is in state {run.state} and does not "
                                    "accept records.")
    records, errors = check_body(body)
    if errors:
        raise _validation(request, errors, config.indexed_field_errors)
    repeat = first_repeat(records)
    if repeat is not None:
        i, crm = repeat
        raise _validation(request, [FieldError(i, "crmRecordId", "Unique",
                                               f"duplicate crmRecordId in the request: {crm}")],
                          config.indexed_field_errors)
    refused = [FieldError(i, "crmRecordId", "Refused", "is refused by the server")
               for i, rec in enumerate(records) if rec.crm_id in config.refuse_ids]
    if refused:
        raise _validation(request, refused, config.indexed_field_errors)
    held = state.stored[cid]
    for rec in records:
        if rec.crm_id in held:
            status = config.duplicate_status
            raise problem(request, status, DUPLICATE_DETAIL.format(id=rec.crm_id),
                          title="Conflict" if status == 409 else "Validation failed")
    added = state.add(cid, records)
    if state.faults.drop_after_commit():
        state.count_fault("drop_after_commit")
        _drop(request)
    return _answer(state, config.success_status, {"records": added}, MEDIA_TYPE)


def _flag(request: web.Request, body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise problem(request, 400, f"{name} must be true or false.", title="Validation failed",
                      errors=[{"field": name, "code": "TypeMismatch", "message": "must be a boolean"}])
    return value


async def change_state(request: web.Request) -> web.StreamResponse:
    state, run = await _prelude(request, "change")
    body = await _body(request)
    action = body.get("action") if isinstance(body, dict) else None
    if not isinstance(body, dict) or action not in VALID_FROM:
        raise problem(request, 400, "action must be one of " + ", ".join(VALID_FROM) + ".",
                      title="Validation failed", errors=[{
                          "field": "action", "code": "InvalidValue",
                          "message": "must be one of " + ", ".join(VALID_FROM)}])
    enabled = _flag(request, body, "enabled")
    if _flag(request, body, "buildOnStart") is not None and action != "START":
        raise problem(request, 400, "buildOnStart is allowed only with START.")
    why = run.refusal(action)
    if why is not None:
        raise problem(request, 409, why)
    run.apply(action, state.clock.now_ms(), int(state.config.transient_seconds * 1000))
    if enabled is not None:
        run.enabled = enabled
    return _answer(state, 200, state.campaign(run.campaign_id), MEDIA_TYPE)


def wrong_method(allowed: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Any other method on a v1 path: a problem body too (RFC 9457), naming the one allowed."""
    async def refuse(request: web.Request) -> web.StreamResponse:
        raise problem(request, 405, f"{request.method} is not allowed here; use {allowed}.",
                      headers={"Allow": allowed})
    return refuse


async def stats(request: web.Request) -> web.StreamResponse:
    """GET /__simulator/campaigns-v1/stats: counters, no auth (the simulator's own page)."""
    return web.Response(body=orjson.dumps(request.app[V1_KEY].stats()),
                        content_type="application/json")
