"""RFC 9457 problem bodies of the v1 API (docs/contract-campaigns-v1.md section 2), read defensively.

A problem may name the record at fault: the vendor's duplicate detail names an id, and a field
error may carry an index (`records[3].crmRecordId`). Either lets the isolation take that record
out instead of halving the batch (Decision 2). Nothing here raises on a strange body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from bulk_loader.api.campaigns_v1.spec import DUPLICATE_RE

_INDEXED = re.compile(r"records\[([0-9]+)\]\.?(.*)")
_LIMIT = 300


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    code: str
    message: str
    index: int | None  # the record's position in the batch sent, when the field names it

    def text(self) -> str:
        name = _INDEXED.sub(r"\2", self.field) if self.index is not None else self.field
        return f"{name or 'record'}: {self.message}" if self.message else name


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    title: str
    detail: str
    instance: str
    time: str
    errors: tuple[FieldProblem, ...]
    not_dynamic: bool = False  # "Invalid Operation" with `isDynamic` false

    def campaign_level(self) -> bool:
        """Does a 400 speak of the campaign itself rather than of a record?"""
        return self.not_dynamic or self.title == "Invalid Operation"

    def duplicate_id(self) -> str | None:
        """The id of `Campaign already contains record for Id: X`, else None."""
        m = DUPLICATE_RE.search(self.detail)
        return m.group(1).strip() if m else None

    def summary(self) -> str:
        """One line for a message: the title and detail, trimmed."""
        text = self.detail or self.title or f"HTTP {self.status}"
        if self.title and self.detail and self.title not in self.detail:
            text = f"{self.title}: {self.detail}"
        return " ".join(text.split())[:_LIMIT]

    def reference(self) -> str:
        """What the vendor asks support requests to quote."""
        return ", ".join(x for x in (f"instance {self.instance}" if self.instance else "",
                                     f"time {self.time}" if self.time else "") if x)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _field(entry: Any) -> FieldProblem | None:
    if not isinstance(entry, dict):
        return None
    name = _text(entry.get("field"))
    m = _INDEXED.fullmatch(name)
    return FieldProblem(name, _text(entry.get("code")), _text(entry.get("message")),
                        int(m.group(1)) if m else None)


def parse_problem(status: int, body: bytes) -> Problem:
    """The problem in `body`; a body that is not one gives its start as the detail."""
    try:
        data = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raw = " ".join(body[:_LIMIT].decode("utf-8", "replace").split())
        return Problem(status, "", raw, "", "", ())
    raw_errors = data.get("errors")
    fields = [_field(e) for e in raw_errors] if isinstance(raw_errors, list) else []
    return Problem(status, _text(data.get("title")), _text(data.get("detail")),
                   _text(data.get("instance")), _text(data.get("time")),
                   tuple(f for f in fields if f is not None), data.get("isDynamic") is False)
