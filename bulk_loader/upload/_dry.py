"""`upload --dry-run`: read, validate and preflight; report what would be sent; send nothing.

Nothing is written to the journal either: a dry run leaves no run behind. The file goes through
validate_file with the real run's validator, so the counts, reasons and invalid rows it reports
are the ones `validate` reports and the real run journals.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bulk_loader.errors import EXIT_OK, EXIT_SOME_FAILED
from bulk_loader.model import Batch, Validated
from bulk_loader.summaries import DryRunSummary
from bulk_loader.upload._options import UploadOutcome, export_options
from bulk_loader.validation import FileOptions, FileSummary, NoRowsError, Validator, validate_file

SHOWN_INVALID = 10  # as many as `validate` shows

if TYPE_CHECKING:
    from bulk_loader.upload._options import UploadOptions


def dry_run(opts: UploadOptions, info: Any,
            make_validator: Callable[[UploadOptions, Any], Validator],
            started: float) -> UploadOutcome:
    first: list[tuple[int, str]] = []

    def on_batch(batch: Batch, validated: Validated) -> None:
        room = SHOWN_INVALID - len(first)
        if room > 0:
            first.extend((bad.row, bad.reason) for bad in validated.invalid[:room])

    # The same loop, validator and cap check as the real run's load (upload_load.load_file).
    validator = make_validator(opts, info)
    try:
        s = validate_file(opts.file, FileOptions(**opts.reader.kwargs(),
                                                 exports=export_options(opts)),
                          validator=validator, on_batch=on_batch, cap_each_batch=True,
                          # the v1 validator finds its priority and rank columns by header
                          on_table=getattr(validator, "bind", None))
    except NoRowsError:  # an empty delta, as the real run sees it: nothing to send, exit 0
        s = FileSummary(path=opts.file)
    chunks = -(-s.valid // opts.chunk_size)
    summary: DryRunSummary = {
        "dry_run": True,
        "campaign_id": opts.campaign_id,
        "campaign_name": getattr(info, "name", None),  # the back end's campaign info, if read
        "file": opts.file_label or str(opts.file),
        "rows": s.rows,
        "would_send": s.valid,
        "with_schedule": s.with_schedule,
        "chunks": chunks,
        "invalid": s.invalid,
        # Every kind of reason (a short list: the row's own value is not part of it).
        "top_reasons": [{"reason": r, "count": n} for r, n in s.by_reason.most_common()],
        "first_invalid": [{"row": row, "reason": reason} for row, reason in first],
        "preflight": info is not None,
        **s.mapping.as_json(),
        "wall_seconds": round(time.monotonic() - started, 3),
    }
    return UploadOutcome(summary, EXIT_SOME_FAILED if s.invalid else EXIT_OK)


def _mapping_lines(s: Mapping[str, Any]) -> list[str]:
    from bulk_loader.readers import Mapping, Sample

    if "columns" not in s:
        return []
    cols, zone = s["columns"], s["time_zone"]
    mapping = Mapping(cols["customer-id"], cols["schedule-date-time"], cols["time-zone"],
                      zone["zone"], zone["source"] or "",
                      [Sample(x["row"], x["value"], x["zone"], x["utc"]) for x in s["samples"]])
    return mapping.lines()


def format_dry_run(s: Mapping[str, Any]) -> str:
    name = f' ("{s["campaign_name"]}")' if s.get("campaign_name") else ""
    checked = "preflight passed" if s["preflight"] else "preflight skipped"
    lines = [
        f"dry run: nothing was sent. {s['rows']:,} rows read from {s['file']}; {checked}.",
        f"  would send {s['would_send']:,} records in {s['chunks']:,} chunks to campaign "
        f"{s['campaign_id']}{name}",
        f"  invalid    {s['invalid']:,} rows",
    ]
    lines.extend(f"  {line}" for line in _mapping_lines(s))
    for r in s["top_reasons"]:
        lines.append(f"  {r['count']:>8,}  {r['reason']}")
    shown = s.get("first_invalid") or []
    if shown:
        more = s["invalid"] - len(shown)
        lines.append(f"first invalid rows{f' ({more:,} more)' if more > 0 else ''}:")
        lines.extend(f"  row {r['row']}: {r['reason']}" for r in shown)
    return "\n".join(lines)
