"""The journal: every record's outcome in SQLite, so that a run killed at any instant resumes.

All SQL lives in this package: the journal itself, its schema, the writer thread, holdings
(whose record is it, docs/contract.md Decision 14) and the pandas frames (`journal.frames`).
"""

from bulk_loader.journal._journal import (
    OPEN_CHUNK_STATES,
    SCHEMA_VERSION,
    Chunk,
    Journal,
    OutcomeRow,
    Record,
    Run,
    encode_records,
    make_chunk,
)
from bulk_loader.journal._queries import (
    latest_delete_of,
    records_in_state,
    run_ids_in_scope,
    run_ids_started_between,
    undone_by,
    unfinished_uploads_of_other_bytes,
)
from bulk_loader.journal._thread import (
    JournalThread,
)

__all__ = [
    "latest_delete_of",
    "records_in_state",
    "run_ids_in_scope",
    "run_ids_started_between",
    "undone_by",
    "unfinished_uploads_of_other_bytes",
    "Chunk",
    "Journal",
    "JournalThread",
    "OPEN_CHUNK_STATES",
    "OutcomeRow",
    "Record",
    "Run",
    "SCHEMA_VERSION",
    "encode_records",
    "make_chunk",
]
