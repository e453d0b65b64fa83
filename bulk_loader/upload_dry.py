"""`upload --dry-run`: read, validate and preflight; report what would be sent; send nothing.

Nothing is written to the journal either: a dry run leaves no run behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bulk_loader.errors import EXIT_OK, EXIT_SOME_FAILED
from bulk_loader.reader import open_table
from bulk_loader.upload_load import READ_BATCH

if TYPE_CHECKING:
    from bulk_loader.campaign_info import CampaignInfo
    from bulk_loader.upload import UploadOptions, UploadOutcome


def dry_run(opts: UploadOptions, info: CampaignInfo | None,
            make_validator: Callable[[UploadOptions, CampaignInfo | None], Any],
            started: float) -> UploadOutcome:
    from bulk_loader.upload import UploadOutcome

    validator = make_validator(opts, info)
    rows = valid = 0
    reasons: dict[str, int] = {}
    with open_table(str(opts.file), **opts.reader.kwargs()) as table:
        for batch in table.batches(size=READ_BATCH):
            v = validator.validate(batch)
            validator.check_cap()
            rows += len(batch.rows)
            valid += len(v.rows)
            for inv in v.invalid:
                reasons[inv.reason] = reasons.get(inv.reason, 0) + 1
    validator.check_cap()
    invalid = rows - valid
    chunks = -(-valid // opts.chunk_size)
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    summary = {
        "dry_run": True,
        "campaign_id": opts.campaign_id,
        "campaign_name": info.name if info is not None else None,
        "file": str(opts.file),
        "rows": rows,
        "would_send": valid,
        "chunks": chunks,
        "invalid": invalid,
        "top_reasons": [{"reason": r, "count": n} for r, n in top],
        "preflight": info is not None,
        "wall_seconds": round(time.monotonic() - started, 3),
    }
    return UploadOutcome(summary, EXIT_SOME_FAILED if invalid else EXIT_OK)


def format_dry_run(s: dict[str, Any]) -> str:
    name = f' ("{s["campaign_name"]}")' if s.get("campaign_name") else ""
    checked = "preflight passed" if s["preflight"] else "preflight skipped"
    lines = [
        f"dry run: nothing was sent. {s['rows']:,} rows read from {s['file']}; {checked}.",
        f"  would send {s['would_send']:,} records in {s['chunks']:,} chunks to campaign "
        f"{s['campaign_id']}{name}",
        f"  invalid    {s['invalid']:,} rows",
    ]
    for r in s["top_reasons"]:
        lines.append(f"  {r['count']:>8,}  {r['reason']}")
    return "\n".join(lines)
